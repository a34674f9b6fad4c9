// The timeline of a run and what `bench --timeline` makes of several: medians per phase.
import { describe, expect, it } from 'vitest';
import { summarizeTimeline, type TimelineRun } from '../../src/bench/timeline.js';
import { allOrFirstError } from '../../src/common/abort.js';
import { Timeline } from '../../src/common/timeline.js';
import { memoryInUse } from '../../src/runtime/docker/container-usage.js';

const run = (phases: Array<[string, number, number]>, totalMs: number, rss?: Record<string, number>): TimelineRun => ({
  runtime: 'local',
  ok: true,
  phases: phases.map(([name, startMs, endMs]) => ({ name, startMs, endMs })),
  totalMs,
  ...(rss ? { rssBytes: rss } : {}),
});

describe('Timeline', () => {
  it('records a phase when its work fails too', async () => {
    const timeline = new Timeline();
    await expect(timeline.time('start', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(timeline.phases.map((p) => p.name)).toEqual(['start']);
    expect(timeline.phases[0]!.endMs).toBeGreaterThanOrEqual(timeline.phases[0]!.startMs);
  });
});

describe('summarizeTimeline', () => {
  const runs = [
    run(
      [
        ['start', 0, 3000],
        ['spans', 3100, 3300],
        ['verify', 3300, 3310],
      ],
      4000,
      { a: 100, b: 50 },
    ),
    run(
      [
        ['start', 0, 5000],
        ['spans', 5100, 5500],
        ['verify', 5500, 5520],
      ],
      6000,
      { a: 120, b: 40 },
    ),
    run(
      [
        ['start', 0, 4000],
        ['spans', 4100, 4400],
        ['verify', 4400, 4405],
      ],
      5000,
      { a: 110, b: 60 },
    ),
  ];

  it('takes medians of each phase, in the order they begin, with the fastest and slowest', () => {
    const summary = summarizeTimeline('local', runs);
    expect(summary.phases.map((p) => p.name)).toEqual(['start', 'spans', 'verify']);
    expect(summary.phases[0]).toMatchObject({ startMs: 0, durationMs: 4000, minMs: 3000, maxMs: 5000, runs: 3 });
    expect(summary.totalMs).toBe(5000);
  });

  it('times the verdict from the last answer: waiting for the spans, then verifying', () => {
    expect(summarizeTimeline('local', runs).verdictAfterAnswerMs).toBe(305);
  });

  it("sums each run's memory before taking the median, and gives each component's median", () => {
    const { rssBytes } = summarizeTimeline('local', runs);
    expect(rssBytes).toEqual({ components: { a: 110, b: 50 }, chain: 160 });
    expect(summarizeTimeline('docker', [run([], 1)]).rssBytes).toBeUndefined();
  });
});

describe('allOrFirstError', () => {
  it('aborts the other tasks at the first failure, waits for them, and throws that failure', async () => {
    const settled: string[] = [];
    const slow = (signal: AbortSignal) =>
      new Promise<void>((_, reject) =>
        signal.addEventListener('abort', () => {
          settled.push('slow');
          reject(new Error('aborted'));
        }),
      );
    const failing = async () => {
      throw new Error('the collector did not start');
    };
    await expect(allOrFirstError(new AbortController().signal, [slow, failing])).rejects.toThrow(
      'the collector did not start',
    );
    expect(settled).toEqual(['slow']);
  });
});

describe('memoryInUse: a container as `docker stats` counts it', () => {
  it('takes inactive file pages off the usage, under cgroup v1 and v2 names', () => {
    expect(memoryInUse({ usage: 100, stats: { total_inactive_file: 30 } })).toBe(70);
    expect(memoryInUse({ usage: 100, stats: { inactive_file: 40 } })).toBe(60);
    expect(memoryInUse({ usage: 100 })).toBe(100);
    expect(memoryInUse({})).toBe(0);
  });
});
