// Resolved lines kept in polytrace's cache for a day. A release's own
// metadata never changes, but "the newest contrib release made for it" can,
// once a new one is published: a day old at most, a resolution asks again.
// Within a day, a matrix whose cells share a version, or the next run of a
// cell, starts no `mvn`, `pip` or `npm` to ask (each costs seconds).
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolvedSdk } from '../../topology/sdk-versions.js';
import type { LineCache } from './resolve-sdk-set.js';

/** How long a resolved line is used again. */
export const lineCacheMs = 24 * 60 * 60_000;
/** A resolved line is a few kilobytes; a larger file is not one of ours. */
const maxEntryBytes = 1024 * 1024;

interface Entry {
  resolvedAt: number;
  key: string;
  line: ResolvedSdk;
}

export function diskLineCache(dir: string, now: () => number = Date.now): LineCache {
  const path = (key: string) => join(dir, `${createHash('sha256').update(key).digest('hex')}.json`);
  return {
    async get(key) {
      try {
        const file = path(key);
        if ((await stat(file)).size > maxEntryBytes) return undefined;
        const entry = JSON.parse(await readFile(file, 'utf8')) as Entry;
        const fresh = now() - entry.resolvedAt < lineCacheMs && entry.resolvedAt <= now();
        return fresh && entry.key === key ? entry.line : undefined;
      } catch {
        return undefined; // none yet, or unreadable: resolve again
      }
    },
    async set(key, line) {
      await mkdir(dir, { recursive: true });
      const file = path(key);
      // Written whole, then renamed: a run reading at the same moment sees the old entry or the new.
      const temporary = `${file}.${process.pid}.tmp`;
      const entry: Entry = { resolvedAt: now(), key, line };
      await writeFile(temporary, JSON.stringify(entry));
      await rename(temporary, file);
    },
  };
}
