// The live page's HTML, as its first response: already whole, with the
// newest traces, the map, the progress and the buttons' state as they are
// now, so a page (or a screenshot) shows them before any event comes. Its
// style sheet and script are served beside it by the CLI itself: no CDN, no
// font, nothing fetched from anywhere else. Made to be read on a projector:
// large type, high contrast, the report's colour-blind-safe service colours,
// ✓/✗ beside every colour, and a key for every action.
import { escapeHtml } from '../report/html-escape.js';
import { marksLegend } from '../report/verdict.js';
import type { LiveHubOptions, LiveSnapshot } from './hub.js';
import {
  buttonState,
  countsText,
  itemHtml,
  maxRows,
  maxWhole,
  olderText,
  progressText,
  scenarioText,
  switchFailedText,
} from './page-parts.js';
import { labHtml, labKeys } from './lab-parts.js';
import type { ActionName, LiveState } from './protocol.js';

/** Keys of the actions; the scenarios other than happy take 1–9, then 0 and q–y, in `polytrace scenarios` order. */
const keys = { send: 's', sendUnauthorized: 't', happy: 'h', help: '?' } as const;
/** One key for each scenario other than happy: every one of them has its key, not only the first nine. */
const scenarioKeys = [...'1234567890qwertyuiop'];

const label = (scenario: string) => scenario.replaceAll('-', ' ');

const attributes = (state: LiveState, scenario?: string) => {
  const { disabled, pressed } = buttonState(state, scenario);
  return `${disabled ? ' disabled' : ''}${pressed === undefined ? '' : ` aria-pressed="${pressed}"`}`;
};

function controls(options: LiveHubOptions, state: LiveState): string {
  const others = options.scenarios.filter((s) => s.name !== 'happy').slice(0, scenarioKeys.length);
  const action = (name: Exclude<ActionName, 'switchScenario'>, text: string, title: string) =>
    `<button type="button" data-action="${name}" data-key="${keys[name]}" title="${title}"${attributes(state)}>${text} <kbd>${keys[name]}</kbd></button>`;
  const scenario = ({ name, text, key, summary }: { name: string; text: string; key: string; summary: string }) =>
    `<button type="button" class="scenario" data-action="switchScenario" data-scenario="${escapeHtml(name)}" data-key="${key}" title="${escapeHtml(summary)}"${attributes(state, name)}>${escapeHtml(text)} <kbd>${key}</kbd></button>`;
  const happy = options.scenarios.find((s) => s.name === 'happy');
  return `<nav class="controls" aria-label="actions on the running chain">
<div class="group">
${action('send', 'send a request', "fire one request of the current scenario, verified like check's")}
${action('sendUnauthorized', 'send one without a token', 'fire one request with no bearer token: auth answers 401')}
</div>
<div class="group scenarios" role="group" aria-label="switch scenario">
${happy ? scenario({ ...happy, text: 'back to happy', key: keys.happy }) : ''}
${others.map((s, i) => scenario({ ...s, text: label(s.name), key: scenarioKeys[i]! })).join('\n')}
</div>
</nav>`;
}

const help = `<dialog id="help" aria-label="keyboard shortcuts">
<h2>Keys</h2>
<p><kbd>${keys.send}</kbd> send a request · <kbd>${keys.sendUnauthorized}</kbd> send one without a token · <kbd>${keys.happy}</kbd> back to happy · <kbd>1</kbd>–<kbd>9</kbd>, <kbd>0</kbd>, <kbd>q</kbd>… switch scenario (each button shows its key) · <kbd>${keys.help}</kbd> this help · <kbd>Esc</kbd> close</p>
<p>Click a span for its attributes; click an older line to open its trace again (while it is kept).</p>
</dialog>`;

const labHelp = `<dialog id="help" aria-label="keyboard shortcuts">
<h2>Keys</h2>
<p><kbd>${labKeys.hint}</kbd> the running exercise's next hint · <kbd>${labKeys.reset}</kbd> put its mistake back · <kbd>${labKeys.solve}</kbd> write its reference fix · <kbd>${keys.help}</kbd> this help · <kbd>Esc</kbd> close</p>
<p>The other exercises' buttons act on their folders in the workspace, as <code>polytrace lab hint</code>, <code>reset</code> and <code>solve</code> do.</p>
</dialog>`;

/** What sits under the header: the buttons of `up`, the lab view, or a past run's note. */
function belowHeader(options: LiveHubOptions, now: LiveSnapshot): string {
  if (options.mode === 'live') return controls(options, now.state);
  if (options.mode === 'lab') return `<section class="lab" id="lab">${now.lab ? labHtml(now.lab) : ''}</section>`;
  return '<p class="note read-only">A past run, read-only: every trace as polytrace verified it again from the spans file.</p>';
}

/** Newest first: the newest traces whole, the others one line each, as the page's script keeps them. */
function list(items: LiveSnapshot['items']): string {
  let whole = 0;
  return items
    .slice(0, maxRows)
    .map((item) => {
      const shown = item.html !== undefined && whole < maxWhole;
      if (shown) whole += 1;
      return itemHtml(item, shown ? item.html : undefined);
    })
    .join('\n');
}

export function pageHtml(options: LiveHubOptions, now: LiveSnapshot): string {
  const { state } = now;
  const dropped = (now.items[0]?.seq ?? 0) - Math.min(now.items.length, maxRows);
  const failed = now.failedSwitch;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/page.css">
<script src="/page.js" defer></script>
</head>
<body data-mode="${options.mode}">
<header class="topbar">
<h1>${escapeHtml(options.title)}</h1>
<span class="scenario-now" id="scenario" aria-live="polite">${escapeHtml(scenarioText(state))}</span>
<span class="counts" id="counts">${escapeHtml(countsText(state))}</span>
<span class="link" id="link" title="the page's connection to polytrace">connecting…</span>
</header>
${belowHeader(options, now)}
<div class="switch${failed ? ' failed' : ''}" id="switch" role="status" aria-live="polite"${failed ? '' : ' hidden'}>${failed ? escapeHtml(switchFailedText(failed)) : ''}</div>
<div class="progress" id="progress" aria-live="polite">${now.progress ? escapeHtml(progressText(now.progress)) : ''}</div>
<section class="dependencies live-map"><h2>Live map</h2><div id="map">${now.mapHtml || '<p class="note">The map appears with the first trace.</p>'}</div></section>
<section class="list"><h2>Traces <span class="note">newest first</span></h2>
<p class="note" id="marks-legend">${escapeHtml(marksLegend)}</p>
<div id="traces">${list(now.items)}</div>
<p class="note" id="older"${dropped > 0 ? '' : ' hidden'}>${dropped > 0 ? escapeHtml(olderText(dropped)) : ''}</p>
</section>
${options.mode === 'live' ? help : options.mode === 'lab' ? labHelp : ''}
</body>
</html>
`;
}
