// End-to-end: polytrace as a user gets it. `npm pack` makes the tarball, an
// empty folder installs it, and `npx polytrace` runs the real chain from
// there: run folders in that folder, builds in the user's cache, and nothing
// written into the installed package. Also: the committed lock files are
// ones `npm ci` accepts.
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheDir } from '../../src/common/paths.js';
import { collector, services } from '../../src/topology/chain.js';
import { expectConnectedOrderTraces, type JsonResult } from './chain-assertions.js';
import { movedPorts, portFlags, repo } from './run-cli.js';

// Moved ports: this test must not clash with a local chain or a person's run on the defaults.
const ports = portFlags(movedPorts);

// A cold machine builds the Collector and four services first (several minutes).
const coldBuild = 30 * 60_000;

// The environment of a user's shell: none of the npm_* variables `npm test` sets for its own
// package, which would point npm and npx run here back at this checkout.
const userEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('npm_') && key !== 'INIT_CWD')),
  NO_COLOR: '1',
};
const run = (cmd: string, args: string[], cwd: string) =>
  execa(cmd, args, { cwd, env: userEnv, extendEnv: false, reject: false, all: true, stdin: 'ignore' });

/** Every file under `dir` (skipping `skip`), with its size and modification time: what a run must not touch. */
function snapshot(dir: string, skip = new Set<string>()): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (skip.has(path)) continue;
      if (entry.isDirectory()) walk(path);
      else {
        const stat = statSync(path);
        files[relative(dir, path)] = `${stat.size} ${stat.mtimeMs}`;
      }
    }
  };
  walk(dir);
  return files;
}

const work = realpathSync(mkdtempSync(join(tmpdir(), 'polytrace-package-')));
let tarball = '';
let entries: string[] = [];

beforeAll(async () => {
  const packDir = join(work, 'pack');
  mkdirSync(packDir);
  const started = Date.now();
  // prepare compiles dist/ first, as it would for a publish.
  const packed = await run('npm', ['pack', '--json', '--pack-destination', packDir], repo);
  expect(packed.exitCode, packed.all).toBe(0);
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; size: number; entryCount: number }>;
  tarball = join(packDir, info!.filename);
  const listing = await run('tar', ['-tzf', tarball], packDir);
  expect(listing.exitCode, listing.all).toBe(0);
  entries = listing.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.replace(/^package\//, ''));
  const bytes = statSync(tarball).size;
  console.log(
    `npm pack: ${info!.filename}, ${bytes} bytes (${(bytes / 2 ** 20).toFixed(2)} MiB), ${entries.length} files, ` +
      `in ${((Date.now() - started) / 1000).toFixed(1)}s`,
  );
}, 5 * 60_000);

// The installed package brings its dependencies (about 85 MB): do not leave them in the temp folder.
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the npm package', () => {
  it('holds the compiled CLI, the service and Collector sources, README and LICENSE, and nothing else', () => {
    for (const file of [
      'package.json',
      'README.md',
      'LICENSE',
      'bin/polytrace.js',
      'dist/cli.js',
      'dist/runtime/reaper/local-main.js',
      // The live page's script and the room board's, bundled when the package is packed: `up`, `view` and `room` serve them.
      'dist/live/page.js',
      'dist/live/room.js',
      'services/README.md',
      'services/gateway-go/go.sum',
      'services/auth-java/pom.xml',
      'services/auth-java/otel-agent.properties',
      'services/orders-python/requirements.txt',
      'services/notify-node/package-lock.json',
      'docker/collector/builder-config.yaml',
      'docker/collector/config.yaml',
      'docker/collector/Dockerfile',
    ]) {
      expect(entries, file).toContain(file);
    }
    // Each component's build inputs and its Dockerfile are there.
    for (const component of [collector, ...services]) {
      expect(entries.filter((e) => e.startsWith(`${component.dir}/`)).length, component.dir).toBeGreaterThan(2);
      expect(entries, component.dir).toContain(`${component.dir}/Dockerfile`);
    }
    const unwanted = entries.filter(
      (e) =>
        /^(test|src|scripts|\.ci|\.github)\//.test(e) ||
        /(^|\/)(node_modules|target|\.venv|venv|__pycache__|_build)\//.test(e) ||
        /\.(db|log|tsbuildinfo|map|tgz)$/.test(e) ||
        /^dist\/.*\.test\.js$/.test(e),
    );
    expect(unwanted).toEqual([]);
    expect(entries.filter((e) => e.startsWith('dist/') && !e.endsWith('.js'))).toEqual([]);
  });

  it('ships the Apache License 2.0 that package.json names', async () => {
    expect(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).license).toBe('Apache-2.0');
    const license = await run('tar', ['-xzOf', tarball, 'package/LICENSE'], work);
    expect(license.stdout).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    expect(license.stdout).toMatch(/END OF TERMS AND CONDITIONS/);
  });

  it(
    'installs into an empty folder, where npx polytrace doctor and check --runtime local pass, writing only there and in the cache',
    async () => {
      const user = join(work, 'user');
      mkdirSync(user);
      let started = Date.now();
      const installed = await run('npm', ['init', '-y'], user).then(() =>
        run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], user),
      );
      expect(installed.exitCode, installed.all).toBe(0);
      console.log(`npm install of the tarball: ${((Date.now() - started) / 1000).toFixed(1)}s`);
      const pkg = join(user, 'node_modules', 'polytrace');
      const before = snapshot(pkg, new Set([join(pkg, 'node_modules')]));

      const doctor = await run('npx', ['--no', '--', 'polytrace', 'doctor', ...ports], user);
      expect(doctor.exitCode, doctor.all).toBe(0);
      expect(doctor.stdout).toMatch(/^ready: polytrace check --runtime local can run here$/m);

      started = Date.now();
      const check = await run(
        'npx',
        ['--no', '--', 'polytrace', 'check', '--runtime', 'local', '--requests', '1', '--json', ...ports],
        user,
      );
      console.log(`npx polytrace check --runtime local: ${((Date.now() - started) / 1000).toFixed(1)}s`);
      expect(check.exitCode, check.all).toBe(0);
      const json = JSON.parse(check.stdout) as JsonResult;
      expectConnectedOrderTraces(json, 'local', 1);

      // The run folder is the user's: under the folder npx ran in.
      const runDir = dirname(json.spansFile);
      expect(relative(join(user, '.polytrace', 'runs'), runDir)).toMatch(/^[^./][^/]*$/);
      // Each component ran from its build folder in the user's cache, not from the package.
      for (const component of [collector, ...services]) {
        const log = readFileSync(join(runDir, 'logs', `${component.name}.log`), 'utf8');
        const command = log.split('\n').find((line) => line.startsWith('$ '));
        expect(command, component.name).toContain(join(cacheDir(), 'build', `${component.name}-`));
      }
      // Nothing was written into the installed package: no build output, no bytecode, no database.
      expect(snapshot(pkg, new Set([join(pkg, 'node_modules')]))).toEqual(before);
    },
    coldBuild,
  );
});

describe('polytrace as a git dependency', () => {
  // The way that works before a registry has the package (docs/ci.md): npm clones the commit,
  // installs the devDependencies and runs `prepare`, which compiles dist/ and bundles the page.
  it(
    'installs from git: npm builds it through prepare, and npx polytrace doctor runs from it',
    async () => {
      const user = join(work, 'git-user');
      mkdirSync(user);
      const started = Date.now();
      const installed = await run('npm', ['init', '-y'], user).then(() =>
        run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', `git+file://${repo}`], user),
      );
      expect(installed.exitCode, installed.all).toBe(0);
      console.log(`npm install of polytrace from git: ${((Date.now() - started) / 1000).toFixed(1)}s`);
      const pkg = join(user, 'node_modules', 'polytrace');
      for (const file of ['dist/cli.js', 'dist/live/page.js', 'dist/live/room.js'])
        expect(readdirSync(dirname(join(pkg, file)))).toContain(file.split('/').at(-1));
      const doctor = await run('npx', ['--no', '--', 'polytrace', 'doctor', ...ports], user);
      expect(doctor.stdout).toMatch(/^✓ toolchain java/m);
    },
    5 * 60_000,
  );
});

describe('the committed lock files', () => {
  // `npm ci` refuses a lock that does not match package.json (e.g. one missing other
  // platforms' optional packages) instead of rewriting it: the CLI's own, and the one the
  // notification service's build installs from.
  it.each(['.', 'services/notify-node'])(
    '%s/package-lock.json satisfies npm ci',
    async (dir) => {
      const copy = mkdtempSync(join(work, 'lock-'));
      for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(repo, dir, file), join(copy, file));
      const result = await run('npm', ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'], copy);
      expect(result.exitCode, result.all).toBe(0);
    },
    120_000,
  );
});
