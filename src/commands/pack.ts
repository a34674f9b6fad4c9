// `polytrace pack FILE` and `polytrace unpack FILE`: what a workshop host
// carries to a room with no network.
import { resolve } from 'node:path';
import { cacheDir } from '../common/paths.js';
import { pack, unpack, type PackRuntime } from '../core/pack.js';
import { mib } from '../runtime/offline/pack-archive.js';
import { stderrProgress } from './progress-printer.js';

export async function packCommand(file: string, flags: { runtime: PackRuntime }, signal: AbortSignal): Promise<number> {
  const result = await pack({
    file: resolve(file),
    cacheRoot: cacheDir(),
    runtime: flags.runtime,
    progress: stderrProgress(),
    signal,
  });
  const items = result.manifest.items.map((i) => `  ${i.name.padEnd(7)} ${mib(i.bytes).padStart(8)}  ${i.holds}`);
  process.stdout.write(
    `${items.join('\n')}\npacked ${mib(result.bytes)} in ${result.seconds.toFixed(0)}s to ${resolve(file)}: on the other machine, \`polytrace unpack ${file}\`\n`,
  );
  return 0;
}

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
    result.dir && `\`polytrace check --runtime local\` now builds with no network from ${result.dir}`,
    result.images.length > 0 && '`polytrace check --runtime docker` now builds nothing and pulls nothing',
  ].filter(Boolean);
  process.stdout.write(
    `${[...items, ...images].join('\n')}\nunpacked in ${result.seconds.toFixed(0)}s: ${next.join('; ')}\n`,
  );
  return 0;
}
