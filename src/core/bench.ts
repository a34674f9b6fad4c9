// The run behind `polytrace bench`: for each round, each configuration in turn (all on, all off,
// one language off at a time), start the chain with it, warm up, fire the measured load while
// sampling each component's memory and CPU, stop the chain, count the spans that arrived.
// Interleaving the configurations within a round lets slow drift of the machine fall on all of
// them alike. Returns data; prints nothing.
import { readFile } from 'node:fs/promises';
import { setInterval as every } from 'node:timers/promises';
import { benchConfigurations, configurationSettings, type BenchConfiguration } from '../bench/configurations.js';
import { countSpans } from '../bench/span-accounting.js';
import type { BenchLoad, BenchResult } from '../bench/result.js';
import { summarizeBench, type ConfigurationRun } from '../bench/summary.js';
import { usageDuringLoad } from '../bench/usage.js';
import { EnvironmentError } from '../common/errors.js';
import { parseOtlpJsonLines } from '../intake/otlp-json.js';
import type { ProcessUsage, RunOptions } from '../runtime/runtime.js';
import { flows } from '../topology/chain.js';
import { fireLoad, type LoadResult } from '../traffic/load.js';
import { withChain } from './chain-session.js';

export interface BenchOptions extends BenchLoad {
  /** The run as the command parsed it; each configuration changes only its OTEL_* settings. */
  runOptions: RunOptions;
}

/** One answer waits at most this long: a stuck chain must not hold the bench. */
const requestTimeoutMs = 10_000;
/** How often each component's memory is read during the load. */
const sampleEveryMs = 500;

const flow = flows.order;

/** Reads `read` every `sampleEveryMs` until `during` settles: the first reading at its start, the last at its end. */
async function sampled<T>(
  read: () => Promise<Record<string, ProcessUsage>>,
  during: () => Promise<T>,
): Promise<{ result: T; samples: Array<Record<string, ProcessUsage>> }> {
  const samples = [await read()];
  const stop = new AbortController();
  const sampling = (async () => {
    try {
      for await (const _ of every(sampleEveryMs, undefined, { signal: stop.signal })) samples.push(await read());
    } catch {
      // stopped
    }
  })();
  try {
    return { result: await during(), samples };
  } finally {
    stop.abort();
    await sampling;
    samples.push(await read());
  }
}

/** One configuration's run in one round, to finish before the bench's deadline. */
interface ConfigurationRound {
  configuration: BenchConfiguration;
  round: number;
  deadline: number;
}

async function runConfiguration(
  options: BenchOptions,
  { configuration, round, deadline }: ConfigurationRound,
  signal: AbortSignal,
): Promise<{ run: ConfigurationRun; runtime: string }> {
  const { environment } = options.runOptions;
  const runOptions: RunOptions = {
    ...options.runOptions,
    environment: { ...environment, otelSettings: configurationSettings(configuration, environment.otelSettings) },
  };
  const load = (gatewayUrl: string, requests: number): Promise<LoadResult> =>
    fireLoad({ gatewayUrl, flow, requests, concurrency: options.concurrency, deadline, requestTimeoutMs }, signal);

  const measured = await withChain(runOptions, signal, async (session) => {
    const read = session.chain.usage;
    if (!read) {
      throw new EnvironmentError(
        `bench reads each process's memory and CPU, which the ${session.runtime} runtime does not offer`,
      );
    }
    const { gatewayUrl } = session.chain;
    const say = (message: string) =>
      runOptions.progress({
        step: 'traffic',
        message: `round ${round}/${options.rounds}, ${configuration.name}: ${message}`,
      });
    say(`warm-up, ${options.warmup} requests (not measured)…`);
    const warmup = await load(gatewayUrl, options.warmup);
    say(`${options.requests} requests, ${options.concurrency} at a time…`);
    const { result, samples } = await sampled(read, () => load(gatewayUrl, options.requests));
    say(
      `${result.latenciesMs.length} answered in ${(result.durationMs / 1000).toFixed(1)}s${result.failed ? `, ${result.failed} failed (${result.firstFailure})` : ''}`,
    );
    return {
      runtime: session.runtime,
      runDir: session.runDir,
      spansPath: session.spansPath,
      warmupAnswered: warmup.latenciesMs.length,
      load: result,
      ...usageDuringLoad(samples),
    };
  });
  // After teardown: each service flushed its spans on SIGTERM, and the Collector wrote them all
  // before it stopped.
  const { spans } = parseOtlpJsonLines(await readFile(measured.spansPath, 'utf8'));
  const answered = measured.warmupAnswered + measured.load.latenciesMs.length;
  return {
    runtime: measured.runtime,
    run: {
      configuration,
      round,
      load: measured.load,
      warmupAnswered: measured.warmupAnswered,
      usage: measured.usage,
      chainPeakRssBytes: measured.chainPeakRssBytes,
      spans: countSpans(spans, { requests: answered, off: configuration.off, flow }),
      runDir: measured.runDir,
    },
  };
}

export async function bench(options: BenchOptions, signal: AbortSignal): Promise<BenchResult> {
  const started = Date.now();
  const deadline = started + options.timeLimitMs;
  const runs: ConfigurationRun[] = [];
  let runtime: string = options.runOptions.runtime;
  let incomplete: string | undefined;
  rounds: for (let round = 1; round <= options.rounds; round++) {
    for (const configuration of benchConfigurations) {
      if (Date.now() >= deadline) {
        incomplete = `the time limit (${options.timeLimitMs / 1000}s) passed before round ${round}'s ${configuration.name}`;
        break rounds;
      }
      const { run, runtime: ran } = await runConfiguration(options, { configuration, round, deadline }, signal);
      runtime = ran;
      runs.push(run);
      if (run.load.sent < options.requests) {
        incomplete = `the time limit (${options.timeLimitMs / 1000}s) passed during round ${round}'s ${configuration.name}: ${run.load.sent} of ${options.requests} requests sent`;
        break rounds;
      }
    }
  }
  const summary = summarizeBench(runs);
  const ok =
    !incomplete &&
    !summary.firstLoss &&
    summary.configurations.every((c) => c.failed === 0 && c.spans.fromOff === 0) &&
    summary.peakChainRssBytes < summary.chainMemoryLimitBytes;
  const { runOptions: _, ...rest } = options;
  return {
    runtime,
    options: rest,
    runs,
    summary,
    ...(incomplete ? { incomplete } : {}),
    ok,
    durationMs: Date.now() - started,
  };
}
