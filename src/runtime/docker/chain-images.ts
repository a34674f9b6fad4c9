// The chain's images (the Collector, the four services and the broker), built from their
// Dockerfiles with fixed tags. An image whose label says it was built from the
// same inputs is used as it is, so a warm run builds nothing and an image
// loaded with `images load` on a machine without network is never rebuilt.
import { join } from 'node:path';
import { allOrFirstError } from '../../common/abort.js';
import { repoRoot } from '../../common/paths.js';
import type { Progress } from '../../common/progress.js';
import { officialImages, type BaseImageOverrides } from '../../topology/base-images.js';
import { broker, collector, services } from '../../topology/chain.js';
import type { BaseImageKind, DockerRecipe } from '../../topology/types.js';
import { hashFiles } from '../../common/hash-files.js';
import { contextFiles } from './build-context.js';
import { dockerode, type Dockerode, type Engine } from './engine.js';
import { buildImage } from './image-build.js';
import { ownImage, standInImage } from './image-names.js';
import { pullMissing } from './image-pull.js';
import { label } from './labels.js';

export interface ChainComponent {
  name: string;
  contextDir: string;
  docker: DockerRecipe;
  /** Build arguments of its own, beside the base images' (a pinned set's versions). */
  buildArgs?: Record<string, string>;
}

const component = (c: { name: string; dir: string; docker: DockerRecipe }): ChainComponent => ({
  name: c.name,
  contextDir: join(repoRoot, c.dir),
  docker: { ...c.docker, image: ownImage(c.docker.image) },
});

/** What every run starts: the Collector and the services. */
const coreComponents: ChainComponent[] = [collector, ...services].map(component);

/** Every image of the chain, the broker's included: what `images prepare` builds and `images save` keeps. */
export const chainComponents: ChainComponent[] = [...coreComponents, component(broker)];

/** The images one run needs: the broker's only when its flow goes through it. */
export function componentsOfRun(brokers: readonly string[]): ChainComponent[] {
  return chainComponents.filter((c) => coreComponents.includes(c) || brokers.includes(c.name));
}

/**
 * A component built from another folder under a tag of its own, so the image of the checkout's
 * folder stays as it is: a lab's workspace copy, or a context whose versions are pinned.
 */
export function builtFrom(
  component: ChainComponent,
  source: { contextDir: string; image: string; buildArgs?: Record<string, string> },
): ChainComponent {
  return {
    ...component,
    contextDir: source.contextDir,
    docker: { ...component.docker, image: source.image },
    ...(source.buildArgs ? { buildArgs: { ...component.buildArgs, ...source.buildArgs } } : {}),
  };
}

/** The image each component of a run starts from, by component name. */
export type RunImages = ReadonlyMap<string, string>;

export const runImages = (components: readonly ChainComponent[]): RunImages =>
  new Map(components.map((c) => [c.name, c.docker.image]));

/** The image's ID, or undefined when the engine does not have it. */
export async function imageId(docker: Dockerode, image: string): Promise<string | undefined> {
  try {
    return (await docker.getImage(image).inspect()).Id;
  } catch {
    return undefined;
  }
}

async function imageLabels(docker: Dockerode, image: string): Promise<Record<string, string> | undefined> {
  try {
    return (await docker.getImage(image).inspect()).Config?.Labels ?? {};
  } catch {
    return undefined;
  }
}

/** The stand-in base images these components need, and which of them this engine has (with their IDs). */
export async function localBaseImages(
  docker: Dockerode,
  components: readonly ChainComponent[] = chainComponents,
): Promise<{ needed: BaseImageKind[]; present: Map<BaseImageKind, string> }> {
  const needed = [...new Set(components.flatMap((c) => Object.values(c.docker.baseImages)))];
  const present = new Map<BaseImageKind, string>();
  for (const kind of needed) {
    const id = await imageId(docker, standInImage(kind));
    if (id) present.set(kind, id);
  }
  return { needed, present };
}

/** polytrace's stand-ins when all of them are here, else the Dockerfiles' defaults (the official images). */
export type BaseChoice = { kind: 'stand-ins' } | { kind: 'official' };

export async function chooseBaseImages(
  docker: Dockerode,
  components: readonly ChainComponent[] = chainComponents,
): Promise<BaseChoice> {
  const { needed, present } = await localBaseImages(docker, components);
  return needed.every((kind) => present.has(kind)) ? { kind: 'stand-ins' } : { kind: 'official' };
}

/**
 * The image each of a component's base-image build arguments stands for, and the build arguments
 * that say so: none for an official default (the Dockerfile names it), the stand-in's name, or the
 * user's own `--base-image`.
 */
export function resolveBaseImages(
  component: ChainComponent,
  base: BaseChoice,
  overrides: BaseImageOverrides,
): { images: Record<string, string>; buildArgs: Record<string, string> } {
  const images: Record<string, string> = {};
  const buildArgs: Record<string, string> = {};
  for (const [arg, kind] of Object.entries(component.docker.baseImages)) {
    const chosen = overrides[kind] ?? (base.kind === 'stand-ins' ? standInImage(kind) : undefined);
    images[arg] = chosen ?? officialImages[kind];
    if (chosen) buildArgs[arg] = chosen;
  }
  return { images, buildArgs };
}

export interface EnsureOptions {
  /** The images to have (every one of the chain's, unless a run needs fewer). */
  components?: readonly ChainComponent[];
  base: BaseChoice;
  baseImageOverrides: BaseImageOverrides;
  logDir: string;
  progress: Progress;
  signal: AbortSignal;
}

/**
 * Pulls the base images that are missing (with progress, and one clear error when a registry does
 * not answer), then builds every chain image that is missing or stale; builds run side by side,
 * as the local runtime's do.
 */
export async function ensureChainImages(engine: Engine, options: EnsureOptions): Promise<void> {
  const docker = dockerode(engine);
  const components = options.components ?? chainComponents;
  const bases = components.flatMap((c) => Object.values(resolveBaseImages(c, options.base, options.baseImageOverrides).images));
  await pullMissing(docker, [...new Set(bases)], { progress: options.progress, signal: options.signal });
  // The first failure cancels the other builds, so the error is shown now, not after them.
  await allOrFirstError(
    options.signal,
    components.map((component) => (signal) => ensureImage(docker, component, { ...options, signal })),
  );
}

async function ensureImage(docker: Dockerode, component: ChainComponent, options: EnsureOptions): Promise<void> {
  const { base, progress, signal } = options;
  const image = component.docker.image;
  const resolved = resolveBaseImages(component, base, options.baseImageOverrides);
  const { images } = resolved;
  const buildArgs = { ...resolved.buildArgs, ...component.buildArgs };
  const files = await contextFiles(component.contextDir);
  // The base images' IDs are inputs too: a re-prepared or newly pulled base image means a rebuild.
  const baseIds = await Promise.all(Object.values(images).map((ref) => imageId(docker, ref)));
  const inputs = await hashFiles(component.contextDir, files, JSON.stringify({ buildArgs, baseIds }));
  if ((await imageLabels(docker, image))?.[label.inputs] === inputs) {
    progress({ step: 'build', component: component.name, message: `${image} is up to date` });
    return;
  }
  const started = Date.now();
  progress({ step: 'build', component: component.name, message: `building ${image} (first time takes a while)…` });
  await buildImage(
    docker,
    {
      image,
      contextDir: component.contextDir,
      files,
      buildArgs,
      // Empty base and toolchain labels: an image inherits its base image's, and this one is not a base.
      labels: { [label.owner]: 'true', [label.component]: component.name, [label.inputs]: inputs, [label.base]: '', [label.toolchain]: '' },
      logPath: join(options.logDir, `${component.name}.log`),
      timeoutMs: 30 * 60_000,
    },
    signal,
  );
  progress({
    step: 'build',
    component: component.name,
    message: `built ${image} in ${((Date.now() - started) / 1000).toFixed(1)}s`,
  });
}
