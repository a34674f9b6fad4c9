// Brings a chain up for one run: choose the runtime, check the machine, build,
// start, and make sure that whatever started is stopped again.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { EnvironmentOptions } from '../topology/environment.js';
import type { BaseImageOverrides } from '../topology/base-images.js';
import type { PortMap } from '../topology/ports.js';
import type { StartedChain } from '../runtime/runtime.js';
import { SpanFile } from '../intake/span-file.js';
import { createClientTracer, type ClientTracer } from '../traffic/client-tracer.js';
import { InterruptedError } from './errors.js';
import { newRunId } from './paths.js';
import type { Progress } from './progress.js';
import { selectRuntime, type RuntimeChoice } from './select-runtime.js';
import { Teardown } from './teardown.js';

export interface ChainOptions {
  runtime: RuntimeChoice;
  ports: PortMap;
  /** The user's own base images for the docker runtime's builds (`--base-image`). */
  baseImages: BaseImageOverrides;
  /** Parent folder of run folders. */
  outDir: string;
  environment: EnvironmentOptions;
  progress: Progress;
}

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
  const plan = {
    runDir,
    spansPath,
    ports: options.ports,
    baseImages: options.baseImages,
    environment: options.environment,
    progress: options.progress,
    signal,
    teardown,
  };
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
