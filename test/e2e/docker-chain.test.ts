// End-to-end: the real chain in containers (the docker runtime, testcontainers)
// driven through the built CLI, asserting what the local runtime's test asserts,
// plus that no container or network of the run is left: after a normal run,
// after SIGINT, and (through the reaper) after SIGKILL.
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { createServer } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkJson,
  expectConnectedOrderTraces,
  expectInterrupted,
  expectMessageHops,
  expectUnauthorizedTrace,
} from './chain-assertions.js';
import { coldBuild, engineWithImages, leftovers, runsDocker, warnIfSkipped } from './docker-engine.js';
import {
  chainPortsFree,
  cli,
  movedPorts,
  outDir,
  polytrace,
  portBases,
  portFlags as flagsFor,
  portsAt,
  startUntilPartlyUp,
} from './run-cli.js';

// Moved ports: this test must not clash with a local chain or a person's run on the defaults.
const ports = movedPorts;
const portFlags = Object.entries(ports).flatMap(([name, port]) => ['--port', `${name}=${port}`]);

const warmRun = 5 * 60_000;

warnIfSkipped('the docker end-to-end tests');

async function leftoversAfter(runId: string, ms: number): Promise<string[]> {
  const deadline = Date.now() + ms;
  let left = await leftovers(runId);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    left = await leftovers(runId);
  }
  return left;
}

/** The run's id is its folder's name, and the value of its containers' run label. */
const runIdIn = (dir: string) => readdirSync(dir)[0] ?? '';

describe.skipIf(!runsDocker)('polytrace check --runtime docker (real chain in containers)', () => {
  // `npm test` does its own set-up: with no images to build from, prepare them as the README says.
  beforeAll(engineWithImages, coldBuild);

  it(
    'verifies one connected trace per request across go, java, python and nodejs, and leaves nothing',
    async () => {
      const { json, stderr } = await checkJson(['--runtime', 'docker', '--requests', '3', ...portFlags]);
      expectConnectedOrderTraces(json, 'docker', 3);
      expect(stderr).toMatch(/^polytrace ▸ runtime: docker/);

      expect(await leftovers(basename(dirname(json.spansFile)))).toEqual([]);
      expect(Object.values(await chainPortsFree(ports)).every(Boolean)).toBe(true);
    },
    coldBuild,
  );

  it(
    "two checks at once on the docker runtime (free ports each) both verify; the spans file is the user's alone",
    async () => {
      const [first, second] = await Promise.all([
        checkJson(['--runtime', 'docker', '--requests', '1']),
        checkJson(['--runtime', 'docker', '--requests', '1']),
      ]);
      for (const { json } of [first, second]) {
        expectConnectedOrderTraces(json, 'docker', 1);
        expect(statSync(json.spansFile).mode & 0o777).toBe(0o600);
        expect(statSync(dirname(json.spansFile)).mode & 0o777).toBe(0o700);
      }
    },
    warmRun,
  );

  it(
    'a busy port gives the same one line and exit 3 as the local runtime',
    async () => {
      const holder = createServer();
      await new Promise<void>((resolve) => holder.listen(ports['auth-service'], '127.0.0.1', resolve));
      try {
        const result = await polytrace(['check', '--runtime', 'docker', ...portFlags, '--out-dir', outDir()]);
        expect(result.exitCode, result.all).toBe(3);
        const errorLines = result.stderr.split('\n').filter((l) => l.startsWith('polytrace:'));
        expect(errorLines).toEqual([
          `polytrace: port ${ports['auth-service']} (auth-service) is already in use on 127.0.0.1: stop what holds it, or move polytrace with --port auth-service=<free port>`,
        ]);
      } finally {
        await new Promise((resolve) => holder.close(resolve));
      }
    },
    warmRun,
  );

  it(
    "clock-skew: order-service's clock set 2 s ahead inside its container (the image's libfaketime) is reported",
    async () => {
      const result = await polytrace([
        'check',
        '--runtime',
        'docker',
        '--scenario',
        'clock-skew',
        '--requests',
        '1',
        '--expect-broken',
        ...portFlags,
        '--out-dir',
        outDir(),
      ]);
      expect(result.exitCode, result.all).toBe(0);
      expect(result.stdout.replace(/\s+/g, ' ')).toMatch(
        /order-service's clock is \+(1\.[6-9]|2\.[0-4])\d s off polytrace's/,
      );
    },
    warmRun,
  );

  it(
    'async: an order event through a RabbitMQ container, the consumer the child of the producer (and, with --links, a linked trace); nothing left',
    async () => {
      // Ports of their own; the broker's AMQP port is picked free by check itself.
      const asyncPorts = portsAt(portBases.asyncDocker);
      const { json, stderr } = await checkJson([
        '--runtime',
        'docker',
        '--scenario',
        'async',
        '--requests',
        '2',
        ...flagsFor(asyncPorts),
      ]);
      expect(stderr).toMatch(/rabbitmq is ready on amqp:\/\/127\.0\.0\.1:\d+/);
      expect(json.traces.every((t) => t.ok)).toBe(true);
      expectMessageHops(json, 'parent');
      expect(await leftovers(basename(dirname(json.spansFile)))).toEqual([]);

      const linked = await checkJson([
        '--runtime',
        'docker',
        '--scenario',
        'async',
        '--links',
        '--requests',
        '1',
        ...flagsFor(asyncPorts),
      ]);
      expect(linked.json.traces[0]!.checks.map((c) => c.message).join('\n')).toMatch(/the trace continues by link/);
      expectMessageHops(linked.json, 'link');
      expect(Object.values(await chainPortsFree(asyncPorts)).every(Boolean)).toBe(true);
    },
    coldBuild,
  );

  it(
    'traces the 401 path: one connected trace, no order-service span',
    async () => {
      const { json } = await checkJson([
        '--runtime',
        'docker',
        '--requests',
        '1',
        '--scenario',
        'unauthorized',
        ...portFlags,
      ]);
      expectUnauthorizedTrace(json);
    },
    warmRun,
  );

  it(
    'removes every container and the network when interrupted with SIGINT',
    async () => {
      const dir = outDir();
      const { run } = await startUntilPartlyUp(['check', '--runtime', 'docker', ...portFlags, '--out-dir', dir]);
      run.kill('SIGINT');
      const result = await run;
      expectInterrupted(result);
      expect(await leftovers(runIdIn(dir))).toEqual([]);
      expect(Object.values(await chainPortsFree(ports)).every(Boolean)).toBe(true);
    },
    warmRun,
  );

  it(
    'leaves no container running long when the CLI itself is killed with SIGKILL',
    async () => {
      const dir = outDir();
      const { run } = await startUntilPartlyUp(['check', '--runtime', 'docker', ...portFlags, '--out-dir', dir]);
      expect(await leftovers(runIdIn(dir))).not.toEqual([]);
      run.kill('SIGKILL');
      await run;
      // No handler runs on SIGKILL: the detached reaper sees its pipe close and removes the run.
      expect(await leftoversAfter(runIdIn(dir), 60_000)).toEqual([]);
      expect(Object.values(await chainPortsFree(ports)).every(Boolean)).toBe(true);
    },
    warmRun,
  );
});
