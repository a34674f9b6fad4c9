// The live page's style sheet, served as /page.css: the report's sheet with
// large type and high contrast on top, to be read on a projector.
import type { GraphLayout } from '../report/html-map.js';
import { reportCss } from '../report/html-style.js';

/**
 * The trace's own text (a span's line in the waterfall). The map's labels are never smaller: a room
 * reads the map from as far back as it reads the trace.
 */
const traceTextPx = 18;

/**
 * The map's boxes, wide enough for a service's name at traceTextPx + 2 in bold. A row per step of
 * the request: four columns of boxes this size would not fit across a projector unscaled.
 */
export const liveMapLayout: GraphLayout = {
  flow: 'down',
  nodeW: 270,
  nodeH: 66,
  stepPitch: 140,
  servicePitch: 480,
  nameY: 28,
  languageY: 52,
  callLabelY: -9,
  messageLabelY: 24,
  brokenLabelY: 26,
  brokenRoom: 20,
};

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
.span>summary{font-size:${traceTextPx}px;padding:3px 6px}
.axis,.span>summary{grid-template-columns:minmax(220px,2.2fr) 230px 90px 56px minmax(200px,4fr) 92px}
.track{height:20px}.attrs{font-size:16px}
.graph .svc{font-size:${traceTextPx + 2}px}.graph .lng{font-size:${traceTextPx}px}.graph .edge text{font-size:${traceTextPx}px;stroke:var(--bg)}
.checks,.deps{font-size:17px}
.diagnosis{font-size:21px;border-left-width:6px}
.verdict-line{font-size:22px}
section.trace h2 .who,section.trace h2 .when,section.trace h2 .in-scenario{font-weight:400;color:var(--dim);margin-left:8px;font-size:18px}
.row{display:flex;gap:14px;align-items:baseline;padding:6px 10px;border-left:5px solid var(--line);margin:4px 0;background:var(--panel);cursor:pointer;font-size:18px}
.row.ok{border-left-color:var(--ok)}.row.failed{border-left-color:var(--bad)}.row.note{cursor:default;border-left-color:var(--dim)}
.row .verdict-text{flex:1;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.row .id{color:var(--dim);font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:15px}
.lab{border:2px solid var(--line);border-radius:10px;padding:4px 18px 12px;margin:14px 0;background:var(--panel)}
.lab .story{max-width:70em}.lab code{font-size:19px}
.lab .hops{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:10px 18px;font-size:21px}
.lab .hop{border:2px solid var(--line);border-radius:8px;padding:6px 12px}
.lab .hop.verified{border-color:var(--ok);color:var(--ok)}.lab .hop.broken{border-color:var(--bad);color:var(--bad)}
.lab-verdict{font-size:23px;font-weight:700}.lab-verdict.fixed{color:var(--ok)}.lab-verdict.broken{color:var(--bad)}
.lab .problems{color:var(--bad)}
.lab .said{border-left:5px solid var(--warn);padding:6px 12px;font-weight:600}
.lab table.exercises{border-collapse:collapse}.lab table.exercises td{padding:4px 12px 4px 0}
.lab tr.running td:first-child code{color:var(--warn)}
.lab .state.fixed{color:var(--ok)}.lab .state.broken{color:var(--bad)}.lab .state.not-started{color:var(--dim)}
dialog{background:var(--panel);color:var(--fg);border:2px solid var(--fg);border-radius:10px;max-width:60em}
`;
