// The report's style sheet: dark, monospace where figures line up. The live page adds its own
// (larger type for a projector) on top.
export const reportCss = `
:root{color-scheme:dark;--bg:#0d1117;--panel:#161b22;--line:#30363d;--fg:#e6edf3;--dim:#8b949e;--ok:#3fb950;--bad:#f85149;--warn:#d29922}
*{box-sizing:border-box}
body{margin:0;padding:24px 32px;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:0 0 6px}
code,.attrs,.dur,.code,.facts code{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,monospace}
.meta,.note,.facts,.stack{color:var(--dim)}
.banner{padding:10px 14px;border-radius:6px;margin:12px 0;font-weight:600}
.banner.ok{background:#12261a;border:1px solid var(--ok)}.banner.failed{background:#2d1416;border:1px solid var(--bad)}
section{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:16px;margin:16px 0}
section.trace.ok{border-left:4px solid var(--ok)}section.trace.failed{border-left:4px solid var(--bad)}
.trace.ok .verdict{color:var(--ok)}.trace.failed .verdict{color:var(--bad)}
.chip{display:inline-block;padding:0 8px;border-radius:10px;border:1px solid var(--c);color:var(--c);white-space:nowrap;font-size:12px}
.legend{list-style:none;padding:0;margin:8px 0;display:flex;flex-wrap:wrap;gap:6px 22px}
.waterfall{margin:10px 0;border-top:1px solid var(--line)}
.axis,.span>summary{display:grid;grid-template-columns:minmax(180px,2.2fr) 170px 70px 44px minmax(200px,4fr) 72px;gap:8px;align-items:center}
.axis{color:var(--dim);font-size:12px;padding:4px 6px;border-bottom:1px solid var(--line)}
.ticks{display:flex;justify-content:space-between}
.span>summary{list-style:none;cursor:pointer;padding:2px 6px;border-radius:4px}
.span>summary::-webkit-details-marker{display:none}
.span>summary:hover,.span[open]>summary{background:#1f2630}
.name{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.lang{color:var(--dim);font-size:12px}
.track{position:relative;height:14px;background:#0b0f14;border-radius:3px}
.bar{position:absolute;top:2px;bottom:2px;background:var(--c);border-radius:2px;min-width:2px}
.span.failed .bar{outline:2px solid var(--bad)}
.dur{text-align:right;color:var(--dim)}
.mark{margin-right:4px}.bad,.mark.bad{color:var(--bad)}.warn,.mark.warn{color:var(--warn)}
.attrs{margin:4px 0 10px 24px;border-collapse:collapse;font-size:12px}
.attrs th{text-align:left;color:var(--dim);font-weight:normal;padding:1px 16px 1px 0;vertical-align:top}
.attrs td{padding:1px 0;word-break:break-all}
.attrs tr.group th{color:var(--fg);font-weight:600;padding-top:6px}
.split{margin:8px 0 2px;padding:4px 6px;color:var(--warn);border-top:1px dashed var(--warn)}
.linked{margin:8px 0 2px;padding:4px 6px;color:var(--dim);border-top:1px dashed var(--line)}
.hop-line{color:var(--dim);font-size:12px;margin:1px 0}
.checks,.deps{border-collapse:collapse;width:100%;margin-top:8px}
.checks th,.checks td,.deps th,.deps td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
.checks th,.deps th{color:var(--dim);font-weight:normal}
.checks .icon{width:1.5em;font-weight:700}.checks .pass .icon{color:var(--ok)}.checks .fail .icon{color:var(--bad)}
.checks .fail{background:#2d141633}.check-name{white-space:nowrap;font-weight:600}
.hop{font-weight:600}.fail .hop{color:var(--warn)}
.diagnosis{border-left:3px solid var(--warn);padding:4px 10px;background:#2a2210}
.graph{display:block;max-width:100%;height:auto;margin:8px 0}
.graph .node rect{fill:#0d1117;stroke:var(--c);stroke-width:2}
.graph .svc{fill:var(--c);font-weight:600;font-size:14px}.graph .lng{fill:var(--dim);font-size:12px}
.graph .edge path{fill:none;stroke:#8b949e;stroke-width:1.6}.graph .edge text{fill:var(--fg);font-size:12px;paint-order:stroke;stroke:var(--panel);stroke-width:5px}
.graph .edge.bad path{stroke:var(--bad)}.graph .edge.bad text{fill:var(--bad)}
.graph .edge.message path{stroke-dasharray:6 4}
.graph .edge.broken path{stroke:var(--bad);stroke-width:2.4;stroke-dasharray:8 6}.graph .edge.broken text{fill:var(--bad);font-weight:600}
.deps tr.broken td{color:var(--bad)}.deps tr.broken td[colspan]{text-align:left}
.verdict-line{font-weight:600;margin:6px 0}.marks{margin:4px 0;padding-left:1.2em;color:var(--dim)}
.deps td:nth-child(n+3),.deps th:nth-child(n+3){text-align:right}
`;

/**
 * The head of every self-contained report page: its content-security policy lets nothing load
 * (no script, no fetch), only its own inline style and data: images.
 */
export const reportHead = ({ title, css }: { title: string; css: string }): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${css}</style>
</head>`;
