// `polytrace pack FILE` and `polytrace unpack FILE`: what a workshop host
// carries to a room with no network.
import { resolve } from 'node:path';
import { cacheDir } from '../common/paths.js';
import { UsageError } from '../common/errors.js';
import { pack, unpack } from '../core/pack.js';
import { mib } from '../runtime/offline/pack-archive.js';
import { stderrProgress } from './progress-printer.js';

export async function packCommand(file: string, flags: { runtime: string }, signal: AbortSignal): Promise<number> {
  if (flags.runtime !== 'local') {
    throw new UsageError(
      `Expected --runtime local, got ${flags.runtime}: a pack carries the local runtime's packages; for docker, \`polytrace images save\` carries the images`,
    );
  }
  const result = await pack({ file: resolve(file), cacheRoot: cacheDir(), progress: stderrProgress(), signal });
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
    return `  ready: ${i.holds} (${versions.join(', ')})`;
  });
  process.stdout.write(
    `${items.join('\n')}\nunpacked in ${result.seconds.toFixed(0)}s into ${result.dir}: \`polytrace check --runtime local\` now builds with no network\n`,
  );
  return 0;
}
