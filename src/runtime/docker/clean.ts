// `polytrace clean`: removes what crashed or killed runs left on the engine,
// found by polytrace's labels. A run whose CLI is still alive on this host is
// spared unless forced, so cleaning never pulls a chain from under a live run.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { isAlive } from '../../common/process-alive.js';
import type { Progress } from '../../common/progress.js';
import { connectEngine, dockerode } from './engine.js';
import { label, labelFilter } from './labels.js';
import { pinnedContextsDir } from './sdk-contexts.js';

export interface CleanOptions {
  /** Also the chain's images (polytrace/*), rebuilt by the next docker run. */
  images: boolean;
  /** Also the base images `images prepare` made (polytrace-base/*). */
  baseImages: boolean;
  /** Also the containers of runs whose CLI is still alive. */
  force: boolean;
  progress: Progress;
}

export interface CleanResult {
  removed: string[];
  spared: string[];
}

function ownerAlive(labels: Record<string, string>): boolean {
  const pid = Number(labels[label.pid]);
  if (!pid || labels[label.host] !== hostname() || pid === process.pid) return false;
  return isAlive(pid);
}

export async function clean(options: CleanOptions): Promise<CleanResult> {
  const docker = dockerode(await connectEngine());
  const say = (message: string) => options.progress({ step: 'stop', message });
  const result: CleanResult = { removed: [], spared: [] };
  const filters = labelFilter(label.owner);

  for (const container of await docker.listContainers({ all: true, filters })) {
    const name = container.Names[0]?.replace(/^\//, '') ?? container.Id.slice(0, 12);
    if (!options.force && ownerAlive(container.Labels)) {
      result.spared.push(`container ${name}`);
      continue;
    }
    say(`removing container ${name}`);
    await docker.getContainer(container.Id).remove({ force: true, v: true });
    result.removed.push(`container ${name}`);
  }
  for (const network of await docker.listNetworks({ filters })) {
    if (!options.force && ownerAlive(network.Labels ?? {})) {
      result.spared.push(`network ${network.Name}`);
      continue;
    }
    say(`removing network ${network.Name}`);
    await docker.getNetwork(network.Id).remove();
    result.removed.push(`network ${network.Name}`);
  }
  if (options.images || options.baseImages) result.removed.push(...(await removeImages(docker, options, say)));
  // The pinned copies the sdk-<hash> images were built from go with them.
  if (options.images && existsSync(pinnedContextsDir())) {
    say(`removing the pinned build contexts in ${pinnedContextsDir()}`);
    await rm(pinnedContextsDir(), { recursive: true, force: true });
    result.removed.push('pinned build contexts');
  }
  return result;
}

/**
 * Whether clean removes one of polytrace's images: an untagged build-cache image always, a base
 * image with baseImages, a chain image with images: every tag of it, the :dev of the checkout's
 * folders and the sdk-<hash> of a pinned set alike (both carry the owner label, no base label).
 */
export function removable(
  image: { RepoTags?: string[]; Labels?: Record<string, string> },
  options: Pick<CleanOptions, 'images' | 'baseImages'>,
): boolean {
  const tags = (image.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
  if (tags.length === 0) return true;
  return image.Labels?.[label.base] ? options.baseImages : options.images;
}

/**
 * Removes polytrace's images leaves first: the chain's (and with baseImages the base images), and
 * the untagged build-cache images under them, which carry the label they inherit from a base image.
 */
async function removeImages(
  docker: Awaited<ReturnType<typeof dockerode>>,
  options: CleanOptions,
  say: (message: string) => void,
): Promise<string[]> {
  const removed: string[] = [];
  const filters = labelFilter(label.owner);
  for (let round = 0; round < 50; round++) {
    const images = await docker.listImages({ all: true, filters });
    const parents = new Set(images.map((image) => image.ParentId).filter(Boolean));
    const leaves = images.filter((image) => !parents.has(image.Id) && removable(image, options));
    if (leaves.length === 0) return removed;
    for (const image of leaves) {
      const name = image.RepoTags?.find((t) => t !== '<none>:<none>');
      if (name) say(`removing image ${name}`);
      try {
        await docker.getImage(image.Id).remove({ force: true });
        if (name) removed.push(`image ${name}`);
      } catch (error) {
        say(`  could not remove image ${name ?? image.Id.slice(7, 19)}: ${(error as Error).message}`);
        return removed;
      }
    }
  }
  return removed;
}
