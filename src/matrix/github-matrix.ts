// `matrix --github-matrix`: the cells as a GitHub Actions `strategy.matrix`,
// so that each cell runs on a runner of its own (fromJSON of this output).
// Each entry carries the flags that ask for its versions, and its expectation.
import { cellLabel, cellSdkFlags, type CellExpectation, type MatrixCell } from './cell.js';

interface GithubMatrixEntry {
  /** The job's name on the run's page: the cell's versions. */
  cell: string;
  /** The `--sdk` flags of the cell, one string: `--sdk go=1.41.0 --sdk java=2.26.0`. */
  flags: string;
  expect: CellExpectation;
  why?: string;
}

export function githubMatrix(cells: ReadonlyArray<MatrixCell & { expect: CellExpectation }>): {
  include: GithubMatrixEntry[];
} {
  return {
    include: cells.map((cell) => ({
      cell: cellLabel(cell.sdk),
      // A version is MAJOR.MINOR.PATCH (parsed before it gets here): no space, no quote, safe to split.
      flags: cellSdkFlags(cell.sdk)
        .map((flag) => `--sdk ${flag}`)
        .join(' '),
      expect: cell.expect,
      ...(cell.why ? { why: cell.why } : {}),
    })),
  };
}
