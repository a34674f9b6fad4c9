// Brings a chain up for one run: choose the runtime, check the machine, build,
// start, and make sure that whatever started is stopped again.
import { newSecret } from '../common/secret.js';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startChain, startReaper } from '../runtime/chain-lifecycle.js';
import type { RunOptions, RunPlan, StartedChain } from '../runtime/runtime.js';
import { SpanFile } from '../intake/span-file.js';
import { createClientTracer, type ClientTracer } from '../traffic/client-tracer.js';
import { InterruptedError } from '../common/errors.js';
import { newRunId } from '../common/paths.js';
import { selectRuntime } from './select-runtime.js';
import { Teardown } from '../common/teardown.js';
import { timed } from '../common/timeline.js';

export interface ChainSession {
  runtime: string;
  /** The run's id: its folder's name, and the tracestate and baggage value every hop must carry. */
  runId: string;
  runDir: string;
  spansPath: string;
  metricsPath: string;
  chain: StartedChain;
  spans: SpanFile;
  tracer: ClientTracer;
}

/** Runs `use` with a started chain; stops everything afterwards, also on error and on abort. */
export async function withChain<T>(
  options: RunOptions,
  signal: AbortSignal,
  use: (session: ChainSession) => Promise<T>,
): Promise<T> {
  const { runtime, reason } = await selectRuntime(options.runtime);
  options.progress({ step: 'runtime', message: `runtime: ${runtime.name} (${reason})` });
  const runId = newRunId();
  const runDir = resolve(join(options.outDir, runId));
  // The run's evidence is the user's alone: nobody else on the machine reads or writes it.
  await mkdir(runDir, { recursive: true, mode: 0o700 });
  await chmod(runDir, 0o700);
  const spansPath = join(runDir, 'spans.jsonl');
  const metricsPath = join(runDir, 'metrics.jsonl');
  // Made here, 0600, so that the Collector (a container in the docker runtime) writes into the
  // user's own files rather than creating them.
  await writeFile(spansPath, '', { mode: 0o600 });
  await writeFile(metricsPath, '', { mode: 0o600 });
  const teardown = new Teardown();
  // One secret per purpose: a leak of one (the broker's password to a port squatter) gives nothing else.
  const otlpToken = newSecret();
  const brokerPassword = newSecret();
  const plan: RunPlan = { options, runDir, spansPath, metricsPath, otlpToken, brokerPassword, signal, teardown };
  try {
    const { timeline } = options;
    const prepared = await timed(timeline, 'preflight', () => runtime.preflight(plan));
    await startReaper(prepared, plan);
    const built = await timed(timeline, 'build check', () => prepared.build(plan));
    const chain = await timed(timeline, 'start', () => startChain(built, plan));
    const tracer = createClientTracer({
      collectorHttpUrl: chain.collectorHttpUrl,
      deploymentEnvironment: options.environment.deploymentEnvironment,
      runId,
      exportHeaders: { authorization: `Bearer ${otlpToken}` },
    });
    teardown.add('polytrace tracer', () => tracer.shutdown());
    return await use({
      runtime: runtime.name,
      runId,
      runDir,
      spansPath,
      metricsPath,
      chain,
      spans: new SpanFile(spansPath),
      tracer,
    });
  } catch (error) {
    if (signal.aborted) throw new InterruptedError();
    throw error;
  } finally {
    await timed(options.timeline, 'teardown', () =>
      teardown.run((label, error) =>
        options.progress({ step: 'stop', message: `could not stop ${label}: ${String(error)}` }),
      ),
    );
  }
}
