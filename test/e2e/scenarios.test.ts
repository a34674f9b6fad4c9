// End-to-end: each pitfall of the article, caused for real by one setting of a
// real service, is found and explained by the verifier (--expect-broken).
import { describe, expect, it } from 'vitest';
import { scenarios } from '../../src/scenarios/catalog.js';
import { outDir, polytrace } from './run-cli.js';

const perRun = 5 * 60_000;

/** `polytrace check --runtime local` with these flags, in a fresh out-dir. */
const localCheck = (flags: string[]) => polytrace(['check', '--runtime', 'local', ...flags, '--out-dir', outDir()]);

interface JsonResult {
  ok: boolean;
  metrics: { ok: boolean; diagnosis?: { hop: string; cause: string } };
  expectation: { met: boolean; message: string } | null;
  traces: Array<{ ok: boolean; diagnosis: { hop: string; cause: string; message: string } | null }>;
}

describe('scenarios on the real chain (local runtime)', () => {
  it.each(scenarios.filter((s) => s.breaks).map((s) => [s.name, s.breaks!] as const))(
    '%s: the break is found at its hop, as its cause',
    async (name, breaks) => {
      const result = await localCheck(['--scenario', name, '--expect-broken', '--json']);
      expect(result.exitCode, result.stderr).toBe(0);
      const json = JSON.parse(result.stdout) as JsonResult;
      expect(json.expectation?.met).toBe(true);
      if (breaks.cause === 'semconv-mismatch') {
        // A break in the metrics: the traces stay whole.
        expect(json.metrics.diagnosis).toMatchObject(breaks);
        return;
      }
      const brokenTraces = json.traces.filter((t) => !t.ok);
      expect(brokenTraces.length).toBeGreaterThan(0);
      for (const trace of brokenTraces) expect(trace.diagnosis).toMatchObject(breaks);
    },
    perRun,
  );

  it(
    'without --expect-broken a broken scenario exits 1 and names the hop and the cause',
    async () => {
      const result = await localCheck(['--scenario', 'propagator-mismatch', '--requests', '1']);
      expect(result.exitCode).toBe(1);
      // The terminal report wraps long sentences: compare with the line breaks folded.
      expect(result.stdout.replace(/\s+/g, ' ')).toMatch(
        /order-service → notification-service: notification-service started a new trace: order-service sent W3C traceparent headers but notification-service expects B3/,
      );
    },
    perRun,
  );

  it(
    'clock-skew: order-service 2 s ahead (libfaketime), the trace stays whole, exit 0, and a warning names it and the offset',
    async () => {
      const result = await localCheck(['--scenario', 'clock-skew', '--requests', '2', '--json']);
      expect(result.exitCode, result.stderr).toBe(0);
      const json = JSON.parse(result.stdout) as JsonResult & {
        traces: Array<{ clockSkews: Array<{ service: string; offsetMs: number }> }>;
      };
      for (const trace of json.traces) {
        expect(trace.ok).toBe(true);
        const [skew] = trace.clockSkews;
        expect(skew?.service).toBe('order-service');
        expect(Math.abs(skew!.offsetMs - 2000)).toBeLessThanOrEqual(400);
      }
      const judged = await localCheck(['--scenario', 'clock-skew', '--requests', '1', '--expect-broken']);
      expect(judged.exitCode, judged.all).toBe(0);
      expect(judged.stdout.replace(/\s+/g, ' ')).toMatch(
        /--expect-broken: Every trace stayed whole, and each warned that order-service's clock is 2 s off/,
      );
    },
    perRun,
  );

  it.each(['propagator-mismatch', 'lost-context'])(
    "%s gives the same verdict and diagnosis with notification-service's clock 2 s ahead",
    async (name) => {
      const result = await localCheck([
        '--scenario',
        name,
        '--clock-skew',
        'notification-service=2',
        '--expect-broken',
        '--json',
      ]);
      expect(result.exitCode, result.stderr).toBe(0);
      const json = JSON.parse(result.stdout) as JsonResult;
      expect(json.expectation?.met).toBe(true);
      for (const trace of json.traces.filter((t) => !t.ok))
        expect(trace.diagnosis).toMatchObject(scenarios.find((s) => s.name === name)!.breaks!);
    },
    perRun,
  );

  it(
    'downstream-error: Node and Python throw, the trace stays connected, every span on the error path is ERROR, exit 0',
    async () => {
      const result = await localCheck(['--scenario', 'downstream-error', '--requests', '2', '--json']);
      expect(result.exitCode, result.stderr).toBe(0);
      const json = JSON.parse(result.stdout) as JsonResult & {
        traces: Array<{ status: number; checks: Array<{ name: string; ok: boolean; message: string }> }>;
      };
      for (const trace of json.traces) {
        expect(trace.ok).toBe(true);
        expect(trace.status).toBe(502);
        expect(trace.checks.find((c) => c.name === 'error-path')?.message).toMatch(
          /All 7 spans on the error path are ERROR; notification-service threw \S+, order-service threw \S+/,
        );
      }
      expect(json.metrics.ok).toBe(true);
    },
    perRun,
  );
});
