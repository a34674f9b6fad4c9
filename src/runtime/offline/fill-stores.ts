// Fills a pack's stores: each component is built once in a scratch cache with
// its clients pointed at the stores, so every package a first run downloads
// lands there (and none in the user's own caches), and the CLI's own lockfile is
// installed once in a scratch copy, which fills npm's store with it.
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { EnvironmentError } from '../../common/errors.js';
import { repoRoot } from '../../common/paths.js';
import type { Progress } from '../../common/progress.js';
import { childEnvironment } from '../local/child-environment.js';
import { buildComponent, buildDirFor, type BuildTarget } from '../local/build.js';
import { toolchainEnvironment } from '../toolchains.js';
import { packStores, type PackStore } from './offline-cache.js';
import { fillingTarget } from './offline-recipe.js';

const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)}s`;

/** How long the CLI's own `npm ci` may take on a slow network. */
const npmCiTimeoutMs = 20 * 60_000;

export async function fillStores(options: {
  targets: BuildTarget[];
  stores: Record<PackStore, string>;
  /** A folder of this run's own, removed afterwards. */
  scratch: string;
  progress: Progress;
  signal: AbortSignal;
}): Promise<void> {
  const { targets, stores, scratch, progress, signal } = options;
  for (const store of packStores) await mkdir(stores[store], { recursive: true });
  const pipCache = join(scratch, 'pip-cache');
  // Side by side, as a run builds: most of the time is spent waiting on registries.
  await Promise.all([
    ...targets.map(async (target) => {
      const started = Date.now();
      const filling = fillingTarget(target, { stores, pipCache });
      await buildComponent({
        target: filling,
        buildDir: await buildDirFor(filling, join(scratch, 'cache')),
        signal,
        toolchainEnv: await toolchainEnvironment(target.recipe.toolchains),
      });
      progress({
        step: 'build',
        component: target.name,
        message: `fetched and built ${target.name} in ${seconds(started)}`,
      });
    }),
    fillFromCliLockfile({ npmStore: stores.npm, scratch: join(scratch, 'cli'), signal }).then((took) =>
      progress({ step: 'build', message: `fetched polytrace's own npm dependencies in ${took}` }),
    ),
  ]);
  await forgetMavenOrigins(stores.maven);
  // npm's logs of the filling runs are no package.
  await rm(join(stores.npm, '_logs'), { recursive: true, force: true });
}

/** `npm ci` of polytrace's own lockfile in a scratch copy: what a clone's set-up needs, in npm's store. */
async function fillFromCliLockfile(options: {
  npmStore: string;
  scratch: string;
  signal: AbortSignal;
}): Promise<string> {
  const { npmStore, scratch, signal } = options;
  const started = Date.now();
  await mkdir(scratch, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) await copyFile(join(repoRoot, file), join(scratch, file));
  // Scripts stay off: only the packages are wanted, and the clone's own set-up runs its scripts.
  const result = await execa('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: scratch,
    env: childEnvironment({ npm_config_cache: npmStore }),
    extendEnv: false,
    stdin: 'ignore',
    all: true,
    reject: false,
    cancelSignal: signal,
    timeout: npmCiTimeoutMs,
  });
  signal.throwIfAborted();
  if (result.exitCode !== 0) {
    throw new EnvironmentError(`fetching polytrace's own npm dependencies failed (\`npm ci\` in ${scratch})`, {
      detail: (result.all ?? '').trimEnd().split('\n').slice(-15).join('\n'),
      cause: result,
    });
  }
  return seconds(started);
}

/**
 * Maven records which repository each artifact came from (`_remote.repositories`) and, offline,
 * offers an artifact only to a build whose repositories include that one: a pack made behind a
 * mirror would then be refused in a room without it. With the records gone, each artifact counts
 * as installed locally, which any build may use.
 */
async function forgetMavenOrigins(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name === '_remote.repositories') await rm(join(entry.parentPath, entry.name));
  }
}
