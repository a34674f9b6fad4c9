// End-to-end: the real chain (real SDKs, the real Collector, real processes)
// on the local runtime, driven through the CLI as a user runs it.
import { describe, expect, it } from 'vitest';
import {
  checkJson,
  expectConnectedOrderTraces,
  expectInterrupted,
  expectUnauthorizedTrace,
} from './chain-assertions.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from '../../src/common/process-alive.js';
import { chainPortsFree, chainProcessesAfter, outDir, polytrace, startUntilPartlyUp } from './run-cli.js';

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

  it(
    'stops a build in progress when the CLI itself is killed with SIGKILL: builds are in the ledger of the run',
    async () => {
      // An empty cache of its own: the run has to build, and is killed while it does.
      const cache = mkdtempSync(join(tmpdir(), 'polytrace-cache-'));
      const dir = outDir();
      const run = polytrace(['check', '--runtime', 'local', '--out-dir', dir], { POLYTRACE_CACHE_DIR: cache });
      await new Promise<void>((resolve) => {
        run.all.on('data', (chunk: Buffer) => {
          if (/building \S+ \(/.test(chunk.toString())) resolve();
        });
        void run.then(() => resolve());
      });
      run.kill('SIGKILL');
      await run;
      const [runId] = readdirSync(dir);
      const groups = readFileSync(join(dir, runId!, 'processes.txt'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => Number(line.split(' ')[0]));
      expect(groups.length).toBeGreaterThan(0);
      const deadline = Date.now() + 30_000;
      while (groups.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      expect(groups.filter(isAlive)).toEqual([]);
      rmSync(cache, { recursive: true, force: true });
    },
    warmRun,
  );
});
