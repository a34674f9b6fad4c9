// The real context of a resolution: the checkout's manifests, its default
// set, and the registries through the machine's own clients.
import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { officialNodeMajor } from '../../topology/base-images.js';
import {
  anchorDir,
  defaultSdkVersions,
  sdkAnchors,
  type SdkRequest,
  type SdkSet,
} from '../../topology/sdk-versions.js';
import { goClient } from './go-client.js';
import { mavenClient } from './maven-client.js';
import { npmClient } from './npm-client.js';
import { pipClient } from './pip-client.js';
import { resolveSdkSet } from './resolve-sdk-set.js';
import { diskLineCache } from './line-cache.js';
import { cacheDir } from '../../common/paths.js';

const resolved = new Map<string, Promise<SdkSet>>();

/**
 * The set a run asked for, resolved once per process (the runs of `bench` and a restart ask again
 * for the same set, and the registries' answers do not change within a run), each line from the
 * cache when it was resolved within a day (line-cache.ts). `node`: the Node.js the service runs on.
 */
export function resolveRequestedSdks(
  request: SdkRequest,
  { signal, node = process.versions.node }: { signal?: AbortSignal; node?: string } = {},
): Promise<SdkSet> {
  const key = JSON.stringify([Object.entries(request).sort(), node]);
  let set = resolved.get(key);
  if (!set) {
    // A signal of the resolution's own: its binary searches run many client calls at once, each
    // listening for the abort, beyond Node's default warning threshold of ten.
    const own = new AbortController();
    setMaxListeners(100, own.signal);
    if (signal?.aborted) own.abort();
    else signal?.addEventListener('abort', () => own.abort(), { once: true });
    set = resolveSdkSet(request, {
      registries: {
        go: goClient(own.signal),
        maven: mavenClient(own.signal),
        pip: pipClient(own.signal),
        npm: npmClient(own.signal),
      },
      // The local runtime runs the services on the `node` polytrace itself runs on (the first on
      // PATH); the docker runtime on its image's.
      machineNode: node,
      imageNodeMajor: officialNodeMajor(),
      defaults: defaultSdkVersions(),
      lineCache: diskLineCache(join(cacheDir(), 'sdk-lines')),
      manifest: (language) => readFileSync(join(anchorDir(language), sdkAnchors[language].manifest), 'utf8'),
    });
    // A failed resolution (a registry down) is tried again by the next run.
    set.catch(() => resolved.delete(key));
    resolved.set(key, set);
  }
  return set;
}
