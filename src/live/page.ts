// The live page: one HTML shell, its style sheet and its script (page-script.ts),
// all served by the CLI itself: no CDN, no font, nothing fetched from anywhere
// else. Made to be read on a projector: large type, high contrast, the
// report's colour-blind-safe service colours, ✓/✗ beside every colour, and a
// key for every action.
import { reportCss } from '../report/html-style.js';
import { escapeHtml } from '../report/html-trace.js';
import type { LiveHubOptions } from './hub.js';

/** Keys of the actions; the scenarios other than happy take 1–9 in `polytrace scenarios` order. */
const keys = { send: 's', noToken: 't', happy: 'h', help: '?' } as const;

const label = (scenario: string) => scenario.replaceAll('-', ' ');

function controls(options: LiveHubOptions): string {
  const others = options.scenarios.filter((s) => s.name !== 'happy').slice(0, 9);
  const button = (name: string, text: string, key: string, summary: string) =>
    `<button type="button" class="scenario" data-scenario="${escapeHtml(name)}" data-key="${key}" title="${escapeHtml(summary)}">${escapeHtml(text)} <kbd>${key}</kbd></button>`;
  const happy = options.scenarios.find((s) => s.name === 'happy');
  return `<nav class="controls" aria-label="actions on the running chain">
<div class="group">
<button type="button" data-action="send" data-key="${keys.send}" title="fire one request of the current scenario, verified like check's">send a request <kbd>${keys.send}</kbd></button>
<button type="button" data-action="send-without-token" data-key="${keys.noToken}" title="fire one request with no bearer token: auth answers 401">send one without a token <kbd>${keys.noToken}</kbd></button>
</div>
<div class="group scenarios" role="group" aria-label="switch scenario">
${happy ? button(happy.name, 'back to happy', keys.happy, happy.summary) : ''}
${others.map((s, i) => button(s.name, label(s.name), String(i + 1), s.summary)).join('\n')}
</div>
</nav>`;
}

const help = `<dialog id="help" aria-label="keyboard shortcuts">
<h2>Keys</h2>
<p><kbd>${keys.send}</kbd> send a request · <kbd>${keys.noToken}</kbd> send one without a token · <kbd>${keys.happy}</kbd> back to happy · <kbd>1</kbd>–<kbd>9</kbd> switch scenario · <kbd>${keys.help}</kbd> this help · <kbd>Esc</kbd> close</p>
<p>Click a span for its attributes; click an older line to open its trace again (while it is kept).</p>
</dialog>`;

export function pageHtml(options: LiveHubOptions, token: string | undefined): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${token ? `<meta name="polytrace-token" content="${token}">` : ''}
<title>${escapeHtml(options.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/page.css">
<script src="/page.js" defer></script>
</head>
<body data-mode="${options.mode}">
<header class="topbar">
<h1>${escapeHtml(options.title)}</h1>
<span class="scenario-now" id="scenario" aria-live="polite"></span>
<span class="counts" id="counts"></span>
<span class="link" id="link" title="the page's connection to polytrace">connecting…</span>
</header>
${options.mode === 'live' ? controls(options) : '<p class="note read-only">A past run, read-only: every trace as polytrace verified it again from the spans file.</p>'}
<div class="switch" id="switch" role="status" aria-live="polite" hidden></div>
<div class="progress" id="progress" aria-live="polite"></div>
<section class="dependencies live-map"><h2>Live map</h2><div id="map"><p class="note">The map appears with the first trace.</p></div></section>
<section class="list"><h2>Traces <span class="note">newest first</span></h2>
<p class="note" id="marks-legend">✓ verified · ✗ a check failed, or a span ended in error · ⚠ a span whose parent never arrived · ○ a request that left no span (not sampled)</p>
<div id="traces"></div>
<p class="note" id="older" hidden></p>
</section>
${options.mode === 'live' ? help : ''}
</body>
</html>
`;
}

/** High contrast and large type on top of the report's sheet; status colours blue and vermillion, never green against red. */
export const pageStyle = `${reportCss}
:root{--bg:#000;--panel:#0d0d0d;--line:#4d4d4d;--fg:#fff;--dim:#cfcfcf;--ok:#56b4e9;--bad:#ff7b52;--warn:#f0e442}
body{font-size:20px;line-height:1.4;padding:0 24px 40px}
h1{font-size:26px;margin:0}h2{font-size:23px}
.topbar{position:sticky;top:0;z-index:2;display:flex;gap:24px;align-items:baseline;flex-wrap:wrap;background:var(--bg);padding:12px 0;border-bottom:2px solid var(--line)}
.scenario-now{font-weight:700;color:var(--warn)}.counts{font-variant-numeric:tabular-nums}
.link{margin-left:auto;color:var(--dim)}.link.up{color:var(--ok)}.link.down{color:var(--bad)}
.controls{display:flex;flex-wrap:wrap;gap:12px 28px;margin:14px 0}
.controls .group{display:flex;flex-wrap:wrap;gap:10px}
button{font:inherit;font-size:19px;color:var(--fg);background:#1a1a1a;border:2px solid var(--line);border-radius:8px;padding:8px 14px;cursor:pointer}
button:hover,button:focus-visible{border-color:var(--fg);outline:none}
button[aria-pressed="true"]{border-color:var(--warn);background:#2a2600}
button:disabled{opacity:.45;cursor:wait}
kbd{font:600 15px ui-monospace,"DejaVu Sans Mono",monospace;border:1px solid var(--dim);border-radius:4px;padding:0 5px;margin-left:4px;color:var(--dim)}
.switch{border:2px solid var(--warn);border-radius:8px;padding:10px 14px;margin:10px 0;font-weight:600}
.switch.failed{border-color:var(--bad);color:var(--bad)}.switch.done{border-color:var(--ok)}
.progress{color:var(--dim);font-size:16px;min-height:1.4em;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.note{font-size:17px}
.chip{font-size:16px}.lang{font-size:16px}
.axis{font-size:15px}
.span>summary{font-size:18px;padding:3px 6px}
.axis,.span>summary{grid-template-columns:minmax(220px,2.2fr) 230px 90px 56px minmax(200px,4fr) 92px}
.track{height:20px}.attrs{font-size:16px}
.graph .svc{font-size:16px}.graph .lng{font-size:14px}.graph .edge text{font-size:14px;stroke:var(--bg)}
.checks,.deps{font-size:17px}
.diagnosis{font-size:21px;border-left-width:6px}
.verdict-line{font-size:22px}
section.trace h2 .who,section.trace h2 .when,section.trace h2 .in-scenario{font-weight:400;color:var(--dim);margin-left:8px;font-size:18px}
.row{display:flex;gap:14px;align-items:baseline;padding:6px 10px;border-left:5px solid var(--line);margin:4px 0;background:var(--panel);cursor:pointer;font-size:18px}
.row.ok{border-left-color:var(--ok)}.row.failed{border-left-color:var(--bad)}.row.note{cursor:default;border-left-color:var(--dim)}
.row .verdict-text{flex:1;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.row .id{color:var(--dim);font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:15px}
dialog{background:var(--panel);color:var(--fg);border:2px solid var(--fg);border-radius:10px;max-width:60em}
`;
