// End-to-end: the docker path a laptop takes. No polytrace image and no base
// image on the engine; `check --runtime docker` with no base-image build
// arguments makes Docker pull the Dockerfiles' default base images by their
// official names, builds the chain on them and verifies the trace.
//
// No public registry is reachable here, so the official names are served by a
// registry on 127.0.0.1 that the engine uses as its Docker Hub mirror, holding
// polytrace's stand-ins (`images prepare`), shaped like the official images:
// the same paths, users and environment. What a stand-in cannot carry is said
// in the test names: its Node.js is this machine's (20), not the tag's 24; and
// distroless comes from gcr.io, which a Docker Hub mirror does not serve, so
// it alone goes through --base-image.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { which } from '../../src/runtime/which.js';
import { dockerAvailability } from '../../src/runtime/docker/availability.js';
import { chainBaseKinds, officialImages, standInImages } from '../../src/topology/base-images.js';
import type { BaseImageKind } from '../../src/topology/types.js';
import { expectConnectedOrderTraces, expectMessageHops, type JsonResult } from './chain-assertions.js';
import { cli, outDir, polytrace, portBases, portFlags as cliPortFlags, portsAt, repo } from './run-cli.js';
import { loopbackMirror, RegistryMirror } from './registry-mirror.js';

const portFlags = cliPortFlags({
  ...portsAt(portBases.officialImages),
  'rabbitmq.amqp': portBases.officialImages + 10,
});

const availability = await dockerAvailability();
const mirrorUrl = availability.engine.ok ? await loopbackMirror() : undefined;
const missing = [
  !availability.engine.ok && `a Docker engine (${availability.engine.detail})`,
  availability.engine.ok &&
    !mirrorUrl &&
    'an engine whose registry mirror is on 127.0.0.1 (`dockerd --registry-mirror http://127.0.0.1:5000`)',
  !(await which('docker-registry')) && "Debian's docker-registry (apt-get install docker-registry)",
].filter(Boolean);
const ci = process.env.CI === 'true';
if (missing.length > 0 && !ci) {
  const line = '!'.repeat(100);
  console.warn(`\n${line}\n!! SKIPPED: the official-images (laptop path) test needs ${missing.join('; ')}\n${line}\n`);
}

/** Where each kind is served: Docker Hub names through the mirror, distroless under a path of the registry's own. */
const distrolessPath = 'distroless/static-debian13:nonroot';
const kinds: BaseImageKind[] = ['debian', ...chainBaseKinds];

const minutes = (ms: number) => `${Math.floor(ms / 60_000)} min ${((ms % 60_000) / 1000).toFixed(0)} s`;

describe.skipIf(missing.length > 0 && !ci)(
  'the laptop path: Docker pulls the official base images by name (Node stand-in carries Node 20, not 24; distroless through --base-image)',
  () => {
    const registry = new RegistryMirror(mirrorUrl ?? 'http://127.0.0.1:5000');
    const distroless = `${registry.host}/${distrolessPath}`;
    const timings: Record<string, number> = {};
    /** The kinds a run without a broker pulls: all but distroless (through --base-image) and RabbitMQ. */
    const pulledCold = chainBaseKinds.filter((k) => k !== 'distroless-static' && k !== 'rabbitmq');
    /** `check --runtime docker` with no base-image build argument but distroless's; timed. */
    const dockerCheck = async (...extra: string[]) => {
      const started = Date.now();
      const result = await polytrace([
        'check',
        '--runtime',
        'docker',
        '--json',
        '--requests',
        '1',
        '--base-image',
        `distroless-static=${distroless}`,
        ...portFlags,
        '--out-dir',
        outDir(),
        ...extra,
      ]);
      return { result, ms: Date.now() - started };
    };

    beforeAll(async () => {
      // Under CI a missing part fails the test: .ci/run installs and starts them.
      if (missing.length > 0) expect.fail(`Expected ${missing.join('; ')}: .ci/run installs and starts them`);
      // The stand-ins are what the mirror serves; `images prepare` makes them (.ci/run has).
      const have = await Promise.all(
        kinds.map((k) => execa('docker', ['image', 'inspect', standInImages[k]], { reject: false })),
      );
      if (have.some((r) => r.exitCode !== 0)) {
        const prepared = await execa('node', [cli, 'images', 'prepare'], {
          cwd: repo,
          reject: false,
          all: true,
          stdin: 'ignore',
        });
        expect(prepared.exitCode, prepared.all).toBe(0);
      }
      await registry.start();
      for (const kind of kinds) {
        await registry.push(standInImages[kind], kind === 'distroless-static' ? distrolessPath : officialImages[kind]);
      }
      await registry.stop();

      // A machine with none of polytrace's images and none of the bases.
      const cleaned = await polytrace(['clean', '--all']);
      expect(cleaned.exitCode, cleaned.all).toBe(0);
      await execa('docker', ['rmi', ...kinds.map((k) => officialImages[k]), distroless], { reject: false });
      const left = await execa('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}']);
      const names = left.stdout.split('\n');
      expect(names.filter((n) => n.startsWith('polytrace') || Object.values(officialImages).includes(n))).toEqual([]);
    }, 20 * 60_000);

    afterAll(async () => {
      // The pulled images are the stand-ins themselves: named back, the machine is as it was. The
      // Debian one underlies the stand-ins only, so no build pulled it, and a failed step may have
      // left others unpulled: pull what is missing now.
      if (missing.length === 0) {
        await registry.start().catch(() => {});
        for (const kind of kinds.filter((k) => k !== 'distroless-static')) {
          const have = await execa('docker', ['image', 'inspect', officialImages[kind]], { reject: false });
          if (have.exitCode !== 0) await execa('docker', ['pull', '--quiet', officialImages[kind]], { reject: false });
        }
      }
      await registry.stop();
      for (const kind of kinds) {
        const pulled = kind === 'distroless-static' ? distroless : officialImages[kind];
        await execa('docker', ['tag', pulled, standInImages[kind]], { reject: false });
      }
      await execa('docker', ['rmi', ...kinds.map((k) => officialImages[k]), distroless], { reject: false });
      console.log(
        `laptop path: cold ${minutes(timings.cold ?? 0)} (pulls and five builds), warm ${minutes(timings.warm ?? 0)}, async with the broker's pull and build ${minutes(timings.broker ?? 0)}`,
      );
    }, 5 * 60_000);

    it(
      'with the mirror stopped and no images, exits 3 with one line naming the base image and the ways out',
      async () => {
        const result = await polytrace(['check', '--runtime', 'docker', ...portFlags, '--out-dir', outDir()]);
        expect(result.exitCode, result.all).toBe(3);
        const errorLines = result.stderr.split('\n').filter((l) => /could not pull/.test(l));
        expect(errorLines, result.all).toHaveLength(1);
        const bases = Object.values(officialImages)
          .map((i) => i.replace(/[.]/g, '\\.'))
          .join('|');
        expect(errorLines[0]).toMatch(new RegExp(`could not pull base image (${bases}) \\(`));
        expect(errorLines[0]).toMatch(/polytrace images prepare.*images load FILE.*--runtime local/);
        expect(result.all).not.toMatch(/\n\s+at /);
      },
      5 * 60_000,
    );

    it(
      'cold: pulls every base by its official name, shows pull and build progress, and verifies the trace',
      async () => {
        await registry.start();
        const { result, ms } = await dockerCheck();
        timings.cold = ms;
        expect(result.exitCode, result.all).toBe(0);
        expectConnectedOrderTraces(JSON.parse(result.stdout) as JsonResult, 'docker', 1);
        for (const kind of pulledCold) {
          expect(result.stderr).toContain(`pulling base image ${officialImages[kind]}…`);
          expect(result.stderr).toMatch(
            new RegExp(`pulled ${officialImages[kind].replace(/[.]/g, '\\.')} in [\\d.]+s`),
          );
          // Pulled under its official name: the engine has it by that name now.
          expect((await execa('docker', ['image', 'inspect', officialImages[kind]], { reject: false })).exitCode).toBe(
            0,
          );
        }
        expect(result.stderr).toMatch(/base images: the Dockerfiles' official ones/);
        expect(result.stderr).toMatch(/built polytrace\/auth-service:dev in/);
      },
      30 * 60_000,
    );

    it(
      'warm: nothing pulled or built again',
      async () => {
        const { result, ms } = await dockerCheck();
        timings.warm = ms;
        expect(result.exitCode, result.all).toBe(0);
        expect(result.stderr).not.toMatch(/pulling|building/);
        expect(result.stderr).toMatch(/polytrace\/auth-service:dev is up to date/);
      },
      10 * 60_000,
    );

    it(
      'the async scenario: pulls rabbitmq by its official name, builds the broker image alone, and the message hop verifies',
      async () => {
        const { result, ms } = await dockerCheck('--scenario', 'async');
        timings.broker = ms;
        expect(result.exitCode, result.all).toBe(0);
        const json = JSON.parse(result.stdout) as JsonResult;
        expectConnectedOrderTraces(json, 'docker', 1);
        expectMessageHops(json, 'parent');
        expect(result.stderr).toContain(`pulling base image ${officialImages.rabbitmq}…`);
        expect(result.stderr).toMatch(/built polytrace\/rabbitmq:dev in/);
        expect(result.stderr).not.toMatch(/building polytrace\/(?!rabbitmq)/);
      },
      10 * 60_000,
    );
  },
);
