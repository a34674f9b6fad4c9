// `polytrace images prepare`: the images a machine without a registry needs.
// First the stand-in base images (a debootstrapped Debian, then one image per
// toolchain from docker/base-images/), then the chain's own images built on
// them, so `check --runtime docker` starts at once and `images save` has
// everything a workshop room needs.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { dockerCacheDir, repoRoot } from '../../../common/paths.js';
import type { Progress } from '../../../common/progress.js';
import { standInImage } from '../image-names.js';
import type { BaseImageKind } from '../../../topology/types.js';
import { contextFiles } from '../build-context.js';
import { chooseBaseImages, ensureChainImages, imageId, localBaseImages } from '../chain-images.js';
import { connectEngine, dockerode } from '../engine.js';
import { buildImage } from '../image-build.js';
import { label } from '../labels.js';
import { assertCanBootstrap, bootstrapDebian } from './rootfs.js';
import { stagers } from './machine-toolchains.js';

export interface PrepareOptions {
  /** Rebuild the base images even when they are there. */
  force: boolean;
  progress: Progress;
  signal: AbortSignal;
}


export async function prepareImages(options: PrepareOptions): Promise<void> {
  const { progress, signal, force } = options;
  const say = (message: string) => progress({ step: 'build', message });
  const engine = await connectEngine();
  const docker = dockerode(engine);
  const workDir = dockerCacheDir();
  const { needed } = await localBaseImages(docker);

  const debianMissing = force || !(await imageId(docker, standInImage('debian')));
  const missing: BaseImageKind[] = [];
  for (const kind of needed) {
    if (debianMissing || !(await imageId(docker, standInImage(kind)))) missing.push(kind);
  }
  if (debianMissing) {
    await assertCanBootstrap();
    const started = Date.now();
    await bootstrapDebian(docker, { workDir, image: standInImage('debian'), say }, signal);
    say(`made ${standInImage('debian')} in ${seconds(started)}`);
  } else {
    say(`${standInImage('debian')} is here`);
  }

  for (const kind of needed) {
    const image = standInImage(kind);
    if (!missing.includes(kind)) {
      say(`${image} is here`);
      continue;
    }
    if (kind === 'debian') continue;
    const started = Date.now();
    const contextDir = join(workDir, 'stage', kind);
    await rm(contextDir, { recursive: true, force: true });
    await mkdir(contextDir, { recursive: true });
    try {
      await copyFile(join(repoRoot, 'docker', 'base-images', kind, 'Dockerfile'), join(contextDir, 'Dockerfile'));
      say(`staging the machine's toolchain for ${image}…`);
      const { toolchain, buildArgs } = await stagers[kind](contextDir, signal);
      say(`building ${image} (${toolchain})…`);
      await buildImage(
        docker,
        {
          image,
          contextDir,
          files: await contextFiles(contextDir),
          buildArgs: { DEBIAN_IMAGE: standInImage('debian'), ...buildArgs },
          labels: { [label.owner]: 'true', [label.base]: kind, [label.toolchain]: toolchain },
          logPath: join(workDir, 'logs', `base-${kind}.log`),
          timeoutMs: 20 * 60_000,
        },
        signal,
      );
      say(`built ${image} in ${seconds(started)}`);
    } finally {
      await rm(contextDir, { recursive: true, force: true });
    }
  }

  const base = await chooseBaseImages(docker);
  await ensureChainImages(engine, { base, baseImageOverrides: {}, logDir: join(workDir, 'logs'), progress, signal });
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)}s`;
