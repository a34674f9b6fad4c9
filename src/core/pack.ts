// `polytrace pack FILE`: one file that carries everything a first run
// downloads, for a room with no network: the local runtime's packages, the
// docker runtime's images, or both. Packing fills the stores by building the
// chain once, and has the engine write its images (unpack.ts reads the file).
// Returns data; prints nothing.
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvironmentError } from '../common/errors.js';
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
import { storesIn } from '../runtime/offline/offline-recipe.js';
import { writePack, type ItemSource } from '../runtime/offline/pack-archive.js';
import { packFormat, thisPlatform, type PackManifest } from '../runtime/offline/pack-manifest.js';
import { installHints, missingToolchains } from '../runtime/toolchains.js';
import { toolchainVersion } from '../runtime/toolchain-version.js';

/** What a pack is for: the local runtime's packages, the docker runtime's images, or both. */
export type PackRuntime = 'local' | 'docker' | 'both';

export interface UnpackOptions {
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
