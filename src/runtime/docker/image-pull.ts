// Pulls the base images a build needs before the build starts, so the user
// sees which image is coming and how far along it is, and a registry that
// does not answer is one clear error naming the image, not a failed build
// step half-way through a Dockerfile.
import { EnvironmentError } from '../../common/errors.js';
import type { Progress } from '../../common/progress.js';
import type { Dockerode } from './engine.js';

interface PullEvent {
  id?: string;
  status?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

/** How often a pull in progress is reported. */
const reportEveryMs = 3000;

const pullHint =
  'without a registry, make local base images with `polytrace images prepare` (or `polytrace images load FILE` from another machine), or use --runtime local';

/** Pulls each image the engine does not have; all at once, each reported as it goes. */
/** What a pull reports to, and what cancels it. */
interface PullContext {
  progress: Progress;
  signal: AbortSignal;
}

export async function pullMissing(docker: Dockerode, images: string[], context: PullContext): Promise<void> {
  const missing: string[] = [];
  for (const image of images) {
    const present = await docker.getImage(image).inspect().then(() => true, () => false);
    if (!present) missing.push(image);
  }
  await Promise.all(missing.map((image) => pull(docker, image, context)));
}

async function pull(docker: Dockerode, image: string, { progress, signal }: PullContext): Promise<void> {
  const started = Date.now();
  const say = (message: string) => progress({ step: 'build', message });
  say(`pulling base image ${image}…`);
  const layers = new Map<string, { current: number; total: number; done: boolean }>();
  let lastReport = Date.now();
  try {
    const stream = await docker.pull(image, { abortSignal: signal } as object);
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (error: Error | null) => (error ? reject(error) : resolve()),
        (event: PullEvent) => {
          if (event.error) reject(new Error(event.errorDetail?.message ?? event.error));
          if (!event.id || event.id === image.split(':').pop()) return;
          const layer = layers.get(event.id) ?? { current: 0, total: 0, done: false };
          if (event.status === 'Downloading' && event.progressDetail?.total) {
            layer.current = event.progressDetail.current ?? 0;
            layer.total = event.progressDetail.total;
          }
          if (event.status === 'Pull complete' || event.status === 'Already exists') layer.done = true;
          layers.set(event.id, layer);
          if (Date.now() - lastReport >= reportEveryMs) {
            lastReport = Date.now();
            say(`pulling ${image}: ${describe(layers)}`);
          }
        },
      );
    });
  } catch (error) {
    signal.throwIfAborted();
    const reason = ((error as Error).message ?? String(error)).split('\n')[0]!.trim().replace(/^\(HTTP code \d+\) [a-z ]+ - /, '');
    throw new EnvironmentError(`could not pull base image ${image} (${shorten(reason)}): ${pullHint}`, {
      cause: error,
    });
  }
  say(`pulled ${image} in ${((Date.now() - started) / 1000).toFixed(1)}s (${describe(layers)})`);
}

function describe(layers: Map<string, { current: number; total: number; done: boolean }>): string {
  const all = [...layers.values()];
  const megabytes = (bytes: number) => (bytes / 1e6).toFixed(0);
  const total = all.reduce((sum, l) => sum + l.total, 0);
  const current = all.reduce((sum, l) => sum + (l.done ? l.total : l.current), 0);
  const done = all.filter((l) => l.done).length;
  return `${done}/${all.length} layers${total ? `, ${megabytes(current)}/${megabytes(total)} MB` : ''}`;
}

const shorten = (text: string) => (text.length > 160 ? `${text.slice(0, 159)}…` : text);
