// End-to-end: `polytrace bench` with small numbers on the real chain (local runtime), through
// the CLI as a user runs it. The spans of each configuration are read again from the
// Collector's raw OTLP JSON, without polytrace's parser: an SDK turned off sent nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chainPortsFree, outDir, polytrace, portBases, portFlags, portsAt } from './run-cli.js';

/** Clear of the other e2e tests' ports. */
const benchPorts = portsAt(portBases.bench);

const configurations = ['all-on', 'all-off', 'go-off', 'java-off', 'python-off', 'nodejs-off'];
const components = ['otel-collector', 'api-gateway', 'auth-service', 'order-service', 'notification-service'];

interface BenchJson {
  ok: boolean;
  runtime: string;
  configurations: Array<{
    name: string;
    off: string[];
    requests: number;
    failed: number;
    p50Ms: number;
    p99Ms: number;
    spans: { expected: number; received: number; lost: number; fromOff: number };
    components: Array<{ component: string; peakRssBytes: number; cpuMsPerRequest: { mean: number } }>;
    chainPeakRssBytes: number;
  }>;
  languages: Array<{ service: string; addedMeanMs: { mean: number }; articleClaim: string }>;
  runs: Array<{ configuration: string; runDir: string }>;
  chainMemory: { peakBytes: number; limitBytes: number };
}

/** service.name of every span in a run's spans.jsonl, read as plain JSON. */
function rawSpanServices(runDir: string): string[] {
  const services: string[] = [];
  for (const line of readFileSync(join(runDir, 'spans.jsonl'), 'utf8').split('\n').filter(Boolean)) {
    for (const rs of JSON.parse(line).resourceSpans ?? []) {
      const name = rs.resource?.attributes?.find((a: { key: string }) => a.key === 'service.name')?.value?.stringValue;
      const count = (rs.scopeSpans ?? []).reduce(
        (sum: number, ss: { spans?: unknown[] }) => sum + (ss.spans?.length ?? 0),
        0,
      );
      for (let i = 0; i < count; i++) services.push(name);
    }
  }
  return services;
}

describe('polytrace bench (real chain, local runtime)', () => {
  it(
    'measures every configuration, loses no span with every SDK on, and reads each service’s memory',
    async () => {
      const result = await polytrace([
        'bench',
        '--requests',
        '40',
        '--concurrency',
        '4',
        '--rounds',
        '1',
        '--warmup',
        '10',
        '--json',
        '--out-dir',
        outDir(),
        ...portFlags(benchPorts),
      ]);
      expect(result.exitCode, result.all).toBe(0);
      const json = JSON.parse(result.stdout) as BenchJson;
      expect(json.ok).toBe(true);
      expect(json.runtime).toBe('local');
      expect(json.configurations.map((c) => c.name)).toEqual(configurations);

      const allOn = json.configurations.find((c) => c.name === 'all-on')!;
      // 50 orders (10 warm-up, 40 measured), 14 spans each: 5 gateway, 2 auth, 5 orders, 2 notify.
      expect(allOn.spans).toEqual({ expected: 700, received: 700, lost: 0, fromOff: 0 });
      for (const c of json.configurations) {
        expect(c.requests).toBe(40);
        expect(c.failed).toBe(0);
        expect(c.p99Ms).toBeGreaterThanOrEqual(c.p50Ms);
        expect(c.spans.lost).toBe(0);
        expect(c.components.map((u) => u.component).sort()).toEqual([...components].sort());
        for (const usage of c.components) expect(usage.peakRssBytes).toBeGreaterThan(1024 ** 2);
        expect(c.chainPeakRssBytes).toBeLessThan(json.chainMemory.limitBytes);
      }
      expect(json.languages.map((l) => l.service)).toEqual(components.slice(1));
      expect(json.languages.every((l) => Number.isFinite(l.addedMeanMs.mean) && l.articleClaim)).toBe(true);

      // Independently of polytrace's parser: every service's spans with all on, none with all
      // off, and none of the one service turned off alone.
      const runOf = (name: string) => json.runs.find((r) => r.configuration === name)!.runDir;
      expect(new Set(rawSpanServices(runOf('all-on')))).toEqual(new Set(components.slice(1)));
      expect(rawSpanServices(runOf('all-off'))).toEqual([]);
      for (const c of json.configurations.filter((c) => c.off.length === 1)) {
        const services = rawSpanServices(runOf(c.name));
        expect(services, c.name).not.toContain(c.off[0]);
        expect(services.length, c.name).toBeGreaterThan(0);
      }

      expect(Object.values(await chainPortsFree(benchPorts)).every(Boolean)).toBe(true);
    },
    5 * 60_000,
  );

  it('refuses the docker runtime as a usage error, before starting anything', async () => {
    const result = await polytrace(['bench', '--runtime', 'docker']);
    expect(result.exitCode).toBe(2);
    expect(result.all).toContain('Expected --runtime local or auto for bench, got docker');
    expect(result.all).not.toMatch(/\n\s+at /); // no stack trace
  });

  it(
    "--timeline: a phase per step of a warm check, each component's start and stop, the verdict after the last answer, and each component's memory",
    async () => {
      const result = await polytrace([
        'bench',
        '--timeline',
        '--runs',
        '2',
        '--runtime',
        'local',
        '--json',
        '--out-dir',
        outDir(),
        ...portFlags(benchPorts),
      ]);
      expect(result.exitCode, result.all).toBe(0);
      const json = JSON.parse(result.stdout) as {
        ok: boolean;
        scenario: string;
        runtimes: Array<{
          runtime: string;
          runs: Array<{ ok: boolean; totalMs: number }>;
          phases: Array<{ name: string; startMs: number; durationMs: number; runs: number }>;
          totalMs: number;
          verdictAfterAnswerMs: number;
          rssBytes: { components: Record<string, number>; chain: number };
        }>;
      };
      expect(json.ok).toBe(true);
      expect(json.scenario).toBe('happy');
      const [local] = json.runtimes;
      expect(local!.runtime).toBe('local');
      expect(local!.runs.map((r) => r.ok)).toEqual([true, true]);
      const phases = local!.phases.map((p) => p.name);
      for (const phase of ['preflight', 'build check', 'start', 'requests', 'spans', 'verify', 'teardown']) {
        expect(phases, phase).toContain(phase);
      }
      for (const component of components) {
        expect(phases).toContain(`start ${component}`);
        expect(phases).toContain(`stop ${component}`);
        expect(local!.rssBytes.components[component], component).toBeGreaterThan(1024 ** 2);
      }
      // The phases happen in order: the request after every start, the verdict after the request.
      const at = (name: string) => local!.phases.find((p) => p.name === name)!;
      expect(at('requests').startMs).toBeGreaterThanOrEqual(
        at('start auth-service').startMs + at('start auth-service').durationMs - 1,
      );
      expect(at('spans').startMs).toBeGreaterThanOrEqual(at('requests').startMs);
      expect(local!.verdictAfterAnswerMs).toBeCloseTo(at('spans').durationMs + at('verify').durationMs, 0);
      expect(local!.rssBytes.chain).toBeGreaterThan(local!.rssBytes.components['auth-service']!);
      expect(Object.values(await chainPortsFree(benchPorts)).every(Boolean)).toBe(true);
    },
    5 * 60_000,
  );

  it('--timeline takes no load flags: one request a check (exit 2, one line)', async () => {
    const result = await polytrace(['bench', '--timeline', '--requests', '5']);
    expect(result.exitCode).toBe(2);
    expect(result.all).toContain('Expected no --requests with --timeline');
    expect(result.all).not.toMatch(/\n\s+at /);
  });
});
