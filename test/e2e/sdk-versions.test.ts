// End-to-end: `--sdk` builds the chain with other OpenTelemetry versions on
// the local runtime, and the spans say which ones really ran. One cell of the
// version matrix here, Go otel 1.41.0 with Java agent 2.25.0, is the one a
// propagation break shows in (agent 2.26.0 and newer start traces with the
// W3C Level 2 random flag, which Go otel 1.41.0 and older refuse); it runs JS
// 1.30.1 beside them. The other runs the JS 3.x line on Node 24, Python
// 1.42.1 and an older Collector: each line a run can change, in two runs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseOtlpJsonLines } from '../../src/intake/otlp-json.js';
import { missingToolchains } from '../../src/runtime/toolchains.js';
import { localTargets } from '../../src/runtime/local/build-targets.js';
import { expectConnectedOrderTraces, type JsonResult } from './chain-assertions.js';
import { outDir, polytrace, portBases, portFlags, portsAt } from './run-cli.js';

const ci = process.env.CI === 'true';
const missing = await missingToolchains(localTargets.flatMap((t) => t.recipe.toolchains));
// On CI a missing toolchain is a failure, not a reason to skip.
const runnable = missing.length === 0 || ci;

const cell = ['--sdk', 'go=1.41.0', '--sdk', 'java=2.25.0', '--sdk', 'nodejs=1.30.1'];
const newerCell = ['--sdk', 'nodejs=3.0.0', '--sdk', 'python=1.42.1', '--sdk', 'collector=0.155.0'];
const components = ['otel-collector', 'api-gateway', 'auth-service', 'order-service', 'notification-service'];
const coldBuild = 30 * 60_000;

interface SdkJson extends JsonResult {
  sdks: Array<{ service: string; language: string; name: string; version: string; distro?: string }>;
  sdkChecks: Array<{ name: string; ok: boolean; message: string }>;
  metrics: { ok: boolean; checks: Array<{ name: string; ok: boolean; message: string }> };
}

/**
 * Agent 2.25.0 (its SDK 1.59.0) loses its last metrics export at shutdown in about half the runs
 * ("stream was reset: CANCEL" in its log), and the metric checks rightly say so. The cell's claim is
 * about propagation: a run may fail on that alone (exit 1, only auth-service's metrics missing);
 * any other failed check still fails the test, and every trace is checked whole below.
 */
function expectVerifiedBesidesAuthMetrics(exitCode: number | undefined, json: SdkJson, all: string): void {
  if (exitCode === 0) return;
  expect(exitCode, all).toBe(1);
  const failed = json.metrics.checks.filter((c) => !c.ok);
  expect(failed.length, all).toBeGreaterThan(0);
  expect(
    failed.filter((c) => !/^auth-service|auth-service[ :]/.test(c.message)),
    all,
  ).toEqual([]);
  expect(
    json.traces.every((t) => t.ok),
    all,
  ).toBe(true);
}

describe('polytrace check --sdk (local runtime)', () => {
  it.runIf(runnable)(
    'verifies Go otel 1.41.0 with Java agent 2.25.0, the spans name those versions, and a second run builds nothing',
    async () => {
      expect(missing, 'the local runtime needs these toolchains').toEqual([]);
      const checkOnce = async () => {
        const result = await polytrace([
          'check',
          '--runtime',
          'local',
          '--requests',
          '1',
          '--json',
          ...cell,
          ...portFlags(portsAt(portBases.linesDefaultJs)),
          '--out-dir',
          outDir(),
        ]);
        const json = JSON.parse(result.stdout) as SdkJson;
        expectVerifiedBesidesAuthMetrics(result.exitCode, json, result.all);
        // The traces are checked whole, whatever the metrics said.
        return { json: { ...json, ok: true }, stderr: result.stderr };
      };
      const first = await checkOnce();
      expectConnectedOrderTraces(first.json, 'local', 1);
      expect(first.stderr).toMatch(/versions: go 1\.41\.0 .*otelhttp v0\.66\.0.*java 2\.25\.0.*nodejs 1\.30\.1 \(/);
      const ran = Object.fromEntries(first.json.sdks.map((s) => [s.service, s]));
      expect(ran['api-gateway']).toMatchObject({ language: 'go', version: '1.41.0' });
      expect(ran['auth-service']?.distro).toMatch(/ 2\.25\.0$/);
      expect(ran['notification-service']).toMatchObject({ language: 'nodejs', version: '1.30.1' });
      expect(first.json.sdkChecks.map((c) => [c.ok, c.message])).toEqual(
        first.json.sdkChecks.map((c) => [true, c.message]),
      );
      expect(first.json.sdkChecks).toHaveLength(3);

      const second = await checkOnce();
      expectConnectedOrderTraces(second.json, 'local', 1);
      for (const component of components) expect(second.stderr).toContain(`${component} is up to date`);
    },
    coldBuild,
  );

  it.runIf(runnable)(
    'verifies JS 3.0.0 on Node 24 with Python 1.42.1 and Collector v0.155.0, from the spans, and a second run builds nothing',
    async () => {
      expect(missing, 'the local runtime needs these toolchains').toEqual([]);
      const checkOnce = async () => {
        const args = ['check', '--runtime', 'local', '--requests', '1', '--json', ...newerCell];
        const result = await polytrace([...args, ...portFlags(portsAt(portBases.lines)), '--out-dir', outDir()]);
        expect(result.exitCode, result.all).toBe(0);
        const json = JSON.parse(result.stdout) as SdkJson;
        expectConnectedOrderTraces(json, 'local', 1);
        return { json, stderr: result.stderr };
      };
      const first = await checkOnce();
      // The first lines say which Node runs the service, and that it came from the npm registry.
      expect(first.stderr).toMatch(/versions: .*nodejs 3\.0\.0 \(.*on Node 24\.\d+\.\d+ from the npm registry\)/);
      expect(first.stderr).toMatch(/python 1\.42\.1 .*opentelemetry-instrumentation-flask 0\.63b1/);
      expect(first.stderr).toMatch(/collector 0\.155\.0 /);
      // What ran, from the spans' own resource in the Collector's file.
      const { spans } = parseOtlpJsonLines(readFileSync(first.json.spansFile, 'utf8'));
      const notify = spans.filter((s) => s.service === 'notification-service');
      expect(notify.length).toBeGreaterThan(0);
      for (const span of notify) {
        expect(span.resource['process.runtime.version']).toMatch(/^24\./);
        expect(span.resource['telemetry.sdk.version']).toMatch(/^3\./);
      }
      const ran = Object.fromEntries(first.json.sdks.map((s) => [s.service, s]));
      expect(ran['order-service']).toMatchObject({ language: 'python', version: '1.42.1' });
      expect(first.json.sdkChecks.filter((c) => !c.ok)).toEqual([]);
      expect(first.json.sdkChecks).toHaveLength(2);

      const second = await checkOnce();
      for (const component of components) expect(second.stderr).toContain(`${component} is up to date`);
    },
    coldBuild,
  );

  it.each([
    [['--sdk', 'go=1.41'], /Expected --sdk go=MAJOR\.MINOR\.PATCH/],
    [['--sdk', 'rust=1.0.0'], /one of go, java, python, nodejs, collector, got "rust"/],
    [['--sdk', 'go=1.41.0', '--runtime', 'docker'], /Expected --runtime local or auto with --sdk, got docker/],
  ])('gives exit 2 and one line for %j', async (flags, message) => {
    const result = await polytrace(['check', ...flags, '--out-dir', outDir()]);
    expect(result.exitCode, result.all).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it.runIf(runnable)('gives exit 2 and lists the releases for a version the registry does not have', async () => {
    const result = await polytrace(['check', '--runtime', 'local', '--sdk', 'go=1.41.9', '--out-dir', outDir()]);
    expect(result.exitCode, result.all).toBe(2);
    expect(result.stderr).toMatch(/got 1\.41\.9; released from 1\.41\.0: 1\.41\.0, 1\.42\.0/);
  });

  it.runIf(runnable)('gives exit 2 and lists what exists for a JS version npm does not have', async () => {
    const result = await polytrace(['check', '--runtime', 'local', '--sdk', 'nodejs=2.12.9', '--out-dir', outDir()]);
    expect(result.exitCode, result.all).toBe(2);
    expect(result.stderr).toMatch(/got 2\.12\.9; released from 1\.30\.1: .*2\.12\.0, 2\.12\.1, 3\.0\.0/);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^polytrace: /);
  });
});
