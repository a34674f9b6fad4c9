// End-to-end: the real chain (real SDKs, the real Collector, real processes)
// on the local runtime, driven through the CLI as a user runs it.
import { describe, expect, it } from 'vitest';
import {
  checkJson,
  expectConnectedOrderTraces,
  expectInterrupted,
  expectUnauthorizedTrace,
} from './chain-assertions.js';
import { chainPortsFree, chainProcessesAfter, outDir, startUntilPartlyUp } from './run-cli.js';

// A cold machine builds the Collector and four services first (several minutes).
const coldBuild = 30 * 60_000;
const warmRun = 5 * 60_000;

describe('polytrace check --runtime local (real chain)', () => {
  it(
    'verifies one connected trace per request across go, java, python and nodejs',
    async () => {
      const { json } = await checkJson(['--runtime', 'local', '--requests', '3']);
      expectConnectedOrderTraces(json, 'local', 3);

      expect(Object.values(await chainPortsFree()).every(Boolean)).toBe(true);
      expect(await chainProcessesAfter(3_000)).toEqual([]);
    },
    coldBuild,
  );

  it(
    'traces the 401 path: one connected trace, no order-service span',
    async () => {
      const { json } = await checkJson(['--runtime', 'local', '--requests', '1', '--scenario', 'unauthorized']);
      expectUnauthorizedTrace(json);
    },
    warmRun,
  );

  it(
    'stops every process it started when interrupted with SIGINT',
    async () => {
      const { run } = await startUntilPartlyUp(['check', '--runtime', 'local', '--out-dir', outDir()]);
      run.kill('SIGINT');
      const result = await run;
      expectInterrupted(result);
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
