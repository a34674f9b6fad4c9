// Where an unpacked pack lives: polytrace's own corner of its cache, never the
// user's global package caches (Go's module cache, ~/.m2, pip's and npm's). Its
// manifest being there is what turns the local builds offline; without it they
// reach the registries as before.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PackManifest } from './pack-manifest.js';

/** The package stores a pack carries, each a folder that one toolchain reads. */
export const packStores = ['gomod', 'maven', 'wheels', 'npm'] as const;
export type PackStore = (typeof packStores)[number];

/** The folder `polytrace unpack` fills, under polytrace's cache. */
export const offlineDir = (cacheRoot: string): string => join(cacheRoot, 'offline');

/** The manifest of the unpacked pack, or undefined when there is none (builds then go online). */
export function unpackedManifest(cacheRoot: string): PackManifest | undefined {
  try {
    return JSON.parse(readFileSync(join(offlineDir(cacheRoot), 'manifest.json'), 'utf8')) as PackManifest;
  } catch {
    return undefined;
  }
}
