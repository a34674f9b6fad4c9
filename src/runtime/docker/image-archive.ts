// `polytrace images save FILE` / `load FILE`: a workshop host prepares the
// images once and carries them, in one file, to a room with no network.
// The chain images keep their input labels, so nothing is rebuilt there.
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { EnvironmentError } from '../../common/errors.js';
import type { Progress } from '../../common/progress.js';
import { standInImages } from '../../topology/base-images.js';
import type { BaseImageKind } from '../../topology/types.js';
import { standInImage } from './image-names.js';
import { chainComponents, imageId } from './chain-images.js';
import { connectEngine, dockerode, type Dockerode } from './engine.js';

export const archiveTimeoutMs = 60 * 60_000;

/** One tar of these images as the engine writes it (/images/get): layers shared between them are stored once. */
export async function imageArchive(docker: Dockerode, names: string[], signal: AbortSignal): Promise<NodeJS.ReadableStream> {
  const getImages = (docker as unknown as { getImages(opts: object): Promise<NodeJS.ReadableStream> }).getImages;
  return getImages.call(docker, { names, abortSignal: signal });
}

export async function saveImages(file: string, progress: Progress, signal: AbortSignal): Promise<string[]> {
  const docker = dockerode(await connectEngine());
  const chain = chainComponents.map((c) => c.docker.image);
  const missing = [];
  for (const image of chain) if (!(await imageId(docker, image))) missing.push(image);
  if (missing.length > 0) {
    throw new EnvironmentError(`Expected the chain's images to be built before saving, but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing: run \`polytrace images prepare\` first`);
  }
  const bases = [];
  for (const image of new Set(Object.keys(standInImages).map((kind) => standInImage(kind as BaseImageKind)))) if (await imageId(docker, image)) bases.push(image);
  const names = [...bases, ...chain];
  const started = Date.now();
  progress({ step: 'build', message: `saving ${names.length} images to ${file}${file.endsWith('.gz') ? ' (gzip)' : ''}…` });
  const abort = AbortSignal.any([signal, AbortSignal.timeout(archiveTimeoutMs)]);
  const stream = await imageArchive(docker, names, abort);
  if (file.endsWith('.gz')) await pipeline(stream, createGzip(), createWriteStream(file), { signal: abort });
  else await pipeline(stream, createWriteStream(file), { signal: abort });
  const size = (await stat(file)).size;
  progress({
    step: 'build',
    message: `saved ${names.length} images (${(size / 2 ** 20).toFixed(0)} MiB) in ${((Date.now() - started) / 1000).toFixed(1)}s`,
  });
  return names;
}

export async function loadImages(file: string, progress: Progress, signal: AbortSignal): Promise<string[]> {
  try {
    await stat(file);
  } catch (error) {
    throw new EnvironmentError(`Expected an image archive made by \`polytrace images save\`, got no file at ${file}`, {
      cause: error,
    });
  }
  const docker = dockerode(await connectEngine());
  const started = Date.now();
  progress({ step: 'build', message: `loading images from ${file}…` });
  const abort = AbortSignal.any([signal, AbortSignal.timeout(archiveTimeoutMs)]);
  // The engine takes a plain or a gzipped tar alike.
  const stream = await docker.loadImage(createReadStream(file), { abortSignal: abort } as object);
  const loaded: string[] = [];
  let failure: string | undefined;
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(
      stream,
      (error: Error | null) => (error ? reject(error) : resolve()),
      (event: { stream?: string; error?: string }) => {
        const name = /Loaded image: (\S+)/.exec(event.stream ?? '')?.[1];
        if (name) loaded.push(name);
        if (event.error) failure = event.error;
      },
    ),
  ).catch((error: Error) => {
    signal.throwIfAborted();
    failure ??= error.message;
  });
  if (failure) throw new EnvironmentError(`loading images from ${file} failed: ${failure}`);
  progress({ step: 'build', message: `loaded ${loaded.length} images in ${((Date.now() - started) / 1000).toFixed(1)}s: ${loaded.join(', ')}` });
  return loaded;
}
