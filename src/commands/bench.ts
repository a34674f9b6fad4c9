import { bench } from '../core/bench.js';
import { benchTimeline } from '../core/bench-timeline.js';
import type { RunOptions } from '../runtime/runtime.js';
import { renderTimelineJson, renderTimelineTable } from '../report/bench-timeline.js';
import { exitCodes, UsageError } from '../common/errors.js';
import { benchReporters, type ReportContext } from '../report/reporters.js';
import { colorEnabled, colorsFor } from '../report/style.js';
import { localRuntimeOnly, parseChainFlags, parseCount, withFreePorts } from './options.js';
import { stderrProgress } from './progress-printer.js';

export interface BenchFlags {
  runtime: string;
  port: string[];
  outDir: string;
  requests: string;
  concurrency: string;
  rounds: string;
  warmup: string;
  timeLimit: string;
  json?: boolean;
  timeline?: boolean;
  runs: string;
  scenario?: string;
  sdk?: string[];
}

/** The load flags, which a timeline (one request a check) has no use for. */
const loadFlags = ['requests', 'concurrency', 'rounds', 'warmup', 'timeLimit'] as const;

/**
 * `polytrace bench`: exit 0 when every configuration ran in full, every request was answered, no
 * span was lost and the chain stayed under its memory limit; 1 otherwise; 3 when it could not run.
 */
export async function benchCommand(
  flags: BenchFlags,
  signal: AbortSignal,
  given: (flag: string) => boolean = () => false,
): Promise<number> {
  if (flags.timeline) return timelineCommand(flags, signal, given);
  if (flags.scenario !== undefined) {
    throw new UsageError(`Expected --scenario only with --timeline: the overhead bench runs the order flow`);
  }
  const warmup = Number(flags.warmup);
  if (!Number.isInteger(warmup) || warmup < 0 || warmup > 10_000) {
    throw new UsageError(`Expected --warmup to be a whole number from 0 to 10000, got "${flags.warmup}"`);
  }
  const counts = {
    requests: parseCount('--requests', flags.requests, 100_000),
    concurrency: parseCount('--concurrency', flags.concurrency, 256),
    rounds: parseCount('--rounds', flags.rounds, 20),
    warmup,
    timeLimitMs: parseCount('--time-limit', flags.timeLimit, 24 * 3600) * 1000,
  };
  const progress = stderrProgress();
  const parsed = parseChainFlags({ ...flags, baseImage: [], scenario: 'happy' }, progress);
  // Memory and CPU are read per process group from /proc, which only the local runtime's
  // processes offer; a container's would be its cgroup's, measured another way.
  const runOptions = localRuntimeOnly(parsed.runOptions, {
    command: 'bench',
    why: "it reads each component's memory and CPU from /proc, by process group",
    progress,
  });
  const result = await bench({ runOptions: await withFreePorts(runOptions, flags), ...counts }, signal);
  const context: ReportContext = {
    width: process.stdout.columns || 100,
    colors: colorsFor(colorEnabled(process.stdout)),
  };
  process.stdout.write(benchReporters[flags.json ? 'json' : 'terminal'](result, context));
  return result.ok ? exitCodes.ok : exitCodes.verificationFailed;
}

/**
 * `polytrace bench --timeline`: exit 0 when every timed check passed, 1 when one did not (its
 * figures are still printed), 3 when the chain could not run.
 */
async function timelineCommand(
  flags: BenchFlags,
  signal: AbortSignal,
  given: (flag: string) => boolean,
): Promise<number> {
  const extra = loadFlags.filter(given);
  if (extra.length > 0) {
    throw new UsageError(
      `Expected no ${extra.map((f) => `--${f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')} with --timeline: each timed check sends one request`,
    );
  }
  const runs = parseCount('--runs', flags.runs, 50);
  const progress = stderrProgress();
  const parsed = parseChainFlags({ ...flags, baseImage: [], scenario: flags.scenario ?? 'happy' }, progress);
  const runtimes = parsed.runOptions.runtime === 'auto' ? (['local', 'docker'] as const) : [parsed.runOptions.runtime];
  const perRuntime: RunOptions[] = [];
  for (const runtime of runtimes) perRuntime.push(await withFreePorts({ ...parsed.runOptions, runtime }, flags));
  const result = await benchTimeline({ perRuntime, scenario: parsed.scenario, runs }, signal);
  const colors = colorsFor(colorEnabled(process.stdout));
  process.stdout.write(flags.json ? renderTimelineJson(result) : renderTimelineTable(result, colors));
  return result.ok ? exitCodes.ok : exitCodes.verificationFailed;
}
