// The terminal waterfall, like the gantt picture in "How to Implement
// Distributed Tracing for Polyglot Architectures": one row a span,
// indented by depth, a bar on one time axis, service colour, status.
import { durationMs, traceExtent, type Span } from '../intake/span.js';
import { TraceTree } from '../verify/trace-tree.js';
import { formatMs, printable } from './format.js';
import { messageHop, producerOf } from './message-hop.js';
import { serviceColor, type Colors } from './style.js';

export interface WaterfallOptions {
  width: number;
  colors: Colors;
  /** Spans of the same request under other trace IDs: drawn below a rule, on the same time axis. */
  strays?: readonly Span[];
  /** Spans of traces that continue this one by a span link (a consumer's own trace): below a rule too. */
  linked?: readonly Span[];
}

export interface WaterfallRow {
  span: Span;
  depth: number;
  /** The span's parent is named but never arrived. */
  orphan: boolean;
}

const byStart = (a: Span, b: Span) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1);

/** Tree order: each span after its parent, siblings by start time; orphans start subtrees of their own. */
export function waterfallRows(spans: readonly Span[]): WaterfallRow[] {
  const tree = new TraceTree(spans);
  const rows: WaterfallRow[] = [];
  const visit = (span: Span, depth: number, orphan: boolean) => {
    rows.push({ span, depth, orphan });
    for (const child of tree.children(span).sort(byStart)) visit(child, depth + 1, false);
  };
  for (const root of tree.roots().sort(byStart)) visit(root, 0, false);
  for (const orphan of tree.orphans().sort(byStart)) visit(orphan, 0, true);
  return rows;
}

const ellipsis = (text: string, max: number) =>
  text.length <= max ? text.padEnd(max) : `${text.slice(0, Math.max(0, max - 1))}…`;

const languageTag: Record<string, string> = { go: 'go', java: 'java', python: 'py', nodejs: 'node' };

/** A span failed when its status says so or it answered 5xx (some SDKs leave the status unset then). */
export function isFailed(span: Span): boolean {
  return span.status.code === 'ERROR' || Number(span.attributes['http.response.status_code']) >= 500;
}

function statusMark(span: Span): string {
  const code = span.attributes['http.response.status_code'];
  return code === undefined ? '' : String(code);
}

/** The hop a linked trace continues, e.g. `order-service → rabbitmq → notification-service`, for its rule. */
export function linkedHop(traceSpans: readonly Span[], linked: readonly Span[]): string | undefined {
  const spans = [...traceSpans, ...linked];
  for (const span of linked) {
    const hop = span.links?.length ? messageHop(span, producerOf(span, spans)) : undefined;
    if (hop) return hop;
  }
  return undefined;
}

type Line = WaterfallRow | { rule: string } | { hop: string; depth: number };

export function renderWaterfall(
  traceSpans: readonly Span[],
  { width, colors, strays = [], linked = [] }: WaterfallOptions,
): string {
  const spans = [...traceSpans, ...linked, ...strays];
  if (spans.length === 0) return colors.dim('  (no spans)');
  const hopsOf = (part: readonly Span[]): Line[] =>
    waterfallRows(part).flatMap((row) => {
      // A message crossing a broker inside the trace: a line names the hop above the consumer.
      const hop = messageHop(row.span, producerOf(row.span, part));
      return hop ? [{ hop, depth: row.depth }, row] : [row];
    });
  const continued = linkedHop(traceSpans, linked);
  const linkedRule = `  ┄┄ continues by link${continued ? `: ${continued}` : ''}, in a trace of its own ┄┄`;
  const rows: Line[] = [
    ...hopsOf(traceSpans),
    ...(linked.length ? [{ rule: linkedRule }, ...hopsOf(linked)] : []),
    ...(strays.length
      ? [{ rule: '  ┄┄ under other trace IDs: the trace split here ┄┄' }, ...waterfallRows(strays)]
      : []),
  ];
  const { start, end } = traceExtent(spans);
  const total = Number(end - start) || 1;

  // Columns: mark(2) name service lang(4) code(4) bar duration(8), one space apart. The service
  // column is as wide as the longest name here; the name column takes 65% of what is left, so
  // the chain's deepest span (depth 9) keeps a readable name at 80 columns.
  const serviceWidth = Math.min(21, Math.max(7, ...spans.map((s) => s.service.length)));
  const fixed = 2 + 1 + serviceWidth + 1 + 4 + 1 + 4 + 1 + 8;
  const nameWidth = Math.max(16, Math.min(34, Math.floor((width - fixed) * 0.65)));
  const barWidth = Math.max(8, width - fixed - nameWidth);
  // One space per level when narrow: depth matters more than the width of the step.
  const indent = width < 120 ? ' ' : '  ';

  // A header names the columns and labels the time axis, so a room can read the bars as time.
  const axisEnd = formatMs(total / 1e6);
  const axis =
    barWidth >= axisEnd.length + 5 ? `0ms${axisEnd.padStart(barWidth - 4)} ` : `${axisEnd.padStart(barWidth - 1)} `;
  const header = colors.dim(
    `  ${'span'.padEnd(nameWidth)} ${'service'.padEnd(serviceWidth)} lang code ${axis}${'duration'.padStart(8)}`,
  );

  // The split-off part lines up under the call that lost it: a room sees where the trace broke.
  // A linked part lines up under the message it continues; it is not a break.
  const lines = rows.map((row) => {
    if ('rule' in row) {
      const text = ellipsis(row.rule, width - 1).trimEnd();
      return row.rule.includes('link') ? colors.dim(text) : colors.yellow(text);
    }
    if ('hop' in row)
      return colors.dim(ellipsis(`  ${indent.repeat(Math.min(row.depth, 9))}⇣ ${row.hop}`, width - 1).trimEnd());
    const { span, depth, orphan } = row;
    const color = serviceColor(colors, span.service);
    const failed = isFailed(span);
    const mark = orphan ? colors.yellow('⚠ ') : failed ? colors.red('✗ ') : '  ';
    const name = ellipsis(`${indent.repeat(Math.min(depth, 9))}${printable(span.name)}`, nameWidth);
    const service = ellipsis(printable(span.service), serviceWidth);
    const language = ellipsis(printable(languageTag[span.language] ?? span.language), 4);
    const code = ellipsis(statusMark(span), 4);
    const status = failed ? colors.red(code) : /^4/.test(code) ? colors.yellow(code) : code;
    const from = Math.floor((Number(BigInt(span.startTimeUnixNano) - start) / total) * barWidth);
    const length = Math.max(
      1,
      Math.round((Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / total) * barWidth),
    );
    const clipped = Math.min(length, barWidth - Math.min(from, barWidth - 1));
    const bar = ' '.repeat(Math.min(from, barWidth - 1)) + '█'.repeat(clipped);
    const duration = formatMs(durationMs(span)).padStart(8);
    return `${mark}${color(name)} ${color(service)} ${colors.dim(language)} ${status} ${color(bar.padEnd(barWidth))}${duration}`;
  });
  return [header, ...lines].join('\n');
}
