// Brings a chain up for one run: choose the runtime, check the machine, build,
// start, and make sure that whatever started is stopped again.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ChainOptions, RunPlan, StartedChain } from '../runtime/runtime.js';
import { SpanFile } from '../intake/span-file.js';
import { createClientTracer, type ClientTracer } from '../traffic/client-tracer.js';
import { InterruptedError } from '../common/errors.js';
import { newRunId } from '../common/paths.js';
import { selectRuntime } from './select-runtime.js';
import { Teardown } from '../common/teardown.js';

export interface ChainSession {
  runtime: string;
  runDir: string;
  spansPath: string;
  chain: StartedChain;
  spans: SpanFile;
  tracer: ClientTracer;
}

/** Runs `use` with a started chain; stops everything afterwards, also on error and on abort. */
export async function withChain<T>(
  options: ChainOptions,
  signal: AbortSignal,
  use: (session: ChainSession) => Promise<T>,
): Promise<T> {
  const { runtime, reason } = await selectRuntime(options.runtime);
  options.progress({ step: 'runtime', message: `runtime: ${runtime.name} (${reason})` });
  const runDir = resolve(join(options.outDir, newRunId()));
  await mkdir(runDir, { recursive: true });
  const spansPath = join(runDir, 'spans.jsonl');
  const teardown = new Teardown();
  const plan: RunPlan = { chain: options, runDir, spansPath, signal, teardown };
  try {
    await runtime.preflight(plan);
    await runtime.build(plan);
    const chain = await runtime.start(plan);
    const tracer = createClientTracer(chain.collectorHttpUrl, options.environment.deploymentEnvironment);
    teardown.add('polytrace tracer', () => tracer.shutdown());
    return await use({ runtime: runtime.name, runDir, spansPath, chain, spans: new SpanFile(spansPath), tracer });
  } catch (error) {
    if (signal.aborted) throw new InterruptedError();
    throw error;
  } finally {
    await teardown.run((label, error) =>
      options.progress({ step: 'stop', message: `could not stop ${label}: ${String(error)}` }),
    );
  }
}
