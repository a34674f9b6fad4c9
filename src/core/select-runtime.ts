// Chooses the runtime: the one asked for, or for `auto` docker when an engine
// answers, else local. The reason is reported so the first lines say why.
import { EnvironmentError } from './errors.js';
import { LocalRuntime } from '../runtime/local/local-runtime.js';
import type { Runtime } from '../runtime/runtime.js';

export type RuntimeChoice = 'local' | 'docker' | 'auto';

export async function selectRuntime(choice: RuntimeChoice): Promise<{ runtime: Runtime; reason: string }> {
  if (choice === 'docker') {
    throw new EnvironmentError(
      'the docker runtime is not available yet in this version of polytrace: use --runtime local',
    );
  }
  if (choice === 'local') return { runtime: new LocalRuntime(), reason: 'asked for with --runtime local' };
  return { runtime: new LocalRuntime(), reason: 'auto: the docker runtime is not available yet, so local processes' };
}
