// `polytrace images prepare|save|load` and `polytrace clean`: the docker
// runtime's chores. Loaded on demand, so a local run never loads testcontainers
// and the core never imports it. Returns data; prints nothing.
import type { Progress } from '../common/progress.js';

export async function prepareImages(
  options: { force: boolean; progress: Progress },
  signal: AbortSignal,
): Promise<void> {
  const { prepareImages: prepare } = await import('../runtime/docker/base-images/prepare.js');
  await prepare({ ...options, signal });
}

export async function saveImages(file: string, progress: Progress, signal: AbortSignal): Promise<string[]> {
  const { saveImages: save } = await import('../runtime/docker/image-archive.js');
  return save(file, progress, signal);
}

export async function loadImages(file: string, progress: Progress, signal: AbortSignal): Promise<string[]> {
  const { loadImages: load } = await import('../runtime/docker/image-archive.js');
  return load(file, progress, signal);
}

export interface CleanOptions {
  images: boolean;
  baseImages: boolean;
  force: boolean;
  progress: Progress;
}

export async function clean(options: CleanOptions): Promise<{ removed: string[]; spared: string[] }> {
  const { clean: run } = await import('../runtime/docker/clean.js');
  return run(options);
}
