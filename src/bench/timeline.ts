// What `polytrace bench --timeline` concludes from N warm checks of one
// request per runtime: for each phase, the median of when it began and how
// long it took; the median wall time; the median time from the last answer to
// the verdict; and each component's resident memory once the verdict is in.
import type { Phase } from '../common/timeline.js';
import { percentile } from './statistics.js';

/** One check as it ran. */
export interface TimelineRun {
  runtime: string;
  /** The check passed (every trace verified, the metrics agree). */
  ok: boolean;
  phases: Phase[];
  /** From the first phase to the check's result, teardown and the metrics checks included. */
  totalMs: number;
  /** Resident memory of each component once the verdict was in, by name; absent where not readable. */
  rssBytes?: Record<string, number>;
}

interface PhaseSummary {
  name: string;
  /** Median start and duration over the runs that had the phase. */
  startMs: number;
  durationMs: number;
  /** Fastest and slowest duration. */
  minMs: number;
  maxMs: number;
  runs: number;
}

export interface RuntimeTimeline {
  runtime: string;
  runs: TimelineRun[];
  phases: PhaseSummary[];
  totalMs: number;
  /** From the last answer to the verdict: waiting for the spans, then verifying them. */
  verdictAfterAnswerMs: number;
  /** Median resident memory per component, and of the whole chain (the sum, per run, then the median). */
  rssBytes?: { components: Record<string, number>; chain: number };
}

export interface TimelineBenchResult {
  runtimes: RuntimeTimeline[];
  /** Every check passed. */
  ok: boolean;
  durationMs: number;
}

const median = (values: readonly number[]) => percentile(values, 50);

/** The phases a verdict waits for once the last answer is in. */
const afterAnswer = new Set(['spans', 'verify']);

export function summarizeTimeline(runtime: string, runs: readonly TimelineRun[]): RuntimeTimeline {
  const names = [...new Set(runs.flatMap((r) => r.phases.map((p) => p.name)))];
  const phases = names
    .map((name) => {
      const seen = runs.flatMap((r) => r.phases.filter((p) => p.name === name));
      const durations = seen.map((p) => p.endMs - p.startMs);
      return {
        name,
        startMs: median(seen.map((p) => p.startMs)),
        durationMs: median(durations),
        minMs: Math.min(...durations),
        maxMs: Math.max(...durations),
        runs: seen.length,
      };
    })
    .sort((a, b) => a.startMs - b.startMs || a.name.localeCompare(b.name));
  const verdictAfterAnswerMs = median(
    runs.map((r) => r.phases.filter((p) => afterAnswer.has(p.name)).reduce((sum, p) => sum + p.endMs - p.startMs, 0)),
  );
  const measured = runs.filter((r) => r.rssBytes);
  const components = [...new Set(measured.flatMap((r) => Object.keys(r.rssBytes!)))];
  return {
    runtime,
    runs: [...runs],
    phases,
    totalMs: median(runs.map((r) => r.totalMs)),
    verdictAfterAnswerMs,
    ...(measured.length > 0
      ? {
          rssBytes: {
            components: Object.fromEntries(
              components.map((c) => [c, median(measured.map((r) => r.rssBytes![c] ?? 0))]),
            ),
            chain: median(measured.map((r) => Object.values(r.rssBytes!).reduce((sum, b) => sum + b, 0))),
          },
        }
      : {}),
  };
}
