// End-to-end: `--sdk` on the docker runtime. Two lines other than the
// default, in two languages built two ways: Go 1.41.0 (`go get` in a pinned
// copy of the gateway's context) and JS 3.0.0 (a lock npm wrote, installed by
// the Dockerfile's `npm ci`), which needs Node 22.15 or newer and so runs on
// the Node 24 of the image. The spans say what ran; a second run of the same
// set prepares and builds nothing.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseOtlpJsonLines } from '../../src/intake/otlp-json.js';
import { expectConnectedOrderTraces, type JsonResult } from './chain-assertions.js';
import { coldBuild, engineWithImages, runsDocker, warnIfSkipped } from './docker-engine.js';
import { outDir, polytrace, portBases, portFlags, portsAt } from './run-cli.js';

warnIfSkipped('the docker --sdk end-to-end test');

const cell = ['--sdk', 'go=1.41.0', '--sdk', 'nodejs=3.0.0'];
const components = ['otel-collector', 'api-gateway', 'auth-service', 'order-service', 'notification-service'];

interface SdkJson extends JsonResult {
  sdks: Array<{ service: string; language: string; name: string; version: string }>;
  sdkChecks: Array<{ name: string; ok: boolean; message: string }>;
  directions: unknown[] | null;
  directionsNotTried?: string;
}

describe.skipIf(!runsDocker)('polytrace check --runtime docker --sdk', () => {
  // Cold: the pinned gateway and notification-service images, and any image of the chain not built yet.
  beforeAll(engineWithImages, coldBuild);

  it(
    'verifies Go 1.41.0 and JS 3.0.0 on Node 24 in containers, from the spans, and a second run builds nothing',
    async () => {
      const checkOnce = async () => {
        const args = ['check', '--runtime', 'docker', '--requests', '1', '--json', ...cell];
        const result = await polytrace([...args, ...portFlags(portsAt(portBases.dockerSdk)), '--out-dir', outDir()]);
        expect(result.exitCode, result.all).toBe(0);
        const json = JSON.parse(result.stdout) as SdkJson;
        expectConnectedOrderTraces(json, 'docker', 1);
        return { json, stderr: result.stderr };
      };
      const first = await checkOnce();
      expect(first.stderr).toMatch(/versions: go 1\.41\.0.*nodejs 3\.0\.0/);
      // Each pinned line has an image of its own; the checkout's :dev images stay as they are.
      expect(first.stderr).toMatch(/starting api-gateway \(polytrace\/api-gateway:sdk-[0-9a-f]{12}\)/);
      expect(first.stderr).toMatch(
        /starting notification-service \(polytrace\/notification-service:sdk-[0-9a-f]{12}\)/,
      );
      expect(first.stderr).toMatch(/starting order-service \(polytrace\/order-service:dev\)/);

      // What ran, from the spans' own resource in the Collector's file.
      const { spans } = parseOtlpJsonLines(readFileSync(first.json.spansFile, 'utf8'));
      const of = (service: string) => spans.filter((s) => s.service === service);
      expect(of('notification-service').length).toBeGreaterThan(0);
      for (const span of of('notification-service')) {
        expect(span.resource['telemetry.sdk.version']).toBe('3.0.0');
        expect(span.resource['process.runtime.version']).toMatch(/^24\./);
      }
      expect(of('api-gateway').length).toBeGreaterThan(0);
      for (const span of of('api-gateway')) expect(span.resource['telemetry.sdk.version']).toBe('1.41.0');
      expect(first.json.sdkChecks.map((c) => c.ok)).toEqual([true, true]);
      // The directions need the local runtime, and the verdict says so.
      expect(first.json.directions).toBeNull();
      expect(first.json.directionsNotTried).toMatch(/judged by the local runtime only/);

      const second = await checkOnce();
      for (const component of components) {
        expect(second.stderr).toMatch(new RegExp(`${component}.*is up to date`));
      }
      expect(second.stderr).not.toMatch(/pinning a copy|building polytrace/);
    },
    coldBuild,
  );
});
