// Chooses the runtime: the one asked for, or for `auto` docker when an engine
// answers and the chain's images can be had, else local. The reason is
// reported so the first lines say why. The docker runtime is loaded only when
// it is wanted: a local run never loads testcontainers.
import { LocalRuntime } from '../runtime/local/local-runtime.js';
import type { Runtime, RuntimeChoice } from '../runtime/runtime.js';
import { localTargets } from '../runtime/local/build-targets.js';
import { missingToolchains } from '../runtime/toolchains.js';

async function dockerRuntime(): Promise<Runtime> {
  const { DockerRuntime } = await import('../runtime/docker/docker-runtime.js');
  return new DockerRuntime();
}

export async function selectRuntime(choice: RuntimeChoice): Promise<{ runtime: Runtime; reason: string }> {
  if (choice === 'docker') return { runtime: await dockerRuntime(), reason: 'asked for with --runtime docker' };
  if (choice === 'local') return { runtime: new LocalRuntime(), reason: 'asked for with --runtime local' };

  const { dockerAvailability } = await import('../runtime/docker/availability.js');
  const docker = await dockerAvailability();
  if (!docker.engine.ok) {
    return {
      runtime: new LocalRuntime(),
      reason: `auto: ${docker.engine.detail.replace(/, or use --runtime local$/, '')}; so local processes`,
    };
  }
  if (docker.images) {
    return {
      runtime: await dockerRuntime(),
      reason: `auto: ${docker.engine.detail} and the ${docker.images} are here`,
    };
  }
  // Nothing to build from but a registry: where the toolchains are here, local processes are the sure way.
  const missing = await missingToolchains(localTargets.flatMap((t) => t.recipe.toolchains));
  if (missing.length === 0) {
    return {
      runtime: new LocalRuntime(),
      reason: `auto: ${docker.engine.detail}, but no images are prepared (\`polytrace images prepare\` makes them); so local processes`,
    };
  }
  return {
    runtime: await dockerRuntime(),
    reason: `auto: ${docker.engine.detail} and ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing here; Docker pulls the official base images`,
  };
}
