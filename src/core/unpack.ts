// `polytrace unpack FILE`: checks every item of a pack first, then loads its
// images into the engine and moves its stores into polytrace's cache in one
// rename, so a bad pack or a full disk leaves the cache and the engine as they
// were. Returns data; prints nothing.
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DamagedPackError, DiskFullError, EnvironmentError } from '../common/errors.js';
import type { Progress } from '../common/progress.js';
import { client } from '../topology/chain.js';
import { offlineDir } from '../runtime/offline/offline-cache.js';
import { isDiskFull, keptFile, readPack } from '../runtime/offline/pack-archive.js';
import { isAlive } from '../common/process-alive.js';
import { thisPlatform, type PackManifest } from '../runtime/offline/pack-manifest.js';
import type { UnpackOptions } from './pack.js';

export interface UnpackResult {
  manifest: PackManifest;
  /** Where the stores now are, when the pack carried any. */
  dir?: string;
  /** The images now in the engine, when the pack carried them. */
  images: string[];
  /** Why the pack's images were not loaded (no engine answers), when they were not. */
  skipped?: string;
  seconds: number;
}

/**
 * Loads the pack's image archives into the engine, once every item has matched its checksum, so a
 * bad pack loads nothing. The engine then says which images it holds: one it lacks is an error.
 * With no engine, a pack that also carries packages still readies those: a laptop without Docker
 * can take the same pack as one with it.
 */
async function loadImageItems(options: {
  manifest: PackManifest;
  from: string;
  file: string;
  progress: Progress;
  signal: AbortSignal;
}): Promise<{ images: string[]; skipped?: string }> {
  const { manifest, from, file, progress, signal } = options;
  const items = manifest.items.filter((i) => i.kind === 'images');
  if (items.length === 0) return { images: [] };
  const { engineProblem, loadPackedImages } = await import('../runtime/docker/image-pack.js');
  const problem = await engineProblem();
  if (problem) {
    if (manifest.items.every((i) => i.kind === 'images')) throw problem;
    progress({ step: 'build', message: `the images are not loaded: ${problem.message}` });
    return { images: [], skipped: problem.message };
  }
  const images: string[] = [];
  for (const item of items) {
    const listed = item.images ?? [];
    const missing = await loadPackedImages({ file: join(from, keptFile(item.name)), images: listed, progress, signal });
    if (missing.length > 0) {
      throw new DamagedPackError(
        `${file} is damaged: after loading ${item.name} the engine lacks ${missing.join(', ')}; make the pack again`,
      );
    }
    await rm(join(from, keptFile(item.name)), { force: true });
    images.push(...listed);
  }
  return { images };
}

/** What an unpack killed half-way left (its folder names its process), so a crash leaves no half-unpacked cache for long. */
async function removeLeftovers(cacheRoot: string): Promise<void> {
  for (const entry of await readdir(cacheRoot)) {
    const pid = /^offline\.(?:unpacking|previous)-(\d+)$/.exec(entry)?.[1];
    if (pid && (Number(pid) === process.pid || !isAlive(Number(pid)))) {
      await rm(join(cacheRoot, entry), { recursive: true, force: true });
    }
  }
}

export async function unpack({ file, cacheRoot, progress, signal }: UnpackOptions): Promise<UnpackResult> {
  const started = Date.now();
  if (!existsSync(file))
    throw new EnvironmentError(`Expected a pack made by \`polytrace pack\`, got no file at ${file}`);
  const dir = offlineDir(cacheRoot);
  const unpacking = `${dir}.unpacking-${process.pid}`;
  const previous = `${dir}.previous-${process.pid}`;
  await mkdir(cacheRoot, { recursive: true });
  await removeLeftovers(cacheRoot);
  try {
    await mkdir(unpacking);
    const manifest = await readPack({
      file,
      into: unpacking,
      expected: { polytrace: client.version, platform: thisPlatform() },
      progress,
      signal,
    });
    const { images, skipped } = await loadImageItems({ manifest, from: unpacking, file, progress, signal });
    const stores = manifest.items.filter((i) => i.kind === 'store');
    if (stores.length === 0) {
      // A pack for the docker runtime only: the local runtime's builds stay as they were.
      await rm(unpacking, { recursive: true, force: true });
      return { manifest, images, seconds: (Date.now() - started) / 1000 };
    }
    await writeFile(join(unpacking, 'manifest.json'), `${JSON.stringify({ ...manifest, items: stores }, null, 2)}\n`);
    // The manifest goes in last: its presence is what turns builds offline.
    if (existsSync(dir)) await rename(dir, previous);
    await rename(unpacking, dir);
    await rm(previous, { recursive: true, force: true });
    return { manifest, dir, images, ...(skipped ? { skipped } : {}), seconds: (Date.now() - started) / 1000 };
  } catch (error) {
    await rm(unpacking, { recursive: true, force: true });
    if (isDiskFull(error)) {
      throw new DiskFullError(
        `the disk filled up while unpacking ${file}: nothing was put in place; free more space and unpack again`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}
