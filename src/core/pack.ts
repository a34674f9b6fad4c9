// `polytrace pack FILE` and `polytrace unpack FILE`: one file that carries
// everything a first local run downloads, for a room with no network. Packing
// fills the stores by building the chain once; unpacking checks every item,
// then moves the whole into polytrace's cache in one rename, so a bad pack or a
// full disk leaves the cache as it was. Returns data; prints nothing.
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DiskFullError, EnvironmentError } from '../common/errors.js';
import type { Progress } from '../common/progress.js';
import { client } from '../topology/chain.js';
import { sdkLanguages, type SdkLanguage, type SdkRequest } from '../topology/sdk-versions.js';
import { localTargetsFor } from '../runtime/local/build-targets.js';
import { resolveForPack } from '../runtime/sdk/sdk-context.js';
import { fillStores } from '../runtime/offline/fill-stores.js';
import { offlineDir } from '../runtime/offline/offline-cache.js';
import { storesIn } from '../runtime/offline/offline-recipe.js';
import { readPack, writePack } from '../runtime/offline/pack-archive.js';
import { packFormat, thisPlatform, type PackManifest } from '../runtime/offline/pack-manifest.js';
import { installHints, missingToolchains } from '../runtime/toolchains.js';
import { toolchainVersion } from '../runtime/toolchain-version.js';

interface PackOptions {
  file: string;
  cacheRoot: string;
  progress: Progress;
  signal: AbortSignal;
}

interface PackRequest extends PackOptions {
  /** The OpenTelemetry versions to pack for (`--sdk`); a line not named is packed at its default. */
  sdk: SdkRequest;
}

export interface PackResult {
  manifest: PackManifest;
  bytes: number;
  seconds: number;
}

export async function pack({ file, cacheRoot, progress, signal, sdk }: PackRequest): Promise<PackResult> {
  const started = Date.now();
  // The defaults resolve with no registry asked; other lines are asked once and carried.
  const { set, lines } = await resolveForPack(sdk, signal);
  const targets = localTargetsFor(set);
  const toolchains = [...new Set(targets.flatMap((t) => t.recipe.toolchains))];
  const missing = await missingToolchains(toolchains);
  if (missing.length > 0) {
    throw new EnvironmentError(
      `packing builds the chain once and needs ${missing.join(', ')}: ${installHints[missing[0]!]}`,
    );
  }
  const scratch = join(cacheRoot, `pack-scratch-${process.pid}`);
  const stores = storesIn(join(scratch, 'stores'));
  try {
    await rm(scratch, { recursive: true, force: true });
    progress({
      step: 'build',
      message: `building the chain once in ${scratch} to collect what a first run downloads…`,
    });
    await fillStores({ targets, stores, scratch, progress, signal });
    const versions = Object.fromEntries(sdkLanguages.map((l) => [l, set[l].version])) as Record<SdkLanguage, string>;
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
      items: [
        {
          name: 'gomod',
          holds: "Go modules of api-gateway and the Collector (with its builder's)",
          versions: { go: versions.go, collector: versions.collector },
          // Go's downloads only: `offlineTarget` explains.
          dir: join(stores.gomod, 'cache', 'download'),
        },
        {
          name: 'maven',
          holds: 'Maven artifacts of auth-service, with its plugins and the Java agent',
          versions: { java: versions.java },
          dir: stores.maven,
        },
        {
          name: 'wheels',
          holds: 'Python wheels of order-service',
          versions: { python: versions.python },
          dir: stores.wheels,
        },
        {
          name: 'npm',
          holds: 'npm packages of notification-service and of polytrace itself',
          versions: { nodejs: versions.nodejs, polytrace: client.version },
          dir: stores.npm,
        },
      ],
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
  /** Where the stores now are. */
  dir: string;
  seconds: number;
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

export async function unpack({ file, cacheRoot, progress, signal }: PackOptions): Promise<UnpackResult> {
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
    await writeFile(join(unpacking, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    // The manifest goes in last: its presence is what turns builds offline.
    if (existsSync(dir)) await rename(dir, previous);
    await rename(unpacking, dir);
    await rm(previous, { recursive: true, force: true });
    return { manifest, dir, seconds: (Date.now() - started) / 1000 };
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
