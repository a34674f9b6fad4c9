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
  type ResolvedSdk,
  type SdkRequest,
  type SdkSet,
} from '../../topology/sdk-versions.js';
import { goClient } from './go-client.js';
import { mavenClient } from './maven-client.js';
import { npmClient } from './npm-client.js';
import { pipClient } from './pip-client.js';
import { resolveSdkSet, type LineCache } from './resolve-sdk-set.js';
import { diskLineCache } from './line-cache.js';
import { cacheDir } from '../../common/paths.js';
import { unpackedManifest } from '../offline/offline-cache.js';

const resolved = new Map<string, Promise<SdkSet>>();

/** A signal of the resolution's own: its binary searches run many client calls at once, each listening for the abort, beyond Node's default warning threshold of ten. */
function ownSignal(signal?: AbortSignal): AbortSignal {
  const own = new AbortController();
  setMaxListeners(100, own.signal);
  if (signal?.aborted) own.abort();
  else signal?.addEventListener('abort', () => own.abort(), { once: true });
  return own.signal;
}

/**
 * The lines a run may take without asking: an unpacked pack's first (they are what its packages
 * were made for, however old), then the ones resolved within a day.
 */
function knownLines(): LineCache {
  const cacheRoot = cacheDir();
  const disk = diskLineCache(join(cacheRoot, 'sdk-lines'));
  return {
    get: async (key) => unpackedManifest(cacheRoot)?.sdkLines?.[key] ?? disk.get(key),
    set: (key, line) => disk.set(key, line),
  };
}

function resolveWith(
  request: SdkRequest,
  { signal, lineCache, node }: { signal: AbortSignal; lineCache: LineCache; node: string },
) {
  return resolveSdkSet(request, {
    registries: {
      go: goClient(signal),
      maven: mavenClient(signal),
      pip: pipClient(signal),
      npm: npmClient(signal),
    },
    // The local runtime runs the services on the `node` polytrace itself runs on (the first on
    // PATH); the docker runtime on its image's.
    machineNode: node,
    imageNodeMajor: officialNodeMajor(),
    defaults: defaultSdkVersions(),
    lineCache,
    manifest: (language) => readFileSync(join(anchorDir(language), sdkAnchors[language].manifest), 'utf8'),
  });
}

/**
 * The set a run asked for, resolved once per process (the runs of `bench` and a restart ask again
 * for the same set, and the registries' answers do not change within a run), each line from an
 * unpacked pack or from the cache when it was resolved within a day (line-cache.ts). `node`: the
 * Node.js the service runs on.
 */
export function resolveRequestedSdks(
  request: SdkRequest,
  { signal, node = process.versions.node }: { signal?: AbortSignal; node?: string } = {},
): Promise<SdkSet> {
  const key = JSON.stringify([Object.entries(request).sort(), node]);
  let set = resolved.get(key);
  if (!set) {
    set = resolveWith(request, { signal: ownSignal(signal), lineCache: knownLines(), node });
    // A failed resolution (a registry down) is tried again by the next run.
    set.catch(() => resolved.delete(key));
    resolved.set(key, set);
  }
  return set;
}

/**
 * The set a pack is made for, with each line it resolved under the key a resolution looks it up
 * by: the pack carries them, so that a room with no registry resolves the same set.
 */
export async function resolveForPack(
  request: SdkRequest,
  signal: AbortSignal,
): Promise<{ set: SdkSet; lines: Record<string, ResolvedSdk> }> {
  const known = knownLines();
  const lines: Record<string, ResolvedSdk> = {};
  // A pack is for the local runtime, whose services run on the `node` polytrace runs on.
  const set = await resolveWith(request, {
    node: process.versions.node,
    signal: ownSignal(signal),
    lineCache: {
      get: async (key) => {
        const line = await known.get(key);
        if (line) lines[key] = line;
        return line;
      },
      set: async (key, line) => {
        lines[key] = line;
        await known.set(key, line);
      },
    },
  });
  return { set, lines };
}
