// Where polytrace keeps things: the repository it ships with (services,
// Collector manifest), the build cache shared by runs, and each run's folder.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The polytrace checkout: src/core/ (or dist/core/) is two levels below it. */
export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.POLYTRACE_CACHE_DIR) return resolve(env.POLYTRACE_CACHE_DIR);
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'polytrace');
}

/** The docker runtime's own corner of the cache: build logs, the Debian root filesystem, staged toolchains. */
export const dockerCacheDir = () => join(cacheDir(), 'docker');

export function newRunId(now = new Date()): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${process.pid}`;
}
