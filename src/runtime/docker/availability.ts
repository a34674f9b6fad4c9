// What `--runtime auto` and `doctor` need to know about Docker: does an engine
// answer, and can the chain's images be had without a registry (built
// already, polytrace's base images prepared, or the official ones present)?
import { officialImages } from '../../topology/base-images.js';
import { standInImage } from './image-names.js';
import { componentsOfRun, imageId } from './chain-images.js';
import { connectEngine, dockerode, type Dockerode } from './engine.js';

export interface DockerAvailability {
  engine: { ok: boolean; detail: string };
  /** How the chain's images can be had here, or undefined when only a registry could help. */
  images?: 'chain images' | 'local base images' | 'official base images';
}

async function allPresent(docker: Dockerode, images: string[]): Promise<boolean> {
  for (const image of new Set(images)) if (!(await imageId(docker, image))) return false;
  return true;
}

export async function dockerAvailability(): Promise<DockerAvailability> {
  let docker: Dockerode;
  let detail: string;
  try {
    const engine = await connectEngine();
    docker = dockerode(engine);
    detail = `Docker engine ${engine.info.containerRuntime.serverVersion} answers`;
  } catch (error) {
    return { engine: { ok: false, detail: (error as Error).message } };
  }
  // What a run without a broker needs: the broker's image is had when a run asks for it.
  const components = componentsOfRun([]);
  const needed = [...new Set(components.flatMap((c) => Object.values(c.docker.baseImages)))];
  const images = (await allPresent(docker, components.map((c) => c.docker.image)))
    ? 'chain images'
    : (await allPresent(docker, needed.map((kind) => standInImage(kind))))
      ? 'local base images'
      : (await allPresent(docker, needed.map((kind) => officialImages[kind])))
        ? 'official base images'
        : undefined;
  return { engine: { ok: true, detail }, ...(images ? { images } : {}) };
}
