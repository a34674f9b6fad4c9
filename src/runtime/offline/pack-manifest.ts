// The manifest a pack opens with: what made it (polytrace's version, the
// platform, the toolchains), and each item with its size and sha256, so that
// `unpack` can refuse a pack for another machine before it writes anything and
// check every byte after.
import { arch, platform } from 'node:os';
import type { ResolvedSdk } from '../../topology/sdk-versions.js';

/** 2: items have a kind, and a pack may carry the docker runtime's images. */
export const packFormat = 2;

export interface PackItem {
  /** Its entry in the archive: `items/<name>.tar.gz`. */
  name: string;
  /**
   * `store`: a folder of packages, unpacked into polytrace's cache for the local runtime.
   * `images`: a docker image archive (as `docker save` writes it, gzipped), loaded into the engine.
   */
  kind: 'store' | 'images';
  /** With `images`: every image the archive holds. */
  images?: string[];
  /** What it holds, in a few words, for `unpack` to say what is ready. */
  holds: string;
  /** The versions it was made for (the OpenTelemetry line of each component it serves, the builder's). */
  versions: Record<string, string>;
  bytes: number;
  sha256: string;
}

export interface PackManifest {
  format: number;
  polytrace: string;
  /** `<os>-<arch>`: wheels and the Collector's build are for this platform only. */
  platform: string;
  /** Each toolchain's own first line of its version, as the pack was made with it. */
  toolchains: Record<string, string>;
  created: string;
  items: PackItem[];
  /**
   * The OpenTelemetry lines the pack was made for other than the defaults (`pack --sdk`), under
   * the keys a resolution looks them up by: with no registry, `--sdk` resolves to these.
   */
  sdkLines?: Record<string, ResolvedSdk>;
}

export const thisPlatform = (): string => `${platform()}-${arch()}`;

/** The entry of an item in the archive. */
export const itemEntry = (name: string): string => `items/${name}.tar.gz`;
