// End-to-end: the real chain (real SDKs, the real Collector, real processes)
// on the local runtime, driven through the CLI as a user runs it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chainPortsFree, chainProcessesAfter, outDir, polytrace, startUntilPartlyUp } from './run-cli.js';

// A cold machine builds the Collector and four services first (several minutes).
const coldBuild = 30 * 60_000;
const warmRun = 5 * 60_000;

interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: string;
  service: string;
  language: string;
}
interface JsonResult {
  schemaVersion: number;
  ok: boolean;
  runtime: string;
  spansFile: string;
  traces: Array<{
    traceId: string;
    ok: boolean;
    status: number;
    checks: Array<{ name: string; ok: boolean; message: string }>;
    spans: JsonSpan[];
  }>;
}

/** Reads the Collector's raw OTLP JSON lines without polytrace's parser: an independent look. */
function rawTraces(
  path: string,
): Map<string, Array<{ spanId: string; parentSpanId: string; language: string; service: string }>> {
  const traces = new Map<string, Array<{ spanId: string; parentSpanId: string; language: string; service: string }>>();
  for (const line of readFileSync(path, 'utf8').split('\n').filter(Boolean)) {
    for (const rs of JSON.parse(line).resourceSpans ?? []) {
      const attr = (key: string) =>
        rs.resource?.attributes?.find((a: { key: string }) => a.key === key)?.value?.stringValue;
      for (const ss of rs.scopeSpans ?? []) {
        for (const span of ss.spans ?? []) {
          const list = traces.get(span.traceId) ?? [];
          list.push({
            spanId: span.spanId,
            parentSpanId: span.parentSpanId ?? '',
            language: attr('telemetry.sdk.language'),
            service: attr('service.name'),
          });
          traces.set(span.traceId, list);
        }
      }
    }
  }
  return traces;
}

describe('polytrace check --runtime local (real chain)', () => {
  it(
    'verifies one connected trace per request across go, java, python and nodejs',
    async () => {
      const result = await polytrace([
        'check',
        '--runtime',
        'local',
        '--json',
        '--requests',
        '3',
        '--out-dir',
        outDir(),
      ]);
      expect(result.exitCode, result.all).toBe(0);
      const json = JSON.parse(result.stdout) as JsonResult;
      expect(json).toMatchObject({ schemaVersion: 1, ok: true, runtime: 'local' });
      expect(json.traces).toHaveLength(3);
      for (const trace of json.traces) {
        expect(trace.checks.filter((c) => !c.ok)).toEqual([]);
        expect(trace.status).toBe(201);
        expect(new Set(trace.spans.map((s) => s.traceId))).toEqual(new Set([trace.traceId]));
        expect(new Set(trace.spans.map((s) => s.language))).toEqual(new Set(['go', 'java', 'python', 'nodejs']));
        expect(trace.spans.length).toBeGreaterThanOrEqual(11);
      }

      const raw = rawTraces(json.spansFile);
      for (const { traceId } of json.traces) {
        const spans = raw.get(traceId) ?? [];
        const ids = new Set(spans.map((s) => s.spanId));
        expect(spans.filter((s) => !s.parentSpanId)).toHaveLength(1);
        expect(spans.filter((s) => s.parentSpanId && !ids.has(s.parentSpanId))).toEqual([]);
        expect(new Set(spans.map((s) => s.language))).toEqual(new Set(['go', 'java', 'python', 'nodejs']));
      }

      expect(Object.values(await chainPortsFree()).every(Boolean)).toBe(true);
      expect(await chainProcessesAfter(3_000)).toEqual([]);
    },
    coldBuild,
  );

  it(
    'traces the 401 path: one connected trace, no order-service span',
    async () => {
      const result = await polytrace([
        'check',
        '--runtime',
        'local',
        '--json',
        '--requests',
        '1',
        '--scenario',
        'unauthorized',
        '--out-dir',
        outDir(),
      ]);
      expect(result.exitCode, result.all).toBe(0);
      const [trace] = (JSON.parse(result.stdout) as JsonResult).traces;
      expect(trace!.status).toBe(401);
      expect(trace!.checks.filter((c) => !c.ok)).toEqual([]);
      expect(trace!.spans.filter((s) => !s.parentSpanId)).toHaveLength(1);
      const services = new Set(trace!.spans.map((s) => s.service));
      expect(services).toEqual(new Set(['polytrace', 'api-gateway', 'auth-service']));
      expect(trace!.spans.find((s) => s.name === 'token.validate')).toBeDefined();
    },
    warmRun,
  );

  it(
    'stops every process it started when interrupted with SIGINT',
    async () => {
      const { run } = await startUntilPartlyUp(['check', '--runtime', 'local', '--out-dir', outDir()]);
      run.kill('SIGINT');
      const result = await run;
      expect(result.exitCode, result.all).toBe(130);
      expect(result.all).toMatch(/interrupted: everything polytrace started has been stopped/);
      expect(result.all).not.toMatch(/\n\s+at /); // no stack trace
      expect(Object.values(await chainPortsFree()).every(Boolean)).toBe(true);
      expect(await chainProcessesAfter(3_000)).toEqual([]);
    },
    warmRun,
  );

  it(
    'leaves nothing running when the CLI itself is killed with SIGKILL',
    async () => {
      const { run } = await startUntilPartlyUp(['check', '--runtime', 'local', '--out-dir', outDir()]);
      run.kill('SIGKILL');
      await run;
      // No handler runs on SIGKILL: the detached reaper notices and stops the process groups.
      expect(await chainProcessesAfter(30_000)).toEqual([]);
      expect(Object.values(await chainPortsFree()).every(Boolean)).toBe(true);
    },
    warmRun,
  );
});
