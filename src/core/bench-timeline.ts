// The run behind `polytrace bench --timeline`: N checks of one request, warm,
// in each runtime asked for, each with a timeline of its phases and the memory
// of each component once its verdict is in. Returns data; prints nothing.
import {
  summarizeTimeline,
  type RuntimeTimeline,
  type TimelineBenchResult,
  type TimelineRun,
} from '../bench/timeline.js';
import { Timeline } from '../common/timeline.js';
import type { RunOptions } from '../runtime/runtime.js';
import type { Scenario } from '../scenarios/scenario.js';
import { run } from './run.js';

/** The bench's own phase: reading each component's memory once the verdict is in (docker asks the engine). */
const memoryPhase = 'read memory (bench only)';

export interface TimelineBenchOptions {
  /** The run's options for each runtime to measure, in order. */
  perRuntime: RunOptions[];
  scenario: Scenario;
  /** Checks per runtime. */
  runs: number;
}

export async function benchTimeline(options: TimelineBenchOptions, signal: AbortSignal): Promise<TimelineBenchResult> {
  const started = Date.now();
  const runtimes: RuntimeTimeline[] = [];
  for (const runOptions of options.perRuntime) {
    const runs: TimelineRun[] = [];
    let runtime: string = runOptions.runtime;
    for (let n = 1; n <= options.runs; n++) {
      runOptions.progress({
        step: 'runtime',
        message: `timeline: ${runOptions.runtime} runtime, check ${n}/${options.runs}`,
      });
      const timeline = new Timeline();
      let rssBytes: Record<string, number> | undefined;
      const result = await run(
        {
          runOptions: { ...runOptions, timeline },
          scenario: options.scenario,
          requests: 1,
          repeat: 1,
          expectBroken: false,
          beforeStop: (started) =>
            timeline.time(memoryPhase, async () => {
              const usage = await started.usage?.();
              if (usage) rssBytes = Object.fromEntries(Object.entries(usage).map(([name, u]) => [name, u.rssBytes]));
            }),
        },
        signal,
      );
      runtime = result.runtime;
      runs.push({
        runtime,
        ok: result.ok,
        phases: timeline.phases,
        // What a check takes: the bench's own reading of the memory is not part of it.
        totalMs:
          timeline.now() -
          timeline.phases.filter((p) => p.name === memoryPhase).reduce((sum, p) => sum + p.endMs - p.startMs, 0),
        ...(rssBytes ? { rssBytes } : {}),
      });
    }
    runtimes.push(summarizeTimeline(runtime, runs));
  }
  return {
    scenario: options.scenario.name,
    runtimes,
    ok: runtimes.every((r) => r.runs.every((run) => run.ok)),
    durationMs: Date.now() - started,
  };
}
