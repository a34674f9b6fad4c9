// End-to-end: a room with no network, on the docker runtime. A pack made here carries the
// chain's images and the base images they were built on; the engine is then made to lack them the
// way a new machine does, the pack is unpacked into it, and `check --runtime docker` runs in a
// network namespace with nothing but loopback while the engine, outside it, has its registry
// mirror stopped. The engine's own record says what happened: no pull, no image built or
// retagged, every container started from an image the pack brought.
//
// The engine is shared with other runs, whose images (polytrace/*:dev, polytrace-base/*) must
// stay: this test works on a set of its own under POLYTRACE_IMAGE_NAMESPACE, made from copies of
// the stand-in base images, and removes every image of that set before the unpack and after the
// test, whatever happens.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerAvailability } from '../../src/runtime/docker/availability.js';
import { standInImages } from '../../src/topology/base-images.js';
import { expectConnectedOrderTraces, type JsonResult } from './chain-assertions.js';
import { namespaceMissing } from './no-network.js';
import { PortRelay } from './port-relay.js';
import { loopbackMirror } from './registry-mirror.js';
import { cli, outDir, polytrace, portBases, portFlags, portsAt, repo } from './run-cli.js';
import { collector, services } from '../../src/topology/chain.js';

/** What a run builds: the Collector and the four services. */
const builtComponents = [collector.name, ...services.map((s) => s.name)];

const ci = process.env.CI === 'true';
const minutes = 60_000;
const namespace = 'polytrace-offline-e2e';
const env = { POLYTRACE_IMAGE_NAMESPACE: namespace };
const ports = portsAt(portBases.offlineDocker);
const root = mkdtempSync(join(tmpdir(), 'polytrace-offline-docker-'));
const packFile = join(root, 'pack.tar');
const cache = join(root, 'cache');
const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

const docker = async (...args: string[]) => (await execa('docker', args)).stdout.trim();

/** Every image of this test's own set, as name:tag. */
async function ownImages(): Promise<string[]> {
  const names = await docker('images', '--format', '{{.Repository}}:{{.Tag}}');
  return names.split('\n').filter((n) => n.startsWith(`${namespace}/`) || n.startsWith(`${namespace}-base/`));
}

async function removeOwnImages(): Promise<void> {
  const images = await ownImages();
  if (images.length > 0) await execa('docker', ['rmi', ...images], { reject: false });
}

/** The engine's events of a time window, one JSON object each. */
async function engineEvents(since: number, until: number): Promise<Array<Record<string, any>>> {
  const out = await docker(
    'events',
    '--since',
    String(Math.floor(since / 1000)),
    '--until',
    String(Math.ceil(until / 1000)),
    '--format',
    '{{json .}}',
  );
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, any>);
}

const availability = await dockerAvailability();
const mirror = availability.engine.ok ? await loopbackMirror() : undefined;
const mirrorAnswers = mirror
  ? await fetch(`${mirror}/v2/`, { signal: AbortSignal.timeout(2000) }).then(
      () => true,
      () => false,
    )
  : false;
const standIns = availability.engine.ok
  ? (await docker('images', '--format', '{{.Repository}}:{{.Tag}}')).split('\n')
  : [];
const missing = [
  !availability.engine.ok && `a Docker engine (${availability.engine.detail})`,
  namespaceMissing,
  availability.engine.ok &&
    !Object.values(standInImages).some((image) => standIns.includes(image)) &&
    'the stand-in base images (`polytrace images prepare`)',
].filter(Boolean);
if (missing.length > 0 && !ci) {
  const line = '!'.repeat(100);
  console.warn(`\n${line}\n!! SKIPPED: the offline docker test needs ${missing.join('; ')}\n${line}\n`);
}

describe.skipIf(missing.length > 0 && !ci)('a room with no network, on the docker runtime', () => {
  let unpacked = 0;

  beforeAll(async () => {
    // Under CI a missing part fails the test: .ci/run starts the engine and makes the stand-ins.
    if (missing.length > 0) expect.fail(`Expected ${missing.join('; ')}`);
    // The mirror is the only registry this engine reaches: it must be stopped for the proof.
    expect(mirrorAnswers, `Expected the engine's registry mirror ${mirror} to be stopped`).toBe(false);
    await removeOwnImages();
    // Copies of the stand-ins under this test's names: the pack builds the chain on them (from the
    // engine's build cache when the usual set was built before).
    for (const image of Object.values(standInImages)) {
      if (standIns.includes(image))
        await docker('tag', image, image.replace(/^polytrace-base\//, `${namespace}-base/`));
    }
    const started = Date.now();
    const result = await polytrace(['pack', packFile, '--runtime', 'docker'], {
      ...env,
      POLYTRACE_CACHE_DIR: join(root, 'pack-cache'),
    });
    expect(result.exitCode, result.all).toBe(0);
    console.log(`docker pack: ${(statSync(packFile).size / 2 ** 20).toFixed(0)} MiB in ${seconds(started)}s`);
    // A new machine: none of the set is on the engine.
    await removeOwnImages();
    expect(await ownImages()).toEqual([]);
  }, 30 * minutes);

  afterAll(async () => {
    await removeOwnImages();
    rmSync(root, { recursive: true, force: true });
  }, 5 * minutes);

  it(
    'a truncated pack: one line, exit 4, and nothing reaches the engine',
    async () => {
      const truncated = join(root, 'truncated.tar');
      const bytes = readFileSync(packFile);
      writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.9)));
      const result = await polytrace(['unpack', truncated], { ...env, POLYTRACE_CACHE_DIR: cache });
      rmSync(truncated);
      expect(result.exitCode, result.all).toBe(4);
      expect(result.stderr.split('\n').filter((l) => l.startsWith('polytrace:'))).toHaveLength(1);
      expect(await ownImages()).toEqual([]);
    },
    5 * minutes,
  );

  it(
    'unpack checks the pack, then loads every image into the engine and names each',
    async () => {
      const started = Date.now();
      const result = await polytrace(['unpack', packFile], { ...env, POLYTRACE_CACHE_DIR: cache });
      console.log(`docker unpack: ${seconds(started)}s`);
      expect(result.exitCode, result.all).toBe(0);
      expect(result.stderr).toMatch(/verified and kept images \(\d+ MiB\)/);
      const manifest = JSON.parse(execFileSync('tar', ['-xOf', packFile, 'manifest.json'], { encoding: 'utf8' })) as {
        items: Array<{ kind: string; images?: string[] }>;
      };
      const packed = manifest.items.flatMap((i) => i.images ?? []);
      for (const component of builtComponents) {
        expect(packed).toContain(`${namespace}/${component}:dev`);
      }
      expect(packed.some((image) => image.startsWith(`${namespace}-base/`))).toBe(true);
      expect((await ownImages()).sort()).toEqual([...packed].sort());
      for (const image of packed) expect(result.stdout).toContain(`ready in the engine: ${image}\n`);
      unpacked = Date.now();
    },
    10 * minutes,
  );

  it(
    'check --runtime docker with no network: nothing built, nothing pulled, the trace verified',
    async () => {
      expect(unpacked, 'the unpack above must have passed').toBeGreaterThan(0);
      const ownIds = async () =>
        (await docker('images', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}'))
          .split('\n')
          .filter((line) => line.startsWith(namespace))
          .sort();
      const idsBefore = await ownIds();
      const relay = new PortRelay(Object.values(ports));
      await relay.start();
      const started = Date.now();
      try {
        const [command, ...args] = relay.wrap([
          process.execPath,
          cli,
          'check',
          '--runtime',
          'docker',
          '--requests',
          '1',
          '--json',
          '--out-dir',
          outDir(),
          ...portFlags(ports),
        ]);
        const result = await execa(command!, args, {
          reject: false,
          all: true,
          cwd: repo,
          stdin: 'ignore',
          env: { NO_COLOR: '1', ...env, POLYTRACE_CACHE_DIR: cache },
        });
        const ended = Date.now();
        console.log(`first offline docker check: ${seconds(started)}s`);
        expect(result.exitCode, result.all).toBe(0);
        expectConnectedOrderTraces(JSON.parse(result.stdout) as JsonResult, 'docker', 1);
        // The chain was reached through the relay only.
        expect(relay.relayed()).toContain(ports['api-gateway']);
        for (const component of builtComponents) {
          expect(result.stderr).toContain(`${namespace}/${component}:dev is up to date`);
        }
        expect(result.stderr).not.toMatch(/building |pulling /);

        // The engine's record of the run: no pull at all; no image of this set built, tagged or
        // replaced; every container of the set started from an image the pack brought.
        const events = await engineEvents(started, ended);
        expect(events.filter((e) => e.Type === 'image' && e.Action === 'pull')).toEqual([]);
        const ours = (e: Record<string, any>) =>
          String(e.Actor?.Attributes?.name ?? e.from ?? '').startsWith(namespace);
        expect(events.filter((e) => e.Type === 'image' && ours(e))).toEqual([]);
        const created = events.filter(
          (e) => e.Type === 'container' && e.Action === 'create' && String(e.from).startsWith(`${namespace}/`),
        );
        expect(new Set(created.map((e) => e.from))).toEqual(
          new Set(
            ['otel-collector', 'api-gateway', 'auth-service', 'order-service', 'notification-service'].map(
              (c) => `${namespace}/${c}:dev`,
            ),
          ),
        );
        expect(await ownIds()).toEqual(idsBefore);
      } finally {
        await relay.close();
      }
    },
    20 * minutes,
  );
});
