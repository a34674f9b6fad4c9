// The run behind `polytrace matrix`: each cell a whole `check` with its own
// versions, one after another in this process, so cells share the build
// cache (it is keyed per resolved set) and the registries' answers (memoised
// per process). A cell that fails is that cell's verdict; only Ctrl-C stops
// the matrix, keeping the cells that finished. Returns data; prints nothing.
import { exitCodes, PolytraceError } from '../common/errors.js';
import { cellLabel, cellVersions, type CellExpectation, type MatrixCell } from '../matrix/cell.js';
import { cellEvidence } from '../matrix/cell-verdict.js';
import { judgeCell } from '../matrix/expectations.js';
import type { CellResult, MatrixResult } from '../matrix/result.js';
import type { RunOptions } from '../runtime/runtime.js';
import type { Scenario } from '../scenarios/scenario.js';
import { defaultSdkVersions } from '../topology/sdk-versions.js';
import type { PortMap } from '../topology/ports.js';
import { run } from './run.js';

export interface MatrixOptions {
  cells: ReadonlyArray<MatrixCell & { expect: CellExpectation }>;
  /** What every cell's run shares; each cell replaces its `sdk` and `ports`. */
  runOptions: RunOptions;
  /** Each cell's ports, asked for as it starts: a port the last cell held may linger a moment. */
  portsFor: () => Promise<PortMap>;
  scenario: Scenario;
  /** Requests per cell. */
  requests: number;
}

export async function runMatrix(options: MatrixOptions, signal: AbortSignal): Promise<MatrixResult> {
  const started = Date.now();
  const { cells, runOptions } = options;
  const defaults = defaultSdkVersions();
  const results: CellResult[] = [];
  for (const [index, cell] of cells.entries()) {
    if (signal.aborted) break;
    const label = cellLabel(cell.sdk);
    runOptions.progress({ step: 'cell', message: `cell ${index + 1}/${cells.length}: ${label} …` });
    const built: string[] = [];
    const progress: RunOptions['progress'] = (event) => {
      if (event.built && event.component) built.push(event.component);
      runOptions.progress(event);
    };
    const cellStarted = Date.now();
    const base = {
      label,
      sdk: cell.sdk,
      versions: cellVersions(cell.sdk, defaults),
      expect: cell.expect,
      ...(cell.breaks ? { expectedBreaks: cell.breaks } : {}),
      ...(cell.why ? { why: cell.why } : {}),
      built,
    };
    try {
      const result = await run(
        {
          runOptions: { ...runOptions, sdk: cell.sdk, ports: await options.portsFor(), progress },
          scenario: options.scenario,
          requests: options.requests,
          repeat: 1,
          expectBroken: false,
          // Every ordered pair of languages, not only the chain's own edges.
          directions: true,
        },
        signal,
      );
      const evidence = cellEvidence(result);
      results.push({
        ...base,
        ...evidence,
        ...judgeCell({
          verdict: evidence.verdict,
          expect: cell.expect,
          ...(cell.breaks ? { expectedBreaks: cell.breaks } : {}),
          found: evidence.breaks.map((b) => b.where),
        }),
        durationMs: Date.now() - cellStarted,
        runDir: result.runDir,
      });
    } catch (error) {
      // Ctrl-C: the cell's chain is stopped (run's teardown); the matrix ends with what finished.
      if (signal.aborted) break;
      const known = error instanceof PolytraceError;
      results.push({
        ...base,
        verdict: 'error',
        ...judgeCell({ verdict: 'error', expect: cell.expect }),
        breaks: [],
        error: {
          message: known
            ? error.message
            : `unexpected error (a bug; please report it): ${(error as Error)?.message ?? String(error)}`,
          exitCode: known ? error.exitCode : exitCodes.bug,
        },
        durationMs: Date.now() - cellStarted,
      });
    }
    const last = results.at(-1)!;
    runOptions.progress({
      step: 'cell',
      message: `cell ${index + 1}/${cells.length}: ${label}: ${last.verdict} (${last.summary}) in ${(last.durationMs / 1000).toFixed(1)}s${last.built.length > 0 ? `, built ${last.built.join(', ')}` : ', nothing built'}`,
    });
  }
  const interrupted = signal.aborted;
  return {
    ok: !interrupted && results.length === cells.length && results.every((c) => c.outcome === 'as-expected'),
    cells: results,
    planned: cells.length,
    interrupted,
    runtime: runOptions.runtime,
    durationMs: Date.now() - started,
  };
}
