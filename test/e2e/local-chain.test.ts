// End-to-end: the real chain (real SDKs, the real Collector, real processes)
// on the local runtime, driven through the CLI as a user runs it.
import { describe, expect, it } from 'vitest';
import { expectConnectedOrderTraces, expectUnauthorizedTrace, type JsonResult } from './chain-assertions.js';
import { chainPortsFree, chainProcessesAfter, outDir, polytrace, startUntilPartlyUp } from './run-cli.js';

// A cold machine builds the Collector and four services first (several minutes).
const coldBuild = 30 * 60_000;
const warmRun = 5 * 60_000;

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
      expectConnectedOrderTraces(JSON.parse(result.stdout) as JsonResult, 'local', 3);

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
      expectUnauthorizedTrace(JSON.parse(result.stdout) as JsonResult);
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
