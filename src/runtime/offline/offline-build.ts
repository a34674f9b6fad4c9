// The local runtime's side of a pack: once one is unpacked in polytrace's
// cache, every build reads the pack's stores and nothing else, and a build that
// still reaches for a registry says which package the pack did not carry.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvironmentError } from '../../common/errors.js';
import type { BuildTarget } from '../local/build.js';
import { missingPackage } from './missing-package.js';
import { offlineDir, unpackedManifest } from './offline-cache.js';
import { offlineTarget, storesIn } from './offline-recipe.js';

/** The targets as this cache builds them: from the unpacked pack when there is one, else as given. */
export function targetsForCache(targets: BuildTarget[], cacheRoot: string): BuildTarget[] {
  if (!unpackedManifest(cacheRoot)) return targets;
  const stores = storesIn(offlineDir(cacheRoot));
  return targets.map((target) => offlineTarget(target, stores));
}

/** One line for the run's progress when its builds are offline, else undefined. */
export function offlineNotice(cacheRoot: string): string | undefined {
  const manifest = unpackedManifest(cacheRoot);
  return manifest
    ? `building offline, from the pack unpacked in ${offlineDir(cacheRoot)} (made ${manifest.created}); remove that folder to build online again`
    : undefined;
}

/**
 * The error of a failed offline build, naming the package its client lacked (read from its
 * build log) when it is one the pack did not carry; any other error as it was.
 */
export async function offlineBuildError(options: {
  error: unknown;
  component: string;
  buildDir: string;
  cacheRoot: string;
}): Promise<unknown> {
  const { error, component, buildDir, cacheRoot } = options;
  if (!(error instanceof EnvironmentError) || !unpackedManifest(cacheRoot)) return error;
  const log = await readFile(join(buildDir, 'build.log'), 'utf8').catch(() => '');
  const missing = missingPackage(log);
  if (!missing) return error;
  return new EnvironmentError(
    `building ${component} offline needs ${missing.name} (${missing.client}), which the pack unpacked in ${offlineDir(cacheRoot)} does not carry: make a pack with this polytrace and its versions (\`polytrace pack\`), or remove that folder to build online`,
    { detail: error.detail, cause: error },
  );
}
