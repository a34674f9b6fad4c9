// The terminal report of `matrix`: one row per cell with the versions that
// differ between cells as columns, its verdict against its expectation, its
// time and what it built; then, under the table, each broken or failed cell
// with where it broke and the versions on each side.
import { notJudged } from './direction-table.js';
import { sdkLanguages } from '../topology/sdk-versions.js';
import type { CellBreak, CellResult, MatrixResult } from '../matrix/result.js';
import { formatMs, printable, wrap } from './format.js';
import type { Colors } from './style.js';

interface TableOptions {
  width: number;
  colors: Colors;
}

/** The languages whose version differs between cells, or that a cell names: the table's version columns. */
export function versionColumns(cells: readonly CellResult[]) {
  return sdkLanguages.filter(
    (l) => cells.some((c) => c.sdk[l] !== undefined) || new Set(cells.map((c) => c.versions[l])).size > 1,
  );
}

const endText = (end: CellBreak['from']) => `${end.service} (${end.language} ${end.version ?? 'version unknown'})`;

/** One break in a sentence: where, who sent what, what the receiver did. */
export function breakLine(b: CellBreak): string {
  const header = b.traceparent ? ` sent traceparent ${b.traceparent};` : ' →';
  return `${b.kind} ${b.where}: ${endText(b.from)}${header} ${endText(b.to)} ${b.outcome}`;
}

export function renderMatrixTable(result: MatrixResult, { width, colors }: TableOptions): string {
  const { cells } = result;
  const languages = versionColumns(cells);
  const versionWidth = (l: (typeof languages)[number]) => Math.max(l.length, ...cells.map((c) => c.versions[l].length));
  const verdictColor = (cell: CellResult) =>
    cell.outcome === 'as-expected' ? colors.green : cell.verdict === 'error' ? colors.yellow : colors.red;
  const mark = (cell: CellResult) => (cell.outcome === 'as-expected' ? '✓' : '✗');
  const verdictText = (cell: CellResult) => `${mark(cell)} ${cell.verdict}`;
  const verdictWidth = Math.max('verdict'.length, ...cells.map((c) => verdictText(c).length));
  const header = [
    ...languages.map((l) => l.padEnd(versionWidth(l))),
    'verdict'.padEnd(verdictWidth),
    'expected',
    'time'.padStart(7),
    'built',
  ];
  const rows = cells.map((cell) => [
    ...languages.map((l) => cell.versions[l].padEnd(versionWidth(l))),
    verdictColor(cell)(verdictText(cell).padEnd(verdictWidth)),
    cell.expect.padEnd('expected'.length),
    formatMs(cell.durationMs).padStart(7),
    cell.built.length > 0 ? cell.built.join(', ') : colors.dim('nothing (cached)'),
  ]);
  const lines = [
    colors.bold(
      `polytrace matrix: ${cells.length}${result.interrupted ? ` of ${result.planned}` : ''} cells, ${result.runtime} runtime`,
    ),
    '',
    colors.dim(`  ${header.join('  ')}`),
    ...rows.map((row) => `  ${row.join('  ')}`),
  ];
  const noted = cells.filter(
    (c) => c.verdict !== 'pass' || c.outcome !== 'as-expected' || c.metricsNote || c.reported?.length,
  );
  if (noted.length > 0) lines.push('');
  for (const cell of noted) {
    lines.push(`  ${verdictColor(cell)(mark(cell))} ${colors.bold(cell.label)}: ${cell.summary}`);
    // Made printable before it is coloured: a message may quote what a service sent.
    const say = (text: string, style = (t: string) => t) =>
      lines.push(`      ${style(wrap(printable(text), width - 6, 6))}`);
    if (cell.why) say(`why: ${cell.why}`, colors.dim);
    if (cell.error) say(cell.error.message);
    for (const b of cell.breaks) {
      say(breakLine(b));
      say(b.message, colors.dim);
    }
    for (const b of cell.reported ?? []) say(`⚠ ${breakLine(b)} (${notJudged})`, colors.dim);
    if (cell.metricsNote) say(`${cell.metricsNote} (not the verdict: it is about propagation)`, colors.dim);
  }
  const asExpected = cells.filter((c) => c.outcome === 'as-expected').length;
  const verdict = result.interrupted
    ? colors.yellow(`interrupted after ${cells.length} of ${result.planned} cells`)
    : result.ok
      ? colors.green(`✓ every cell did what it was expected to do (${asExpected}/${cells.length})`)
      : colors.red(`✗ ${cells.length - asExpected} of ${cells.length} cells did not do what was expected`);
  lines.push('', `${verdict} ${colors.dim(`in ${formatMs(result.durationMs)}`)}`);
  return lines.join('\n');
}
