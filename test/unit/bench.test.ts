// The statistics of `polytrace bench` on synthetic runs: percentiles, confidence intervals, what
// each SDK adds, the span accounting, and the reports made from them.
import { describe, expect, it } from 'vitest';
import {
  allOff,
  allOn,
  benchConfigurations,
  configurationSettings,
  offAlone,
  type BenchConfiguration,
} from '../../src/bench/configurations.js';
import { countSpans, spansPerRequest } from '../../src/bench/span-accounting.js';
import { confidenceInterval, mean, percentile, standardDeviation, tQuantile975 } from '../../src/bench/statistics.js';
import { chainMemoryLimitBytes, summarizeBench, type ConfigurationRun } from '../../src/bench/summary.js';
import { usageDuringLoad } from '../../src/bench/usage.js';
import type { BenchResult } from '../../src/bench/result.js';
import { benchReporters } from '../../src/report/reporters.js';
import { colorsFor } from '../../src/report/style.js';
import { flows, services } from '../../src/topology/chain.js';
import { orderTrace } from './fixtures/synthetic-trace.js';

describe('percentile', () => {
  it('interpolates between the two nearest ranks (Hyndman and Fan 7)', () => {
    expect(percentile([4, 1, 3, 2], 50)).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5], 0)).toBe(1);
    expect(percentile([1, 2, 3, 4, 5], 100)).toBe(5);
    // rank 0.95 · 99 = 94.05 of 1…100: between 95 and 96
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 95)).toBeCloseTo(95.05, 10);
    expect(percentile(hundred, 99)).toBeCloseTo(99.01, 10);
  });

  it('takes one value as every percentile, and none as NaN', () => {
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('leaves its input in the order given', () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('confidence interval', () => {
  it('is mean ± t(0.975, n−1)·s/√n', () => {
    const values = [10, 12, 14];
    expect(mean(values)).toBe(12);
    expect(standardDeviation(values)).toBe(2);
    const interval = confidenceInterval(values);
    expect(interval.n).toBe(3);
    expect(interval.mean).toBe(12);
    expect(interval.halfWidth).toBeCloseTo((4.303 * 2) / Math.sqrt(3), 10);
  });

  it('has no half-width from one value: one round says nothing about the spread', () => {
    expect(confidenceInterval([5])).toEqual({ mean: 5, n: 1 });
  });

  it("uses Student's t for small n and the normal's 1.96 beyond the table", () => {
    expect(tQuantile975(1)).toBe(12.706);
    expect(tQuantile975(2)).toBe(4.303);
    expect(tQuantile975(30)).toBe(2.042);
    expect(tQuantile975(200)).toBe(1.96);
  });
});

describe('configurations', () => {
  it('are all on, all off, then each language off alone', () => {
    expect(benchConfigurations.map((c) => c.name)).toEqual([
      'all-on',
      'all-off',
      'go-off',
      'java-off',
      'python-off',
      'nodejs-off',
    ]);
    expect(offAlone('order-service')).toEqual({ name: 'python-off', off: ['order-service'] });
  });

  it('turn a service off through its per-service OTEL_* settings, each the way its language does it', () => {
    const settings = configurationSettings(allOff);
    expect(settings['api-gateway']).toEqual({ OTEL_SDK_DISABLED: 'true' });
    expect(settings['auth-service']).toEqual({ OTEL_JAVAAGENT_ENABLED: 'false' });
    expect(settings['order-service']).toEqual({
      OTEL_SDK_DISABLED: 'true',
      OTEL_PYTHON_DISABLED_INSTRUMENTATIONS: '*',
    });
    expect(settings['notification-service']).toEqual({ OTEL_SDK_DISABLED: 'true' });
    expect(configurationSettings(allOn)).toEqual({});
  });

  it("keep the run's own settings of the other services, and add to those of the service turned off", () => {
    const base = {
      'order-service': { OTEL_PROPAGATORS: 'tracecontext' },
      'api-gateway': { OTEL_BSP_SCHEDULE_DELAY: '100' },
    };
    expect(configurationSettings(offAlone('order-service'), base)).toEqual({
      'order-service': {
        OTEL_PROPAGATORS: 'tracecontext',
        OTEL_SDK_DISABLED: 'true',
        OTEL_PYTHON_DISABLED_INSTRUMENTATIONS: '*',
      },
      'api-gateway': { OTEL_BSP_SCHEDULE_DELAY: '100' },
    });
  });
});

describe('span accounting', () => {
  it("expects per order the topology's spans of each service and a CLIENT span per call it makes", () => {
    const names = (service: string) => spansPerRequest(service, flows.order).map((s) => `${s.kind} ${s.name}`);
    expect(names('api-gateway')).toEqual([
      'SERVER POST /orders',
      'INTERNAL auth.verify',
      'INTERNAL orders.create',
      'CLIENT GET',
      'CLIENT POST',
    ]);
    expect(names('auth-service')).toEqual(['SERVER GET /verify', 'INTERNAL token.validate']);
    expect(names('order-service')).toHaveLength(5);
    expect(names('notification-service')).toEqual(['SERVER POST /notify', 'INTERNAL email.send']);
  });

  it('counts every expected span of the services that were on, by name and kind, whatever trace it is in', () => {
    const spans = [...orderTrace(), ...orderTrace(), ...orderTrace()];
    const counts = countSpans(spans, { requests: 3, off: [], flow: flows.order });
    expect(counts.map((c) => [c.service, c.expected, c.received, c.lost])).toEqual([
      ['api-gateway', 15, 15, 0],
      ['auth-service', 6, 6, 0],
      ['order-service', 15, 15, 0],
      ['notification-service', 6, 6, 0],
    ]);
  });

  it('counts a span lost kind by kind: a duplicate of one span does not make up for another', () => {
    const [a, b] = [orderTrace(), orderTrace()];
    const withoutEmail = b.filter((s) => s.name !== 'email.send');
    const duplicated = a.find((s) => s.name === 'POST /notify')!;
    const counts = countSpans([...a, ...withoutEmail, duplicated], { requests: 2, off: [], flow: flows.order });
    expect(counts.find((c) => c.service === 'notification-service')).toEqual({
      service: 'notification-service',
      telemetry: 'on',
      expected: 4,
      received: 4,
      lost: 1,
    });
  });

  it('expects nothing of a service that was off, and counts any span it still sent', () => {
    const spans = orderTrace();
    const counts = countSpans(spans, { requests: 1, off: ['order-service'], flow: flows.order });
    expect(counts.find((c) => c.service === 'order-service')).toEqual({
      service: 'order-service',
      telemetry: 'off',
      expected: 0,
      received: 5, // the synthetic trace has them: the switch did not work
      lost: 0,
    });
    const clean = countSpans(
      spans.filter((s) => s.service !== 'order-service'),
      { requests: 1, off: ['order-service'], flow: flows.order },
    );
    expect(clean.find((c) => c.service === 'order-service')?.received).toBe(0);
  });
});

describe('usage during the load', () => {
  it('takes each component’s largest memory, its CPU between the first and last sample, and the largest sum', () => {
    const mb = 1024 ** 2;
    const { usage, chainPeakRssBytes } = usageDuringLoad([
      { a: { rssBytes: 10 * mb, cpuSeconds: 1 }, b: { rssBytes: 50 * mb, cpuSeconds: 4 } },
      { a: { rssBytes: 30 * mb, cpuSeconds: 2 }, b: { rssBytes: 40 * mb, cpuSeconds: 5 } },
      { a: { rssBytes: 20 * mb, cpuSeconds: 3.5 }, b: { rssBytes: 45 * mb, cpuSeconds: 7 } },
    ]);
    expect(usage).toEqual({
      a: { peakRssBytes: 30 * mb, cpuSeconds: 2.5 },
      b: { peakRssBytes: 50 * mb, cpuSeconds: 3 },
    });
    expect(chainPeakRssBytes).toBe(70 * mb);
  });
});

/** A run whose requests all took `latencyMs` (± a spread), in one second, with no span lost. */
function run(
  configuration: BenchConfiguration,
  round: number,
  latencyMs: number,
  options: { cpuMs?: Record<string, number>; lost?: number; spread?: number } = {},
): ConfigurationRun {
  const spread = options.spread ?? 0;
  const latenciesMs = [latencyMs - spread, latencyMs, latencyMs + spread];
  const usage = Object.fromEntries(
    [...services.map((s) => s.name), 'otel-collector'].map((name) => [
      name,
      { peakRssBytes: 100 * 1024 ** 2, cpuSeconds: ((options.cpuMs?.[name] ?? 1) * latenciesMs.length) / 1000 },
    ]),
  );
  return {
    configuration,
    round,
    load: { latenciesMs, sent: latenciesMs.length, failed: 0, durationMs: 1000, clientCpuSeconds: 0.003 },
    warmupAnswered: 0,
    usage,
    chainPeakRssBytes: 500 * 1024 ** 2,
    spans: services.map((s) => ({
      service: s.name,
      telemetry: configuration.off.includes(s.name) ? 'off' : 'on',
      expected: configuration.off.includes(s.name) ? 0 : 6,
      received: configuration.off.includes(s.name) ? 0 : 6 - (s.name === 'order-service' ? (options.lost ?? 0) : 0),
      lost: s.name === 'order-service' && !configuration.off.includes(s.name) ? (options.lost ?? 0) : 0,
    })),
    runDir: `/runs/${configuration.name}-${round}`,
  };
}

/** Three rounds in which all-on takes 20 ms, each SDK adds its own share, and all off takes 10 ms. */
function threeRounds(): ConfigurationRun[] {
  const added: Record<string, number> = {
    'api-gateway': 0.5,
    'auth-service': 3,
    'order-service': 2,
    'notification-service': 1,
  };
  const runs: ConfigurationRun[] = [];
  for (const round of [1, 2, 3]) {
    const drift = round; // the machine gets slower each round, alike for every configuration
    for (const configuration of benchConfigurations) {
      const off = configuration.off.length === services.length;
      const latency = off
        ? 10
        : 20 -
          configuration.off.reduce((sum, s) => sum + added[s]!, 0) +
          (round === 2 && configuration === allOn ? 0.2 : 0);
      const cpuMs = Object.fromEntries(
        services.map((s) => [s.name, configuration.off.includes(s.name) ? 1 : 1 + added[s.name]! / 10]),
      );
      runs.push(run(configuration, round, latency + drift, { cpuMs }));
    }
  }
  return runs;
}

describe('summarizeBench', () => {
  it('gives each SDK the latency it adds: all-on minus it off, paired by round so drift cancels', () => {
    const summary = summarizeBench(threeRounds());
    const go = summary.languages.find((o) => o.service === 'api-gateway')!;
    expect(go.language).toBe('go');
    expect(go.against).toBe('go-off');
    expect(go.addedMeanMs.mean).toBeCloseTo(0.5 + 0.2 / 3, 10);
    // The pairs differ by nothing but 0.2 ms in round 2's all-on: a tight interval despite the drift.
    expect(go.addedMeanMs.n).toBe(3);
    expect(go.addedMeanMs.halfWidth).toBeGreaterThan(0);
    expect(go.addedMeanMs.halfWidth).toBeLessThan(0.5);
    expect(summary.languages.find((o) => o.service === 'auth-service')!.addedP50Ms.mean).toBeCloseTo(3 + 0.2 / 3, 10);
    expect(summary.total!.addedMeanMs.mean).toBeCloseTo(10 + 0.2 / 3, 10);
  });

  it('gives each SDK the CPU it costs per request in its own service', () => {
    const summary = summarizeBench(threeRounds());
    const python = summary.languages.find((o) => o.service === 'order-service')!;
    expect(python.addedCpuMsPerRequest.mean).toBeCloseTo(0.2, 10);
    expect(python.addedCpuMsPerRequest.halfWidth).toBeCloseTo(0, 10);
    // all four: the four services' CPU together, all-on minus all-off
    expect(summary.total!.addedCpuMsPerRequest.mean).toBeCloseTo(0.05 + 0.3 + 0.2 + 0.1, 10);
  });

  it('summarizes each configuration over its rounds: percentiles of all requests, mean and throughput with intervals', () => {
    const runs = [run(allOn, 1, 10, { spread: 2 }), run(allOn, 2, 12, { spread: 2 })];
    const [on] = summarizeBench(runs).configurations;
    expect(on!.rounds).toBe(2);
    expect(on!.requests).toBe(6);
    expect(on!.p50Ms).toBe(11); // of 8, 10, 12, 10, 12, 14
    expect(on!.p99Ms).toBeCloseTo(13.9, 10);
    expect(on!.meanMs).toMatchObject({ mean: 11, n: 2 });
    expect(on!.throughput.mean).toBe(3);
    expect(on!.spans).toEqual({ expected: 48, received: 48, lost: 0, fromOff: 0 });
    expect(on!.components.find((c) => c.component === 'otel-collector')!.cpuMsPerRequest.mean).toBeCloseTo(1, 10);
  });

  it('names the first configuration, in the order they ran, that lost a span', () => {
    const runs = [
      run(allOn, 1, 10),
      run(allOff, 1, 5),
      run(offAlone('api-gateway'), 1, 8, { lost: 2 }),
      run(allOn, 2, 10, { lost: 1 }),
    ];
    expect(summarizeBench(runs).firstLoss).toEqual({
      configuration: 'go-off',
      round: 1,
      service: 'order-service',
      lost: 2,
    });
    expect(summarizeBench(runs.slice(0, 2)).firstLoss).toBeUndefined();
  });

  it("keeps the whole chain's peak memory against its 1 GiB limit", () => {
    const summary = summarizeBench([run(allOn, 1, 10)]);
    expect(summary.peakChainRssBytes).toBe(500 * 1024 ** 2);
    expect(summary.chainMemoryLimitBytes).toBe(chainMemoryLimitBytes);
    expect(summary.languages).toEqual([]); // nothing to compare all-on with
  });
});

function benchResult(runs: ConfigurationRun[]): BenchResult {
  return {
    runtime: 'local',
    options: { requests: 3, concurrency: 2, rounds: 3, warmup: 1, timeLimitMs: 60_000 },
    runs,
    summary: summarizeBench(runs),
    ok: true,
    durationMs: 61_000,
  };
}

describe('bench reporters', () => {
  it('JSON: every configuration, each SDK with the article’s claim, the interval method, each run', () => {
    const json = JSON.parse(benchReporters.json(benchResult(threeRounds())));
    expect(json.schemaVersion).toBe(1);
    expect(json.configurations.map((c: { name: string }) => c.name)).toEqual(benchConfigurations.map((c) => c.name));
    expect(json.languages.find((l: { service: string }) => l.service === 'order-service').articleClaim).toBe(
      '1–2 ms per instrumented request',
    );
    expect(json.intervals).toContain('t(0.975, n−1)');
    expect(json.runs).toHaveLength(18);
    expect(json.runs[0]).toMatchObject({ configuration: 'all-on', round: 1, sent: 3, failed: 0 });
    expect(json.chainMemory.limitBytes).toBe(1024 ** 3);
  });

  it('terminal: a row per configuration and per SDK beside the article, within 100 columns', () => {
    const text = benchReporters.terminal(benchResult(threeRounds()), { width: 100, colors: colorsFor(false) });
    for (const name of benchConfigurations.map((c) => c.name)) expect(text).toContain(name);
    expect(text).toMatch(/^ {2}python .*\+2\.0\d ± 0\.\d\d .*1–2 ms$/m);
    expect(text).toContain('✓ spans: none lost in any configuration');
    expect(text).toContain('under the 1024 MiB limit');
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
  });

  it('terminal: names the first configuration that lost spans, and one without an interval from a single round', () => {
    const runs = [run(allOn, 1, 10), run(offAlone('auth-service'), 1, 8, { lost: 3 })];
    const text = benchReporters.terminal(benchResult(runs), { width: 100, colors: colorsFor(false) });
    expect(text).toContain('✗ spans lost: first in java-off (round 1): order-service lost 3');
    expect(text).toMatch(/^ {2}java +\+2\.00 /m);
    expect(text).not.toMatch(/^ {2}java .*±/m);
  });
});
