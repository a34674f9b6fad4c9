// What `--runtime auto` and `doctor` need to know about Docker: does an engine
// answer, and can the chain's images be had without a registry (built
// already, polytrace's base images prepared, or the official ones present)?
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { baseImages } from '../../topology/chain.js';
import { chainComponents, imageId } from './chain-images.js';
import { connectEngine, dockerode, type Dockerode } from './engine.js';

export interface DockerReadiness {
  engine: { ok: boolean; detail: string };
  /** How the chain's images can be had here, or undefined when only a registry could help. */
  images?: 'chain images' | 'local base images' | 'official base images';
}

/** The official base images the Dockerfiles name as their build arguments' defaults. */
async function officialBaseImages(): Promise<string[]> {
  const images: string[] = [];
  for (const component of chainComponents) {
    const dockerfile = await readFile(join(component.contextDir, 'Dockerfile'), 'utf8');
    for (const arg of Object.keys(component.docker.baseImages)) {
      const image = new RegExp(`^ARG ${arg}=(\\S+)`, 'm').exec(dockerfile)?.[1];
      if (image) images.push(image);
    }
  }
  return images;
}

async function allPresent(docker: Dockerode, images: string[]): Promise<boolean> {
  for (const image of new Set(images)) if (!(await imageId(docker, image))) return false;
  return true;
}

export async function dockerReadiness(): Promise<DockerReadiness> {
  let docker: Dockerode;
  let detail: string;
  try {
    const engine = await connectEngine();
    docker = dockerode(engine);
    detail = `Docker engine ${engine.info.containerRuntime.serverVersion} answers`;
  } catch (error) {
    return { engine: { ok: false, detail: (error as Error).message } };
  }
  const needed = [...new Set(chainComponents.flatMap((c) => Object.values(c.docker.baseImages)))];
  const images = (await allPresent(docker, chainComponents.map((c) => c.docker.image)))
    ? 'chain images'
    : (await allPresent(docker, needed.map((kind) => baseImages[kind])))
      ? 'local base images'
      : (await allPresent(docker, await officialBaseImages()))
        ? 'official base images'
        : undefined;
  return { engine: { ok: true, detail }, ...(images ? { images } : {}) };
}
