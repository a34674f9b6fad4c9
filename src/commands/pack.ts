// `polytrace pack FILE` and `polytrace unpack FILE`: what a workshop host
// carries to a room with no network.
import { resolve } from 'node:path';
import { cacheDir } from '../common/paths.js';
import { UsageError } from '../common/errors.js';
import { pack, type PackRuntime } from '../core/pack.js';
import { unpack } from '../core/unpack.js';
import { mib } from '../runtime/offline/pack-archive.js';
import type { PackManifest } from '../runtime/offline/pack-manifest.js';
import { stderrProgress } from './progress-printer.js';
import { parseSdkFlags } from '../topology/sdk-versions.js';

export async function packCommand(
  file: string,
  flags: { runtime: PackRuntime; sdk: string[] },
  signal: AbortSignal,
): Promise<number> {
  const sdk = parseSdkFlags(flags.sdk);
  if (typeof sdk === 'string') throw new UsageError(sdk);
  if (Object.keys(sdk).length > 0 && flags.runtime !== 'local') {
    throw new UsageError(
      `Expected --runtime local with --sdk, got ${flags.runtime}: a pack carries other versions for the local runtime only`,
    );
  }
  const result = await pack({
    file: resolve(file),
    cacheRoot: cacheDir(),
    runtime: flags.runtime,
    sdk,
    progress: stderrProgress(),
    signal,
  });
  const items = result.manifest.items.map((i) => `  ${i.name.padEnd(7)} ${mib(i.bytes).padStart(8)}  ${i.holds}`);
  process.stdout.write(
    `${items.join('\n')}\npacked ${mib(result.bytes)} in ${result.seconds.toFixed(0)}s to ${resolve(file)}: on the other machine, \`polytrace unpack ${file}\`\n`,
  );
  return 0;
}

/** The check the pack was made for: its `--sdk` lines, as `pack` was given them. */
const checkCommand = (manifest: PackManifest): string =>
  [
    'polytrace check --runtime local',
    ...Object.values(manifest.sdkLines ?? {}).map((l) => `--sdk ${l.language}=${l.version}`),
  ].join(' ');

export async function unpackCommand(file: string, signal: AbortSignal): Promise<number> {
  const result = await unpack({ file: resolve(file), cacheRoot: cacheDir(), progress: stderrProgress(), signal });
  const items = result.manifest.items.map((i) => {
    const versions = Object.entries(i.versions).map(([k, v]) => `${k} ${v}`);
    const state = i.kind === 'images' && result.skipped ? 'carried, not loaded' : 'ready';
    return `  ${state}: ${i.holds} (${versions.join(', ')})`;
  });
  const images = result.images.map((image) => `  ready in the engine: ${image}`);
  if (result.skipped) images.push(`  not loaded: the pack's images (${result.skipped})`);
  const next = [
    result.dir && `\`${checkCommand(result.manifest)}\` now builds with no network from ${result.dir}`,
    result.images.length > 0 && '`polytrace check --runtime docker` now builds nothing and pulls nothing',
  ].filter(Boolean);
  process.stdout.write(
    `${[...items, ...images].join('\n')}\nunpacked in ${result.seconds.toFixed(0)}s: ${next.join('; ')}\n`,
  );
  return 0;
}
