// The Node.js the notification-service's image really runs: what its base
// image says in NODE_VERSION (the official node image and polytrace's
// stand-in both set it). A JS line is resolved against it, not against the
// machine's Node, and a line that image cannot run is the user's to change.
import { UsageError } from '../../common/errors.js';
import { officialImages, officialNodeMajor, type BaseImageOverrides } from '../../topology/base-images.js';
import type { ResolvedSdk } from '../../topology/sdk-versions.js';
import type { BaseChoice } from './chain-images.js';
import type { Dockerode } from './engine.js';
import { standInImage } from './image-names.js';

/** The node image the run builds on, and its Node version; an image not pulled yet is taken at its tag's major. */
export async function imageNode(
  docker: Dockerode,
  { base, overrides }: { base: BaseChoice; overrides: BaseImageOverrides },
): Promise<{ image: string; version: string }> {
  const image = overrides.node ?? (base.kind === 'stand-ins' ? standInImage('node') : officialImages.node);
  const env = await docker
    .getImage(image)
    .inspect()
    .then((info) => info.Config?.Env ?? [])
    .catch(() => [] as string[]);
  const said = env.find((e) => e.startsWith('NODE_VERSION='))?.slice('NODE_VERSION='.length);
  return { image, version: said && /^\d+\.\d+\.\d+$/.test(said) ? said : `${officialNodeMajor()}.0.0` };
}

/**
 * A JS line whose packages' `engines` the image's Node does not satisfy: the resolution names the
 * Node they need (`line.node`), which the local runtime installs and a container image cannot.
 */
export function assertImageRunsLine(line: ResolvedSdk, node: { image: string; version: string }): void {
  if (!line.node) return;
  throw new UsageError(
    `Expected ${node.image} to run Node.js that nodejs ${line.version}'s packages allow, got ${node.version}: they need Node ${line.node} (--runtime local brings it from the npm registry)`,
  );
}
