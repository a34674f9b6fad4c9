// End-to-end: a room with no network. A pack made here, unpacked into a fresh
// cache, lets `check --runtime local` build and verify the whole chain inside a
// network namespace with nothing but loopback, with every client's global cache
// pointed at an empty folder; the CLI's own dependencies install from it too. A
// damaged pack, or a full disk, leaves the cache as it was.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { namespaceMissing, withNoNetwork } from './no-network.js';
import { cli, outDir, polytrace, portBases, portFlags, portsAt, repo } from './run-cli.js';
import { collector, services } from '../../src/topology/chain.js';

/** What a run builds: the Collector and the four services. */
const builtComponents = [collector.name, ...services.map((s) => s.name)];

const ci = process.env.CI === 'true';
const root = mkdtempSync(join(tmpdir(), 'polytrace-offline-'));
const packFile = join(root, 'pack.tar');
const cache = join(root, 'cache');
const minutes = 60_000;

const goBuildCache = execFileSync('go', ['env', 'GOCACHE'], { encoding: 'utf8' }).trim();

/** Every client's own cache and settings, pointed at empty folders: only the pack may be read. */
function emptyHome(): Record<string, string> {
  const home = join(root, 'home');
  mkdirSync(home, { recursive: true });
  return {
    HOME: home,
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_CONFIG_HOME: join(home, '.config'),
    GOPATH: join(home, 'go'),
    GOMODCACHE: join(home, 'go', 'pkg', 'mod'),
    // Go's compile cache is shared with the machine's: it holds compiled packages, never a module
    // (those come only from the pack), and without it the offline run compiles the Collector anew.
    GOCACHE: goBuildCache,
    npm_config_cache: join(home, '.npm'),
    PIP_CACHE_DIR: join(home, '.cache', 'pip'),
    PIP_FIND_LINKS: join(home, 'wheels'),
    // Maven takes its home (~/.m2) from the JVM's user.home, which comes from the password file.
    MAVEN_OPTS: `-Duser.home=${home}`,
  };
}

/** `check --runtime local` with no network, from the pack unpacked in `cacheDir`, every client's own cache empty. */
function checkOffline(cacheDir: string, flags: string[]) {
  const [command, ...args] = withNoNetwork([
    'node',
    cli,
    'check',
    '--runtime',
    'local',
    ...flags,
    '--out-dir',
    outDir(),
    ...portFlags(portsAt(portBases.offline)),
  ]);
  return execa(command!, args, {
    reject: false,
    all: true,
    cwd: repo,
    stdin: 'ignore',
    env: { NO_COLOR: '1', POLYTRACE_CACHE_DIR: cacheDir, ...emptyHome() },
  });
}

const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

beforeAll(async () => {
  const started = Date.now();
  const result = await polytrace(['pack', packFile], { POLYTRACE_CACHE_DIR: join(root, 'pack-cache') });
  expect(result.exitCode, result.all).toBe(0);
  console.log(`pack: ${(statSync(packFile).size / 2 ** 20).toFixed(0)} MiB in ${seconds(started)}s`);
}, 30 * minutes);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
}, 5 * minutes);

describe('polytrace pack and unpack', () => {
  it(
    "unpack checks every item and says what is ready, in polytrace's cache only",
    async () => {
      const started = Date.now();
      const result = await polytrace(['unpack', packFile], { POLYTRACE_CACHE_DIR: cache });
      expect(result.exitCode, result.all).toBe(0);
      console.log(`unpack: ${seconds(started)}s`);
      for (const item of ['gomod', 'maven', 'wheels', 'npm']) {
        expect(result.stderr).toMatch(new RegExp(`verified and unpacked ${item} \\(\\d+ MiB\\)`));
      }
      expect(result.stdout).toMatch(
        /ready: Maven artifacts of auth-service, with its plugins and the Java agent \(java \d/,
      );
      expect(readdirSync(cache).sort()).toEqual(['offline']);
      expect(readdirSync(join(cache, 'offline')).sort()).toEqual(['gomod', 'manifest.json', 'maven', 'npm', 'wheels']);
      const agents = readdirSync(
        join(cache, 'offline', 'maven', 'io', 'opentelemetry', 'javaagent', 'opentelemetry-javaagent'),
      );
      expect(agents.length).toBe(1);
    },
    10 * minutes,
  );

  describe.skipIf(Boolean(namespaceMissing) && !ci)('with no network at all', () => {
    beforeAll(() => {
      // Under CI a missing namespace fails every test here: the proof is the namespace.
      if (namespaceMissing) expect.fail(`Expected a network namespace with only loopback, got: ${namespaceMissing}`);
    });

    it(
      'check --runtime local builds every component from the pack and verifies the chain',
      async () => {
        expect(existsSync(join(cache, 'offline', 'manifest.json'))).toBe(true);
        const started = Date.now();
        const result = await checkOffline(cache, ['--requests', '1', '--json']);
        console.log(`first offline check: ${seconds(started)}s`);
        expect(result.exitCode, result.all).toBe(0);
        expect(result.stderr).toMatch(/building offline, from the pack unpacked in /);
        for (const component of builtComponents) {
          expect(result.stderr).toMatch(new RegExp(`built ${component} in`));
        }
        const json = JSON.parse(result.stdout) as { ok: boolean; traces: Array<{ ok: boolean; services: unknown }> };
        expect(json.ok).toBe(true);
        expect(json.traces.length).toBe(1);
        expect(json.traces.every((t) => t.ok)).toBe(true);
        // Nothing reached for a client's own cache.
        const npmCache = join(root, 'home', '.npm');
        expect(!existsSync(npmCache) || readdirSync(npmCache).length === 0).toBe(true);
        expect(existsSync(join(root, 'home', 'go', 'pkg', 'mod'))).toBe(false);
      },
      30 * minutes,
    );

    it(
      'a package the pack did not carry: the build names it and says the pack lacks it, one line, exit 3',
      async () => {
        const lacking = join(root, 'cache-lacking');
        expect((await polytrace(['unpack', packFile], { POLYTRACE_CACHE_DIR: lacking })).exitCode).toBe(0);
        const wheels = join(lacking, 'offline', 'wheels');
        const flask = readdirSync(wheels).filter((wheel) => /^flask-\d/i.test(wheel));
        expect(flask).toHaveLength(1);
        rmSync(join(wheels, flask[0]!));
        const result = await checkOffline(lacking, []);
        expect(result.exitCode, result.all).toBe(3);
        expect(result.stderr.split('\n').filter((l) => l.startsWith('polytrace:'))).toEqual([
          `polytrace: building order-service offline needs Flask==${flask[0]!.split('-')[1]} (pip), which the pack unpacked in ${join(lacking, 'offline')} does not carry: make a pack with this polytrace and its versions (\`polytrace pack\`), or remove that folder to build online`,
        ]);
      },
      10 * minutes,
    );

    it(
      "polytrace's own dependencies install from the pack's npm store (npm ci --offline)",
      async () => {
        const clone = join(root, 'clone');
        mkdirSync(clone);
        for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(repo, file), join(clone, file));
        const [command, ...args] = withNoNetwork([
          'npm',
          'ci',
          '--offline',
          '--ignore-scripts',
          '--no-audit',
          '--no-fund',
          '--cache',
          join(cache, 'offline', 'npm'),
        ]);
        const result = await execa(command!, args, {
          reject: false,
          all: true,
          cwd: clone,
          stdin: 'ignore',
          env: emptyHome(),
        });
        expect(result.exitCode, result.all).toBe(0);
        const lock = JSON.parse(readFileSync(join(clone, 'package-lock.json'), 'utf8')) as {
          packages: Record<string, unknown>;
        };
        expect(existsSync(join(clone, 'node_modules', 'commander', 'package.json'))).toBe(true);
        expect(readdirSync(join(clone, 'node_modules')).length).toBeGreaterThan(Object.keys(lock.packages).length / 10);
      },
      10 * minutes,
    );
  });

  it(
    'a truncated pack: one line, exit 4, nothing unpacked',
    async () => {
      const fresh = join(root, 'cache-truncated');
      const truncated = join(root, 'truncated.tar');
      const bytes = readFileSync(packFile);
      writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      const result = await polytrace(['unpack', truncated], { POLYTRACE_CACHE_DIR: fresh });
      expect(result.exitCode, result.all).toBe(4);
      expect(result.stderr.split('\n').filter((l) => l.startsWith('polytrace:'))).toHaveLength(1);
      expect(result.stderr).toMatch(/^polytrace: \S+truncated\.tar is (truncated|damaged)/m);
      expect(readdirSync(fresh)).toEqual([]);
    },
    5 * minutes,
  );

  it(
    'an altered pack: one line naming the item whose checksum fails, exit 4, the unpacked cache untouched',
    async () => {
      const altered = join(root, 'altered.tar');
      const bytes = Buffer.from(readFileSync(packFile));
      // A byte well inside the last item (npm), whose tar.gz still ends cleanly.
      const at = bytes.length - 4 * 2 ** 20;
      bytes[at] = bytes[at]! ^ 0xff;
      writeFileSync(altered, bytes);
      const before = readFileSync(join(cache, 'offline', 'manifest.json'), 'utf8');
      const result = await polytrace(['unpack', altered], { POLYTRACE_CACHE_DIR: cache });
      expect(result.exitCode, result.all).toBe(4);
      expect(result.stderr).toMatch(/^polytrace: \S+altered\.tar is damaged: npm /m);
      expect(readdirSync(cache).filter((entry) => entry.startsWith('offline'))).toEqual(['offline']);
      expect(readFileSync(join(cache, 'offline', 'manifest.json'), 'utf8')).toBe(before);
    },
    5 * minutes,
  );

  it.skipIf(process.getuid?.() !== 0 && !ci)(
    'a disk that fills up while unpacking: one line, exit 6, nothing left behind',
    async () => {
      expect(process.getuid?.(), 'mounting a small tmpfs needs root').toBe(0);
      const small = join(root, 'small-disk');
      mkdirSync(small);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', small]);
      try {
        const result = await polytrace(['unpack', packFile], { POLYTRACE_CACHE_DIR: join(small, 'cache') });
        expect(result.exitCode, result.all).toBe(6);
        expect(result.stderr.split('\n').filter((l) => l.startsWith('polytrace:'))).toEqual([
          expect.stringMatching(
            /^polytrace: the disk filled up while unpacking \S+pack\.tar\b.*nothing was put in place/,
          ),
        ]);
        expect(readdirSync(join(small, 'cache'))).toEqual([]);
      } finally {
        execFileSync('umount', [small]);
      }
    },
    5 * minutes,
  );
});
