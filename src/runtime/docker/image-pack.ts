// What a pack for the docker runtime carries: every chain image, built here first when missing
// or stale, and the base images they were built on. The bases travel too because an image is
// reused only when its inputs label matches a hash that includes its base images' IDs, and the
// stand-ins are chosen only when all of them are there: without them the other machine would
// pull the official bases and rebuild. `docker save` keeps image IDs and labels, and a base's
// layers that a chain image shares are stored once, so they add little beyond the build stages'
// toolchains.
import { join } from 'node:path';
import { dockerCacheDir } from '../../common/paths.js';
import type { Progress } from '../../common/progress.js';
import { EnvironmentError } from '../../common/errors.js';
import { chainComponents, chooseBaseImages, ensureChainImages, imageId, resolveBaseImages } from './chain-images.js';
import { connectEngine, dockerode } from './engine.js';
import { archiveTimeoutMs, imageArchive, loadImages } from './image-archive.js';

export interface PackedImages {
  /** Every image the archive holds, the base images first. */
  images: string[];
  /** The archive, as a plain tar from the engine. */
  open(): Promise<NodeJS.ReadableStream>;
}

export async function imagesToPack({ progress, signal }: { progress: Progress; signal: AbortSignal }): Promise<PackedImages> {
  const engine = await connectEngine();
  const docker = dockerode(engine);
  const base = await chooseBaseImages(docker, chainComponents);
  await ensureChainImages(engine, {
    components: chainComponents,
    base,
    baseImageOverrides: {},
    logDir: join(dockerCacheDir(), 'logs'),
    progress,
    signal,
  });
  const bases = new Set(chainComponents.flatMap((c) => Object.values(resolveBaseImages(c, base, {}).images)));
  const images = [...bases, ...chainComponents.map((c) => c.docker.image)];
  return {
    images,
    open: () => imageArchive(docker, images, AbortSignal.any([signal, AbortSignal.timeout(archiveTimeoutMs)])),
  };
}

/** Loads a verified archive into the engine; returns the images it should have held that the engine still lacks. */
export async function loadPackedImages(options: {
  file: string;
  images: readonly string[];
  progress: Progress;
  signal: AbortSignal;
}): Promise<string[]> {
  await loadImages(options.file, options.progress, options.signal);
  const docker = dockerode(await connectEngine());
  const missing: string[] = [];
  for (const image of options.images) if (!(await imageId(docker, image))) missing.push(image);
  return missing;
}

/** Why no engine can take the images (its one-line error), or undefined when one answers. */
export async function engineProblem(): Promise<EnvironmentError | undefined> {
  try {
    await connectEngine();
    return undefined;
  } catch (error) {
    if (error instanceof EnvironmentError) return error;
    throw error;
  }
}
