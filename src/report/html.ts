// `--html FILE`: one self-contained page a workshop can project or CI can keep
// as an artifact. Inline CSS, no script, no URL of any kind, and a CSP that
// forbids fetching anything, so it opens the same offline, from a mail or a CI
// artifact store. Service colours are the terminal's (style.ts).
import type { RunResult } from '../verify/result.js';
import { durationMs, traceExtent, type AttributeValue, type Span } from '../intake/span.js';
import { client, services } from '../topology/chain.js';
import type { TraceResult } from '../verify/result.js';
import { metricsHtml } from './metrics-table.js';
import { dependencyMap, type DependencyMap } from './dependency-map.js';
import { formatMs } from './format.js';
import { serviceColorName, type ServiceColorName } from './style.js';
import { isFailed, linkedHop, waterfallRows } from './waterfall.js';
import { messageHop, producerOf } from './message-hop.js';

// The terminal's ANSI colours as a dark terminal theme draws them.
const cssColors: Record<ServiceColorName, string> = {
  cyan: '#22d3ee',
  yellow: '#facc15',
  green: '#4ade80',
  magenta: '#e879f9',
  blue: '#60a5fa',
  white: '#e5e7eb',
  red: '#f87171',
};

const colorOf = (service: string) => cssColors[serviceColorName(service)];

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const languageLabel: Record<string, string> = { go: 'Go', java: 'Java', python: 'Python', nodejs: 'Node.js' };

function describeService(name: string): { language: string; stack: string } {
  if (name === client.name) return { language: 'Node.js', stack: 'the CLI: root span and W3C traceparent' };
  const service = services.find((s) => s.name === name);
  return service
    ? { language: languageLabel[service.language] ?? service.language, stack: service.stack }
    : { language: '?', stack: 'not a service of the chain' };
}

const chip = (service: string) => `<span class="chip" style="--c:${colorOf(service)}">${escapeHtml(service)}</span>`;

function formatValue(value: AttributeValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function attributeRows(title: string, attributes: Record<string, AttributeValue>): string {
  const entries = Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return '';
  const rows = entries
    .map(([key, value]) => `<tr><th>${escapeHtml(key)}</th><td>${escapeHtml(formatValue(value))}</td></tr>`)
    .join('');
  return `<tr class="group"><th colspan="2">${escapeHtml(title)}</th></tr>${rows}`;
}

interface Axis {
  start: bigint;
  total: number;
}

function axisOf(spans: readonly Span[]): Axis {
  const { start, end } = traceExtent(spans);
  return { start, total: Number(end - start) || 1 };
}

function spanRow(span: Span, depth: number, orphan: boolean, axis: Axis): string {
  const left = (Number(BigInt(span.startTimeUnixNano) - axis.start) / axis.total) * 100;
  const width = Math.max(0.4, (durationMs(span) * 1e6 * 100) / axis.total);
  const failed = isFailed(span);
  const code = span.attributes['http.response.status_code'];
  const mark = orphan
    ? '<span class="mark warn" title="its parent span never arrived">⚠</span>'
    : failed
      ? '<span class="mark bad">✗</span>'
      : '';
  const details = {
    kind: span.kind,
    status: span.status.message ? `${span.status.code}: ${span.status.message}` : span.status.code,
    'trace id': span.traceId,
    'span id': span.spanId,
    'parent span id': span.parentSpanId || '(root)',
    duration: formatMs(durationMs(span)),
  };
  return `<details class="span${failed ? ' failed' : ''}" data-service="${escapeHtml(span.service)}">
<summary title="${escapeHtml(`${span.service} · ${span.name} · ${formatMs(durationMs(span))}: click for attributes`)}">
<span class="name" style="padding-left:${depth * 0.9}em">${mark}${escapeHtml(span.name)}</span>
${chip(span.service)}<span class="lang">${escapeHtml(describeService(span.service).language)}</span>
<span class="code${failed ? ' bad' : Number(code) >= 400 ? ' warn' : ''}">${code === undefined ? '' : escapeHtml(String(code))}</span>
<span class="track"><span class="bar" style="left:${left.toFixed(2)}%;width:${Math.min(width, 100 - left).toFixed(2)}%;--c:${colorOf(span.service)}"></span></span>
<span class="dur">${formatMs(durationMs(span))}</span>
</summary>
<table class="attrs">${attributeRows('span', details)}${attributeRows('attributes', span.attributes)}${attributeRows('resource', span.resource ?? {})}</table>
</details>`;
}

function waterfall(trace: TraceResult): string {
  const linked = trace.linked ?? [];
  const all = [...trace.spans, ...linked, ...trace.strays];
  if (all.length === 0) return '<p class="empty">No spans arrived for this request.</p>';
  // One time axis for the trace and its strays: the split-off part lines up under the call that lost it.
  const axis = axisOf(all);
  const rows = (spans: readonly Span[]) =>
    waterfallRows(spans)
      .map((r) => {
        // A message crossing a broker inside the trace: a line names the hop above the consumer.
        const hop = messageHop(r.span, producerOf(r.span, spans));
        const note = hop ? `<div class="hop-line" style="padding-left:${r.depth * 0.9}em">⇣ ${escapeHtml(hop)}</div>\n` : '';
        return `${note}${spanRow(r.span, r.depth, r.orphan, axis)}`;
      })
      .join('\n');
  const continued = linkedHop(trace.spans, linked);
  const linkedPart =
    linked.length === 0
      ? ''
      : `<div class="linked">The trace continues by link${continued ? ` (${escapeHtml(continued)})` : ''}, in a trace of its own:</div>\n${rows(linked)}`;
  const strays =
    trace.strays.length === 0
      ? ''
      : `<div class="split">Spans of this request under other trace IDs (the trace broke here):</div>\n${rows(trace.strays)}`;
  return `<div class="waterfall">
<div class="axis"><span>span</span><span>service</span><span>language</span><span>HTTP</span><span class="ticks"><span>0ms</span><span>${formatMs(axis.total / 1e6)}</span></span><span>duration</span></div>
${rows(trace.spans)}
${linkedPart}
${strays}
</div>`;
}

/** The hop stands out wherever the message names it, so the eye finds where the trace broke. */
function withHop(message: string, hop: string | undefined): string {
  const text = escapeHtml(message);
  if (!hop) return text;
  const mark = `<span class="hop">${escapeHtml(hop)}</span>`;
  return text.includes(escapeHtml(hop)) ? text.replace(escapeHtml(hop), mark) : `${mark} ${text}`;
}

function checksTable(trace: TraceResult): string {
  const rows = trace.checks
    .map(
      (
        c,
      ) => `<tr class="${c.ok ? 'pass' : 'fail'}"><td class="icon">${c.ok ? '✓' : '✗'}</td><td class="check-name">${escapeHtml(c.name)}</td>
<td>${withHop(c.message, c.hop)}</td></tr>`,
    )
    .join('\n');
  return `<table class="checks"><thead><tr><th></th><th>check</th><th>result</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function traceSection(trace: TraceResult, index: number): string {
  const passed = trace.checks.filter((c) => c.ok).length;
  const diagnosis = trace.diagnosis
    ? `<p class="diagnosis">First break: <b>${escapeHtml(trace.diagnosis.hop)}</b> (${escapeHtml(trace.diagnosis.cause)}): ${escapeHtml(trace.diagnosis.message)}</p>`
    : '';
  const skews = trace.clockSkews.map((c) => `<p class="diagnosis">⚠ ${escapeHtml(c.message)}</p>`).join('\n');
  return `<section class="trace ${trace.ok ? 'ok' : 'failed'}" id="request-${index + 1}">
<h2><span class="verdict">${trace.ok ? '✓' : '✗'}</span> Request ${index + 1} <code>${escapeHtml(trace.traceId)}</code></h2>
<p class="facts">${escapeHtml(trace.flow)} flow · HTTP ${trace.status ?? '—'} · ${trace.spans.length} spans${trace.linked?.length ? ` + ${trace.linked.length} in a trace it continues by link` : ''}${trace.strays.length ? ` + ${trace.strays.length} under other trace IDs` : ''} · ${passed}/${trace.checks.length} checks passed</p>
${diagnosis}
${skews}
${waterfall(trace)}
${checksTable(trace)}
</section>`;
}

/** Layers by longest call path from a caller nobody calls, so requests read left to right. */
function layers(map: DependencyMap): Map<string, number> {
  const layer = new Map(map.services.map((s) => [s, 0]));
  // At most one pass per service: enough for any acyclic map, and a cycle cannot loop forever.
  for (let pass = 0; pass < map.services.length; pass++) {
    for (const edge of map.edges) {
      const next = Math.min(map.services.length, (layer.get(edge.from) ?? 0) + 1);
      if ((layer.get(edge.to) ?? 0) < next) layer.set(edge.to, next);
    }
  }
  return layer;
}

function dependencyGraph(map: DependencyMap): string {
  if (map.services.length === 0) return '';
  const layer = layers(map);
  const nodeW = 180;
  const nodeH = 46;
  const colW = 370;
  const rowH = 110;
  const position = new Map<string, { x: number; y: number }>();
  const perLayer = new Map<number, number>();
  for (const service of map.services) {
    const l = layer.get(service) ?? 0;
    const row = perLayer.get(l) ?? 0;
    perLayer.set(l, row + 1);
    position.set(service, { x: 20 + l * colW, y: 20 + row * rowH });
  }
  const width = 40 + (Math.max(...perLayer.keys()) * colW + nodeW);
  const height = 40 + (Math.max(...perLayer.values()) - 1) * rowH + nodeH + 10;
  const edges = map.edges
    .map((e) => {
      const a = position.get(e.from)!;
      const b = position.get(e.to)!;
      const [x1, y1, x2, y2] = [a.x + nodeW, a.y + nodeH / 2, b.x - 6, b.y + nodeH / 2];
      const mx = (x1 + x2) / 2;
      // A message hop is dashed and labelled below its line: it may run beside a call between the same two services.
      const label = e.via
        ? `via ${e.via} · ${e.requests} msg${e.errors ? ` · ${e.errors} err` : ''} · p95 ${formatMs(e.p95Ms)}`
        : `${e.requests} req${e.errors ? ` · ${e.errors} err` : ''} · p95 ${formatMs(e.p95Ms)}`;
      const labelY = (y1 + y2) / 2 + (e.via ? 16 : -6);
      return `<g class="edge${e.errors > 0 ? ' bad' : ''}${e.via ? ' message' : ''}"><path d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}" marker-end="url(#arrow)"/>
<text x="${mx}" y="${labelY}" text-anchor="middle">${escapeHtml(label)}</text></g>`;
    })
    .join('\n');
  const nodes = map.services
    .map((s) => {
      const { x, y } = position.get(s)!;
      return `<g class="node" style="--c:${colorOf(s)}"><rect x="${x}" y="${y}" width="${nodeW}" height="${nodeH}" rx="8"/>
<text x="${x + nodeW / 2}" y="${y + 20}" text-anchor="middle" class="svc">${escapeHtml(s)}</text>
<text x="${x + nodeW / 2}" y="${y + 36}" text-anchor="middle" class="lng">${escapeHtml(describeService(s).language)}</text></g>`;
    })
    .join('\n');
  return `<svg class="graph" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="service dependency map">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8b949e"/></marker></defs>
${edges}
${nodes}
</svg>`;
}

function dependencySection(map: DependencyMap): string {
  const rows = map.edges
    .map(
      (e) =>
        `<tr><td>${chip(e.from)}${e.via ? ` → ${escapeHtml(e.via)} →` : ''}</td><td>${chip(e.to)}</td><td>${e.requests}</td><td class="${e.errors ? 'bad' : ''}">${e.errors}</td><td>${e.rejected}</td><td>${formatMs(e.p50Ms)}</td><td>${formatMs(e.p95Ms)}</td></tr>`,
    )
    .join('\n');
  const table = map.edges.length
    ? `<table class="deps"><thead><tr><th>caller</th><th>callee</th><th>requests</th><th>errors</th><th>4xx</th><th>p50</th><th>p95</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p class="empty">No calls between services were linked.</p>';
  return `<section class="dependencies"><h2>Service dependencies</h2>
<p class="note">From the traces: a callee's server span whose parent is the caller's span. Errors: status ERROR or HTTP 5xx (a 4xx is the callee saying no, counted apart). Latency: the caller's client span, nearest-rank percentiles. A message through a broker (producer → broker → consumer): the consumer's span whose parent, or linked span, is the producer's; latency from publish to consume.</p>
${dependencyGraph(map)}
${table}
</section>`;
}

function legend(map: DependencyMap): string {
  const items = map.services
    .map((s) => {
      const { language, stack } = describeService(s);
      return `<li>${chip(s)} <b>${escapeHtml(language)}</b> <span class="stack">${escapeHtml(stack)}</span></li>`;
    })
    .join('');
  return `<ul class="legend">${items}</ul>`;
}

const css = `
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
.deps td:nth-child(n+3),.deps th:nth-child(n+3){text-align:right}
`;

export function renderHtml(result: RunResult): string {
  const map = dependencyMap(result.traces);
  const verified = result.traces.filter((t) => t.ok).length;
  const verdict = `${verified}/${result.traces.length} traces verified`;
  const expectation = result.expectation
    ? `<div class="banner ${result.expectation.met ? 'ok' : 'failed'}">${result.expectation.met ? '✓' : '✗'} --expect-broken: ${escapeHtml(result.expectation.message)}</div>`
    : '';
  const banner = result.expectation
    ? `<p class="meta">${escapeHtml(verdict)}</p>${expectation}`
    : `<div class="banner ${result.ok ? 'ok' : 'failed'}">${result.ok ? `✓ ${verdict}: one traceparent linked every span` : `✗ ${verdict}`}</div>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>polytrace check: ${escapeHtml(result.scenario)}, ${escapeHtml(verdict)}</title>
<style>${css}</style>
</head>
<body>
<header>
<h1>polytrace check</h1>
<p class="meta">scenario <b>${escapeHtml(result.scenario)}</b> · runtime ${escapeHtml(result.runtime)} · ${(result.durationMs / 1000).toFixed(1)}s · spans: <code>${escapeHtml(result.spansFile)}</code></p>
${banner}
${legend(map)}
<p class="note">Click a span for its attributes.</p>
</header>
${dependencySection(map)}
${metricsHtml(result, escapeHtml)}
${result.traces.map(traceSection).join('\n')}
</body>
</html>
`;
}
