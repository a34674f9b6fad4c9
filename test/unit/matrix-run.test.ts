// The matrix's orchestration without a chain: `run` (one whole check) is
// replaced, so that a cell's failure and Ctrl-C can be made to happen on cue.
// What is checked is runMatrix's own part: order, isolation of failures,
// what finished when interrupted, builds counted per cell.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EnvironmentError, InterruptedError, UsageError } from '../../src/common/errors.js';
import type { Progress } from '../../src/common/progress.js';
import type { CheckOptions } from '../../src/core/run.js';
import type { RunOptions } from '../../src/runtime/runtime.js';
import { findScenario } from '../../src/scenarios/catalog.js';
import { defaultPorts } from '../../src/topology/ports.js';
import type { RunResult } from '../../src/verify/result.js';
import { checkResult, goodTrace } from './fixtures/run-result.js';

const runs: CheckOptions[] = [];
let behaviour: (options: CheckOptions, signal: AbortSignal) => Promise<RunResult>;

vi.mock('../../src/core/run.js', () => ({
  run: (options: CheckOptions, signal: AbortSignal) => {
    runs.push(options);
    return behaviour(options, signal);
  },
}));
const { runMatrix } = await import('../../src/core/matrix.js');

const said: string[] = [];
const progress: Progress = (event) => said.push(event.message);
const runOptions = { runtime: 'local', ports: defaultPorts(), sdk: {}, progress } as unknown as RunOptions;
const cells = [
  { sdk: { go: '1.41.0' }, expect: 'pass' as const },
  { sdk: { go: '1.41.9' }, expect: 'pass' as const },
  { sdk: { go: '1.47.0' }, expect: 'pass' as const },
];
const options = () => ({
  cells,
  runOptions,
  portsFor: async () => defaultPorts(),
  scenario: findScenario('happy')!,
  requests: 1,
});

beforeEach(() => {
  runs.length = 0;
  said.length = 0;
});

describe('runMatrix', () => {
  it("runs every cell in order with its own versions; a cell's failure is its verdict, the others run", async () => {
    behaviour = async (options) => {
      if (options.runOptions.sdk.go === '1.41.9') throw new UsageError('Expected a released version, got 1.41.9');
      if (options.runOptions.sdk.go === '1.47.0') {
        options.runOptions.progress({ step: 'build', component: 'api-gateway', built: true, message: 'built' });
      }
      return checkResult([goodTrace()]);
    };
    const result = await runMatrix(options(), new AbortController().signal);
    expect(runs.map((r) => r.runOptions.sdk)).toEqual(cells.map((c) => c.sdk));
    expect(result.cells.map((c) => [c.label, c.verdict, c.outcome])).toEqual([
      ['go=1.41.0', 'pass', 'as-expected'],
      ['go=1.41.9', 'error', 'error'],
      ['go=1.47.0', 'pass', 'as-expected'],
    ]);
    expect(result.cells[1]!.error).toEqual({ message: 'Expected a released version, got 1.41.9', exitCode: 2 });
    expect(result.cells.map((c) => c.built)).toEqual([[], [], ['api-gateway']]);
    expect(result.ok).toBe(false);
    expect(said).toContain('cell 2/3: go=1.41.9 …');
  });

  it('keeps an environment error (a service that would not start) as that cell’s, with its exit code', async () => {
    behaviour = async (options) => {
      if (options.runOptions.sdk.go === '1.41.0') throw new EnvironmentError('api-gateway exited before it was ready');
      return checkResult([goodTrace()]);
    };
    const result = await runMatrix(options(), new AbortController().signal);
    expect(result.cells.map((c) => c.verdict)).toEqual(['error', 'pass', 'pass']);
    expect(result.cells[0]!.error?.exitCode).toBe(3);
  });

  it('stops at Ctrl-C: the cells that finished are kept, the one running and the rest are not', async () => {
    const controller = new AbortController();
    behaviour = async (options) => {
      if (options.runOptions.sdk.go === '1.41.9') {
        controller.abort();
        throw new InterruptedError();
      }
      return checkResult([goodTrace()]);
    };
    const result = await runMatrix(options(), controller.signal);
    expect(runs).toHaveLength(2);
    expect(result.interrupted).toBe(true);
    expect(result.ok).toBe(false);
    expect(result.cells.map((c) => c.label)).toEqual(['go=1.41.0']);
    expect(result.planned).toBe(3);
  });
});
