import { clean } from '../core/images.js';
import { stderrProgress } from './progress-printer.js';

export async function cleanCommand(flags: { images?: boolean; all?: boolean; force?: boolean }): Promise<number> {
  const result = await clean({
    images: Boolean(flags.images || flags.all),
    baseImages: Boolean(flags.all),
    force: Boolean(flags.force),
    progress: stderrProgress(),
  });
  const what =
    result.removed.length === 0
      ? 'nothing of polytrace was left'
      : `removed ${result.removed.length}: ${result.removed.join(', ')}`;
  process.stdout.write(`${what}\n`);
  if (result.spared.length > 0) {
    process.stdout.write(`spared, their run is still going (--force removes them too): ${result.spared.join(', ')}\n`);
  }
  return 0;
}
