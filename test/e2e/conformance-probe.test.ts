// End-to-end: `polytrace conformance` probes the real chain's POST /w3c/test
// endpoints and reaches the verdict of the official W3C Trace Context suite
// (strict level 1) on these SDKs: Go and Java fail exactly on a duplicated
// traceparent, an empty tracestate field beside another, and several
// tracestate fields (each reads only the first field of a header); Python and
// Node pass every case. The SDK named per service must be the one its spans carry.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processStartTime } from '../../src/runtime/local/process-ledger.js';
import { services } from '../../src/topology/chain.js';
import { chainPortsFree, outDir, polytrace, portFlags, probePorts } from './run-cli.js';

interface ConformanceJson {
  runtime: string;
  runDir: string;
  spansFile: string;
  services: Array<{
    service: string;
    language: string;
    sdk: { name: string; version: string } | null;
    passed: number;
    total: number;
    cases: Array<{ id: string; section: string; ok: boolean; message: string }>;
  }>;
}

const firstFieldOnly = ['traceparent-duplicated', 'tracestate-empty-header', 'tracestate-multiple-headers'];
const expectedFailures: Record<string, string[]> = {
  go: firstFieldOnly,
  java: firstFieldOnly,
  python: [],
  nodejs: [],
};

/** `telemetry.sdk.version` per service.name, read from the Collector's raw OTLP JSON lines. */
function rawSdkVersions(path: string): Map<string, string> {
  const versions = new Map<string, string>();
  for (const line of readFileSync(path, 'utf8').split('\n').filter(Boolean)) {
    for (const rs of JSON.parse(line).resourceSpans ?? []) {
      const attr = (key: string) =>
        rs.resource?.attributes?.find((a: { key: string }) => a.key === key)?.value?.stringValue;
      if (attr('service.name') && attr('telemetry.sdk.version')) {
        versions.set(attr('service.name'), attr('telemetry.sdk.version'));
      }
    }
  }
  return versions;
}

/**
 * The processes of this run's ledger (`processes.txt`) still alive after `ms`: only this run's,
 * since other runs on the machine may share the build cache that chainProcessesAfter looks at.
 */
async function runProcessesAfter(runDir: string, ms: number): Promise<string[]> {
  const recorded = readFileSync(join(runDir, 'processes.txt'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ') as [string, string]);
  const alive = () => recorded.filter(([pid, start]) => processStartTime(Number(pid)) === start).map(([pid]) => pid);
  const deadline = Date.now() + ms;
  while (alive().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
  return alive();
}

describe('polytrace conformance (real chain)', () => {
  it(
    'Go and Java fail exactly the three cases with repeated header fields; Python and Node pass all',
    async () => {
      const dir = outDir();
      const junit = join(dir, 'conformance.xml');
      const run = await polytrace([
        'conformance',
        '--runtime',
        'local',
        '--json',
        '--junit',
        junit,
        ...portFlags(probePorts),
        '--out-dir',
        dir,
      ]);
      expect(run.exitCode, run.all).toBe(0);
      const json = JSON.parse(run.stdout) as ConformanceJson;
      expect(json.runtime).toBe('local');
      expect(json.services.map((s) => s.service)).toEqual(services.map((s) => s.name));

      const raw = rawSdkVersions(json.spansFile);
      for (const service of json.services) {
        const failed = service.cases.filter((c) => !c.ok).map((c) => c.id);
        expect(failed, `${service.service}: ${JSON.stringify(service.cases.filter((c) => !c.ok))}`).toEqual(
          expectedFailures[service.language],
        );
        expect(service.passed).toBe(service.total - failed.length);
        expect(service.sdk?.name).toBe('opentelemetry');
        expect(service.sdk?.version).toBe(raw.get(service.service));
      }
      expect(readFileSync(junit, 'utf8').match(/<testcase /g)).toHaveLength(
        json.services.reduce((n, s) => n + s.total, 0),
      );

      expect(Object.values(await chainPortsFree(probePorts)).every(Boolean)).toBe(true);
      expect(await runProcessesAfter(json.runDir, 3_000)).toEqual([]);
    },
    30 * 60_000,
  );

  it('exits 3 with one line when --running finds no chain', async () => {
    const run = await polytrace(['conformance', '--running', ...portFlags(probePorts)]);
    expect(run.exitCode, run.all).toBe(3);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^polytrace: Expected api-gateway to answer POST http://127\\.0\\.0\\.1:${probePorts['api-gateway']}/w3c/test`,
        ),
      ),
    ]);
  });
});
