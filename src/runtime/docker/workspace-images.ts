// A lab's workspace on the docker runtime: the service the attendee edits is
// built from the workspace copy (the service's whole folder, its Dockerfile
// and .dockerignore included) under a tag of its own, so the image built from
// polytrace's tree stays as it is; after a save, that one image is built again
// and the engine's layer cache keeps it quick (each Dockerfile installs its
// dependencies in a layer of their own, before the sources are copied).
import { join } from 'node:path';
import { isServiceName } from '../../topology/names.js';
import type { Service } from '../../topology/types.js';
import type { RunOptions, RunPlan } from '../runtime.js';
import { builtFrom, ensureChainImages, imageId, type BaseChoice, type ChainComponent } from './chain-images.js';
import { dockerode, type Engine } from './engine.js';

/** The tag of a workspace's image: the tree's image name, tagged `lab` (`polytrace/api-gateway:lab`). */
export const workspaceImage = (treeImage: string): string => treeImage.replace(/:[^:/]+$/, '') + ':lab';

/** The run's components, each service the run builds from a workspace (`serviceSources`) built from there. */
export function withWorkspaces(
  components: readonly ChainComponent[],
  sources: RunOptions['serviceSources'] = {},
): ChainComponent[] {
  return components.map((c) => {
    const dir = isServiceName(c.name) ? sources[c.name] : undefined;
    return dir ? builtFrom(c, { contextDir: dir, image: workspaceImage(c.docker.image) }) : c;
  });
}

/** Builds a workspace's image again from the copy as it is now; says what it did. */
export type WorkspaceRebuild = (service: Service, plan: RunPlan) => Promise<string>;

/**
 * The rebuild of a run's workspace images, on the base images the run was built on. A build's
 * whole output goes to the run's logs/build/<service>.log; a build that fails throws with its
 * tail (the compiler's own lines), and the image the container runs stays as it was.
 */
export function workspaceRebuild(run: {
  engine: Engine;
  components: readonly ChainComponent[];
  base: BaseChoice;
}): WorkspaceRebuild {
  return async (service, plan) => {
    const component = run.components.find((c) => c.name === service.name);
    // Only a lab's run builds a service from a workspace, and only that one is rebuilt.
    if (!component || !plan.options.serviceSources?.[service.name])
      throw new Error(`rebuild(${service.name}): not built from a workspace in this run`);
    const image = component.docker.image;
    const docker = dockerode(run.engine);
    const before = await imageId(docker, image);
    const started = Date.now();
    await ensureChainImages(run.engine, {
      components: [component],
      base: run.base,
      baseImageOverrides: plan.options.baseImages,
      logDir: join(plan.runDir, 'logs', 'build'),
      // The lifecycle says what the rebuild did, once: from the image it left.
      progress: () => {},
      signal: plan.signal,
    });
    return (await imageId(docker, image)) === before
      ? `${image} is up to date`
      : `built ${image} in ${((Date.now() - started) / 1000).toFixed(1)}s`;
  };
}
