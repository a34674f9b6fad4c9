// The terminal waterfall, like the seed's gantt picture: one row a span,
// indented by depth, a bar on one time axis, service colour, status.
import type { Span } from '../intake/span.js';
import { durationMs } from '../intake/span.js';
import { TraceTree } from '../verify/trace-tree.js';
import { serviceColor, type Colors } from './style.js';

export interface WaterfallOptions {
  width: number;
  colors: Colors;
}

interface Row {
  span: Span;
  depth: number;
  /** The span's parent is named but never arrived. */
  orphan: boolean;
}

const byStart = (a: Span, b: Span) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1);

/** Tree order: each span after its parent, siblings by start time; orphans start subtrees of their own. */
export function waterfallRows(spans: readonly Span[]): Row[] {
  const tree = new TraceTree(spans);
  const rows: Row[] = [];
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

function statusMark(span: Span): string {
  const code = span.attributes['http.response.status_code'];
  return code === undefined ? '' : String(code);
}

export function renderWaterfall(spans: readonly Span[], { width, colors }: WaterfallOptions): string {
  if (spans.length === 0) return colors.dim('  (no spans)');
  const rows = waterfallRows(spans);
  const start = spans.reduce(
    (min, s) => (BigInt(s.startTimeUnixNano) < min ? BigInt(s.startTimeUnixNano) : min),
    BigInt(spans[0]!.startTimeUnixNano),
  );
  const end = spans.reduce((max, s) => (BigInt(s.endTimeUnixNano) > max ? BigInt(s.endTimeUnixNano) : max), 0n);
  const total = Number(end - start) || 1;

  // Columns: mark(2) name service(21) lang(5) status(4) bar duration(9), separated by spaces.
  const fixed = 2 + 1 + 21 + 1 + 5 + 1 + 4 + 1 + 1 + 9;
  const nameWidth = Math.max(16, Math.min(34, Math.floor((width - fixed) * 0.45)));
  const barWidth = Math.max(8, width - fixed - nameWidth);

  const lines = rows.map(({ span, depth, orphan }) => {
    const color = serviceColor(colors, span.service);
    const failed = span.status.code === 'ERROR';
    const mark = orphan ? colors.yellow('⚠ ') : failed ? colors.red('✗ ') : '  ';
    const name = ellipsis(`${'  '.repeat(Math.min(depth, 8))}${span.name}`, nameWidth);
    const service = ellipsis(span.service, 21);
    const language = ellipsis(languageTag[span.language] ?? span.language, 5);
    const status = ellipsis(statusMark(span), 4);
    const from = Math.floor((Number(BigInt(span.startTimeUnixNano) - start) / total) * barWidth);
    const length = Math.max(
      1,
      Math.round((Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / total) * barWidth),
    );
    const clipped = Math.min(length, barWidth - Math.min(from, barWidth - 1));
    const bar = ' '.repeat(Math.min(from, barWidth - 1)) + '█'.repeat(clipped);
    const duration = `${durationMs(span).toFixed(1)}ms`.padStart(9);
    return `${mark}${color(name)} ${color(service)} ${colors.dim(language)} ${failed ? colors.red(status) : status} ${color(bar.padEnd(barWidth))}${duration}`;
  });
  return lines.join('\n');
}
