// The one door to the Docker engine: testcontainers finds it (DOCKER_HOST,
// ~/.testcontainers.properties, the usual sockets) and the rest of the docker
// runtime goes through the client it returns. Nothing outside
// src/runtime/docker/ imports testcontainers.
import { getContainerRuntimeClient, type ContainerRuntimeClient } from 'testcontainers';
import { EnvironmentError } from '../../common/errors.js';

// Read by testcontainers when it first needs them, so they are set before any call:
// - Ryuk, its reaper container, cannot be pulled here and would publish its port on every
//   interface; polytrace's own reaper (../reaper/reaper.ts) and labels take its place.
// - Published ports are reached on 127.0.0.1 only, never through "localhost" (which may be ::1)
//   or a bridge address.
process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';

export type Engine = ContainerRuntimeClient;
export type Dockerode = ContainerRuntimeClient['container']['dockerode'];

const connectTimeoutMs = 15_000;

const engineHint = 'start the Docker engine (as root: `dockerd &`, or `systemctl start docker`)';

/** The engine, or an EnvironmentError when none answers within a bounded time. */
export async function connectEngine(): Promise<Engine> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${connectTimeoutMs / 1000}s`)),
      connectTimeoutMs,
    );
  });
  try {
    return await Promise.race([getContainerRuntimeClient(), timeout]);
  } catch (error) {
    throw new EnvironmentError(`no Docker engine answers (${(error as Error).message}): ${engineHint}, or use --runtime local`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}

export const dockerode = (engine: Engine): Dockerode => engine.container.dockerode;
