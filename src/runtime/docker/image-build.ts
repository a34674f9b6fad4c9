// Builds one image from a Dockerfile through the engine's API (the classic
// builder, as testcontainers' own builds: no Dockerfile frontend to pull),
// with the whole output in a log file, so a failure shows where and why.
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { EnvironmentError } from '../../common/errors.js';
import { logTail } from '../../common/log-tail.js';
import { packContext } from './build-context.js';
import type { Dockerode } from './engine.js';

export interface ImageBuild {
  /** Tag to build, e.g. polytrace/api-gateway:dev. */
  image: string;
  contextDir: string;
  /** Files of the context to send (see contextFiles). */
  files: string[];
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  logPath: string;
  /** A cold Maven or Collector build takes minutes; still, no build waits forever. */
  timeoutMs: number;
}

interface BuildEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
}

// What the engine says when a FROM image is neither on the machine nor pullable.
const pullFailure = /pull access denied|manifest unknown|not found: manifest|no such host|dial tcp|registry-1\.docker\.io|i\/o timeout|TLS handshake/i;

/** Builds the image; resolves true when a step actually ran, false when every step came from the cache. */
export async function buildImage(docker: Dockerode, build: ImageBuild, signal: AbortSignal): Promise<boolean> {
  await mkdir(dirname(build.logPath), { recursive: true });
  const log = createWriteStream(build.logPath);
  let step = '';
  let failure: string | undefined;
  let ran = false;
  const abort = AbortSignal.any([signal, AbortSignal.timeout(build.timeoutMs)]);
  try {
    const stream = await docker.buildImage(packContext(build.contextDir, build.files), {
      t: build.image,
      buildargs: build.buildArgs,
      labels: build.labels,
      // Intermediate containers go away after a failed step too: a build leaves no container behind.
      rm: true,
      forcerm: true,
      abortSignal: abort,
    } as Parameters<Dockerode['buildImage']>[1]);
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (error: Error | null) => (error ? reject(error) : resolve()),
        (event: BuildEvent) => {
          const text = event.stream ?? (event.status ? `${event.status}\n` : '');
          if (text) log.write(text);
          if (/^Step \d+\/\d+ : /.test(text)) step = text.replace(/^Step \d+\/\d+ : /, '').trim();
          if (/---> Running in /.test(text)) ran = true;
          if (event.error) {
            failure = event.errorDetail?.message ?? event.error;
            log.write(`${failure}\n`);
          }
        },
      );
    });
  } catch (error) {
    signal.throwIfAborted();
    failure ??= abort.aborted ? `no result within ${build.timeoutMs / 60_000} minutes` : (error as Error).message;
  } finally {
    log.end();
    await once(log, 'close').catch(() => {});
  }
  if (failure !== undefined) {
    const where = step ? ` at \`${step.length > 90 ? `${step.slice(0, 89)}…` : step}\`` : '';
    const hint = pullFailure.test(failure)
      ? ': a base image is missing and cannot be pulled here; run `polytrace images prepare` to make local ones'
      : '';
    throw new EnvironmentError(`building image ${build.image} failed${where}${hint}`, { detail: await logTail(build.logPath) });
  }
  return ran;
}
