// The GitHub Actions job summary of `matrix` (appended to $GITHUB_STEP_SUMMARY):
// one row per cell with its verdict against its expectation, then where each
// broken cell broke. On a fanned-out matrix each runner adds its one cell.
import type { MatrixResult } from '../matrix/result.js';
import { formatMs, printable } from './format.js';
import { escapeHtml } from './html-escape.js';
import { breakLine } from './matrix-table.js';

/**
 * Text from the run made safe for the summary: one line (a table cell ends at a line break and at a
 * pipe), HTML escaped (GitHub renders it in Markdown), control characters shown, not sent.
 */
const cell = (text: string) => escapeHtml(printable(text.replace(/\r?\n/g, ' '))).replace(/\|/g, '\\|');

export function renderMatrixMarkdown(result: MatrixResult): string {
  const asExpected = result.cells.filter((c) => c.outcome === 'as-expected').length;
  const heading = result.interrupted
    ? `⚠️ interrupted after ${result.cells.length} of ${result.planned} cells`
    : `${result.ok ? '✅' : '❌'} ${asExpected}/${result.cells.length} cells did what they were expected to do`;
  const lines = [
    '## polytrace matrix',
    '',
    heading,
    '',
    '| Cell | Verdict | Expected | What it did | Time | Built |',
    '| --- | --- | --- | --- | ---: | --- |',
    ...result.cells.map(
      (c) =>
        `| \`${cell(c.label)}\` | ${c.outcome === 'as-expected' ? '✅' : '❌'} ${c.verdict} | ${c.expect} | ${cell(c.summary)} | ${formatMs(c.durationMs)} | ${cell(c.built.join(', ') || 'nothing (cached)')} |`,
    ),
  ];
  const details = result.cells.flatMap((c) => [
    ...(c.error ? [`- \`${cell(c.label)}\`: ${cell(c.error.message)}`] : []),
    ...c.breaks.map((b) => `- \`${cell(c.label)}\`: ${cell(breakLine(b))}. ${cell(b.message)}`),
  ]);
  if (details.length > 0) lines.push('', '### Where it broke', '', ...details);
  return `${lines.join('\n')}\n`;
}
