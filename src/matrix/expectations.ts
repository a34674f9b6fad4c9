// What each cell is expected to do, and whether it did. An expectation names
// some versions; it applies to every cell whose versions (its own, the
// defaults for the rest) match all of them: `{ "go": "1.41.0" }` marks every
// cell with Go otel 1.41.0. The most specific that matches wins (the one naming
// the most of the versions the cell names; the first of those), so a file can
// say "Go 1.41.0 with Java 2.25.0 passes" and "with Python 1.42.0 too, it
// breaks" in either order.
import type { SdkLanguage } from '../topology/sdk-versions.js';
import { cellVersions, namedLanguages, type CellExpectation, type MatrixCell } from './cell.js';
import type { CellOutcome, CellVerdict } from './result.js';

/** The expectation entry that applies to a cell, when one does. */
function expectationFor(
  cell: MatrixCell,
  { entries, defaults }: { entries: readonly MatrixCell[]; defaults: Record<SdkLanguage, string> },
): MatrixCell | undefined {
  const versions = cellVersions(cell.sdk, defaults);
  const matching = entries.filter((entry) => namedLanguages(entry.sdk).every((l) => entry.sdk[l] === versions[l]));
  // Most specific: naming the most of the versions the cell itself names (not those it leaves at
  // their defaults), then the most versions; sorted stably, so of equals the first in the file.
  const asked = namedLanguages(cell.sdk);
  const specificity = (entry: MatrixCell) => {
    const named = namedLanguages(entry.sdk);
    return named.filter((l) => asked.includes(l)).length * 100 + named.length;
  };
  return [...matching].sort((a, b) => specificity(b) - specificity(a))[0];
}

/**
 * Each cell with its expectation: the `--expect` file's, where one of its entries matches; else the
 * cell's own (a cells file's `expect`); else pass.
 */
export function withExpectations(
  cells: readonly MatrixCell[],
  { entries, defaults }: { entries: readonly MatrixCell[]; defaults: Record<SdkLanguage, string> },
): Array<MatrixCell & { expect: CellExpectation }> {
  return cells.map((cell) => {
    const entry = expectationFor(cell, { entries, defaults });
    const source = entry ?? cell;
    return {
      sdk: cell.sdk,
      expect: source.expect ?? 'pass',
      ...(source.breaks ? { breaks: source.breaks } : {}),
      ...(source.why ? { why: source.why } : {}),
    };
  });
}

/**
 * Whether a break found at `place` is the one `expected` names: the same place, or the same
 * direction when the expectation leaves out which headers (`java → go` is also `java → go (root)`).
 */
const isAt = (place: string, expected: string) => place === expected || place.startsWith(`${expected} (`);

/**
 * A verdict against its expectation: an error never meets one, a known break that heals is news,
 * and where the expectation names its breaks, a break elsewhere is one nobody expected.
 */
export function judgeCell({
  verdict,
  expect,
  expectedBreaks,
  found = [],
}: {
  verdict: CellVerdict;
  expect: CellExpectation;
  /** Where the cell is expected to break, when the expectation says. */
  expectedBreaks?: readonly string[];
  /** Where it broke. */
  found?: readonly string[];
}): { outcome: CellOutcome; summary: string } {
  if (verdict === 'error') return { outcome: 'error', summary: 'error: the cell could not be judged' };
  if (verdict === 'broken' && expect === 'broken' && expectedBreaks) {
    const extra = [...new Set(found.filter((place) => !expectedBreaks.some((e) => isAt(place, e))))];
    const healed = expectedBreaks.filter((e) => !found.some((place) => isAt(place, e)));
    if (extra.length > 0 && healed.length > 0) {
      return {
        outcome: 'unexpected-break',
        summary: `broken at ${extra.join(', ')} instead of ${healed.join(', ')}: update the expectation`,
      };
    }
    if (extra.length > 0) {
      return { outcome: 'unexpected-break', summary: `broken as expected, and also at ${extra.join(', ')}` };
    }
    if (healed.length > 0) {
      return {
        outcome: 'now-passes',
        summary: `expected broken at ${healed.join(', ')}, which now continues: update the expectation`,
      };
    }
    return { outcome: 'as-expected', summary: `broken, as expected (${expectedBreaks.join(', ')})` };
  }
  if (verdict === expect) {
    return { outcome: 'as-expected', summary: verdict === 'pass' ? 'passes' : 'broken, as expected' };
  }
  if (verdict === 'pass') {
    return { outcome: 'now-passes', summary: 'expected broken, now passes: update the expectation' };
  }
  return { outcome: 'unexpected-break', summary: 'broken, expected to pass' };
}
