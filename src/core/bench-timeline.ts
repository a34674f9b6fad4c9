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
import type { ChainOptions } from '../runtime/runtime.js';
import type { Scenario } from '../scenarios/scenario.js';
import { run } from './run.js';

export interface TimelineBenchOptions {
  /** One chain per runtime to measure, in order. */
  chains: ChainOptions[];
  scenario: Scenario;
  /** Checks per runtime. */
  runs: number;
}

export async function benchTimeline(options: TimelineBenchOptions, signal: AbortSignal): Promise<TimelineBenchResult> {
  const started = Date.now();
  const runtimes: RuntimeTimeline[] = [];
  for (const chain of options.chains) {
    const runs: TimelineRun[] = [];
    let runtime: string = chain.runtime;
    for (let n = 1; n <= options.runs; n++) {
      chain.progress({ step: 'runtime', message: `timeline: ${chain.runtime} runtime, check ${n}/${options.runs}` });
      const timeline = new Timeline();
      let rssBytes: Record<string, number> | undefined;
      const result = await run(
        {
          chain: { ...chain, timeline },
          scenario: options.scenario,
          requests: 1,
          repeat: 1,
          expectBroken: false,
          beforeStop: async (started) => {
            const usage = await started.usage?.();
            if (usage) rssBytes = Object.fromEntries(Object.entries(usage).map(([name, u]) => [name, u.rssBytes]));
          },
        },
        signal,
      );
      runtime = result.runtime;
      runs.push({
        runtime,
        ok: result.ok,
        phases: timeline.phases,
        totalMs: timeline.now(),
        ...(rssBytes ? { rssBytes } : {}),
      });
    }
    runtimes.push(summarizeTimeline(runtime, runs));
  }
  return {
    runtimes,
    ok: runtimes.every((r) => r.runs.every((run) => run.ok)),
    durationMs: Date.now() - started,
  };
}
