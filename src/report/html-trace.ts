// The HTML of one verified trace: its verdict, diagnosis, waterfall (one row a
// span, attributes on click), and checks. The report of `check` lists one per
// request; the live page of `up` and `view` receives each as it is verified.
// Service colours follow the terminal's (style.ts) by name.
import { durationMs, traceExtent, type AttributeValue, type Span } from '../intake/span.js';
import { client, serviceNamed, services } from '../topology/chain.js';
import type { TraceResult } from '../verify/result.js';
import { formatMs } from './format.js';
import { serviceColorName, type ServiceColorName } from './style.js';
import { markLegend, traceVerdict } from './verdict.js';
import { isFailed, linkedHop, waterfallRows, type WaterfallRow } from './waterfall.js';
import { messageHop, producerOf } from './message-hop.js';
import { isServiceName } from '../topology/names.js';

// Each terminal colour name drawn from Okabe and Ito's palette ("Color Universal Design"), whose
// colours stay apart for people with any common colour-vision deficiency, on a dark background:
// sky blue, yellow, bluish green, reddish purple, orange; vermillion for a stranger.
const cssColors: Record<ServiceColorName, string> = {
  cyan: '#56b4e9',
  yellow: '#f0e442',
  green: '#009e73',
  magenta: '#cc79a7',
  blue: '#e69f00',
  white: '#e5e7eb',
  red: '#d55e00',
};

export const colorOf = (service: string) => cssColors[serviceColorName(service)];

export const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const languageLabel: Record<string, string> = { go: 'Go', java: 'Java', python: 'Python', nodejs: 'Node.js' };

export function describeService(name: string): { language: string; stack: string } {
  if (name === client.name) return { language: 'Node.js', stack: 'the CLI: root span and W3C traceparent' };
  const service = isServiceName(name) ? serviceNamed(name) : undefined;
  return service
    ? { language: languageLabel[service.language] ?? service.language, stack: service.stack }
    : { language: '?', stack: 'not a service of the chain' };
}

export const chip = (service: string) =>
  `<span class="chip" style="--c:${colorOf(service)}">${escapeHtml(service)}</span>`;

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

/** One span's line of the waterfall, with its details folded under it. */
function spanRow({ span, depth, orphan }: WaterfallRow, axis: Axis): string {
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
        const note = hop
          ? `<div class="hop-line" style="padding-left:${r.depth * 0.9}em">⇣ ${escapeHtml(hop)}</div>\n`
          : '';
        return `${note}${spanRow(r, axis)}`;
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

/** The verdict in one line, and what the waterfall's marks mean (only those it shows). */
function verdictHtml(trace: TraceResult): string {
  const marks = markLegend(trace)
    .map((line) => `<li>${escapeHtml(line)}</li>`)
    .join('');
  return `<p class="verdict-line">${escapeHtml(traceVerdict(trace))}</p>${marks ? `<ul class="marks">${marks}</ul>` : ''}`;
}

/** One trace: its verdict, diagnosis, waterfall (span attributes on click) and checks, under `heading` (HTML). */
export function traceSectionHtml(trace: TraceResult, heading: string, id: string): string {
  const passed = trace.checks.filter((c) => c.ok).length;
  const diagnosis = trace.diagnosis
    ? `<p class="diagnosis">First break: <b>${escapeHtml(trace.diagnosis.hop)}</b> (${escapeHtml(trace.diagnosis.cause)}): ${escapeHtml(trace.diagnosis.message)}</p>`
    : '';
  const skews = trace.clockSkews.map((c) => `<p class="diagnosis">⚠ ${escapeHtml(c.message)}</p>`).join('\n');
  return `<section class="trace ${trace.ok ? 'ok' : 'failed'}" id="${escapeHtml(id)}" data-trace-id="${escapeHtml(trace.traceId)}">
<h2><span class="verdict">${trace.ok ? '✓' : '✗'}</span> ${heading} <code>${escapeHtml(trace.traceId)}</code></h2>
<p class="facts">${escapeHtml(trace.flow)} flow · HTTP ${trace.status ?? '—'} · ${trace.spans.length} spans${trace.linked?.length ? ` + ${trace.linked.length} in a trace it continues by link` : ''}${trace.strays.length ? ` + ${trace.strays.length} under other trace IDs` : ''} · ${passed}/${trace.checks.length} checks passed</p>
${verdictHtml(trace)}
${diagnosis}
${skews}
${waterfall(trace)}
${checksTable(trace)}
</section>`;
}
