// `polytrace pack FILE` and `polytrace unpack FILE`: one file that carries
// everything a first run downloads, for a room with no network: the local
// runtime's packages, the docker runtime's images, or both. Packing fills the
// stores by building the chain once, and has the engine write its images;
// unpacking checks every item first, then loads the images into the engine and
// moves the stores into polytrace's cache in one rename, so a bad pack or a full
// disk leaves the cache and the engine as they were. Returns data; prints nothing.
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DamagedPackError, DiskFullError, EnvironmentError } from '../common/errors.js';
import type { Progress } from '../common/progress.js';
import { client } from '../topology/chain.js';
import {
  defaultSdkVersions,
  sdkLanguages,
  type SdkLanguage,
  type SdkRequest,
  type SdkSet,
} from '../topology/sdk-versions.js';
import { localTargetsFor } from '../runtime/local/build-targets.js';
import { resolveForPack } from '../runtime/sdk/sdk-context.js';
import { fillStores } from '../runtime/offline/fill-stores.js';
import { offlineDir } from '../runtime/offline/offline-cache.js';
import { storesIn } from '../runtime/offline/offline-recipe.js';
import { keptFile, readPack, writePack, type ItemSource } from '../runtime/offline/pack-archive.js';
import { packFormat, thisPlatform, type PackManifest } from '../runtime/offline/pack-manifest.js';
import { installHints, missingToolchains } from '../runtime/toolchains.js';
import { toolchainVersion } from '../runtime/toolchain-version.js';

/** What a pack is for: the local runtime's packages, the docker runtime's images, or both. */
export type PackRuntime = 'local' | 'docker' | 'both';

interface UnpackOptions {
  file: string;
  cacheRoot: string;
  progress: Progress;
  signal: AbortSignal;
}

interface PackOptions extends UnpackOptions {
  runtime: PackRuntime;
  /** The OpenTelemetry versions to pack for (`--sdk`, local runtime); a line not named is packed at its default. */
  sdk: SdkRequest;
}

export interface PackResult {
  manifest: PackManifest;
  bytes: number;
  seconds: number;
}

/** The local runtime's stores, filled by building the chain once in `scratch`. */
async function localItems(options: {
  scratch: string;
  set: SdkSet;
  progress: Progress;
  signal: AbortSignal;
}): Promise<ItemSource[]> {
  const { scratch, set, progress, signal } = options;
  const targets = localTargetsFor(set);
  const toolchains = [...new Set(targets.flatMap((t) => t.recipe.toolchains))];
  const missing = await missingToolchains(toolchains);
  if (missing.length > 0) {
    throw new EnvironmentError(
      `packing builds the chain once and needs ${missing.join(', ')}: ${installHints[missing[0]!]}`,
    );
  }
  const stores = storesIn(join(scratch, 'stores'));
  progress({
    step: 'build',
    message: `building the chain once in ${scratch} to collect what a first run downloads…`,
  });
  await fillStores({ targets, stores, scratch, progress, signal });
  const versions = Object.fromEntries(sdkLanguages.map((l) => [l, set[l].version])) as Record<SdkLanguage, string>;
  return [
    {
      name: 'gomod',
      holds: "Go modules of api-gateway and the Collector (with its builder's)",
      versions: { go: versions.go, collector: versions.collector },
      // Go's downloads only: `offlineTarget` explains.
      content: { kind: 'store', dir: join(stores.gomod, 'cache', 'download') },
    },
    {
      name: 'maven',
      holds: 'Maven artifacts of auth-service, with its plugins and the Java agent',
      versions: { java: versions.java },
      content: { kind: 'store', dir: stores.maven },
    },
    {
      name: 'wheels',
      holds: 'Python wheels of order-service',
      versions: { python: versions.python },
      content: { kind: 'store', dir: stores.wheels },
    },
    {
      name: 'npm',
      holds: 'npm packages of notification-service and of polytrace itself',
      versions: { nodejs: versions.nodejs, polytrace: client.version },
      content: { kind: 'store', dir: stores.npm },
    },
  ];
}

/** The docker runtime's images, built first where missing or stale. Loaded on demand: a local pack never loads testcontainers. */
async function dockerItems(options: { progress: Progress; signal: AbortSignal }): Promise<ItemSource[]> {
  const { imagesToPack } = await import('../runtime/docker/image-pack.js');
  const packed = await imagesToPack(options);
  const versions = defaultSdkVersions();
  return [
    {
      name: 'images',
      holds:
        "the docker runtime's images: the Collector, the four services and the broker, with the base images they were built on",
      versions: {
        go: versions.go,
        java: versions.java,
        python: versions.python,
        nodejs: versions.nodejs,
        collector: versions.collector,
      },
      content: { kind: 'images', images: packed.images, open: packed.open },
    },
  ];
}

export async function pack({ file, cacheRoot, runtime, sdk, progress, signal }: PackOptions): Promise<PackResult> {
  const started = Date.now();
  // The defaults resolve with no registry asked; other lines are asked once and carried.
  const { set, lines } = await resolveForPack(sdk, signal);
  const scratch = join(cacheRoot, `pack-scratch-${process.pid}`);
  try {
    await rm(scratch, { recursive: true, force: true });
    await mkdir(scratch, { recursive: true });
    // The images first: without an engine, that is said before the chain is built for the stores.
    const images = runtime === 'local' ? [] : await dockerItems({ progress, signal });
    const stores = runtime === 'docker' ? [] : await localItems({ scratch, set, progress, signal });
    const items = [...stores, ...images];
    const manifest = await writePack({
      file,
      scratch,
      manifest: {
        format: packFormat,
        polytrace: client.version,
        platform: thisPlatform(),
        toolchains: Object.fromEntries(
          await Promise.all(
            ['go', 'java', 'mvn', 'python3', 'node', 'npm'].map(async (c) => [c, await toolchainVersion(c)]),
          ),
        ),
        created: new Date().toISOString(),
        ...(Object.keys(lines).length > 0 ? { sdkLines: lines } : {}),
      },
      items,
      progress,
      signal,
    });
    return { manifest, bytes: (await stat(file)).size, seconds: (Date.now() - started) / 1000 };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

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

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** What an unpack killed half-way left (its folder names its process), so a crash leaves no half-unpacked cache for long. */
async function removeLeftovers(cacheRoot: string): Promise<void> {
  for (const entry of await readdir(cacheRoot)) {
    const pid = /^offline\.(?:unpacking|previous)-(\d+)$/.exec(entry)?.[1];
    if (pid && (Number(pid) === process.pid || !isAlive(Number(pid)))) {
      await rm(join(cacheRoot, entry), { recursive: true, force: true });
    }
  }
}

const isDiskFull = (error: unknown) => ['ENOSPC', 'EDQUOT'].includes((error as { code?: string })?.code ?? '');

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
