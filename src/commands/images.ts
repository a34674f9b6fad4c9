import { resolve } from 'node:path';
import { loadImages, prepareImages, saveImages } from '../core/images.js';
import { stderrProgress } from './progress-printer.js';

export async function imagesPrepareCommand(flags: { force?: boolean }, signal: AbortSignal): Promise<number> {
  const started = Date.now();
  await prepareImages({ force: Boolean(flags.force), progress: stderrProgress() }, signal);
  process.stdout.write(
    `images ready in ${((Date.now() - started) / 1000).toFixed(0)}s: \`polytrace check --runtime docker\` needs no registry now\n`,
  );
  return 0;
}

export async function imagesSaveCommand(file: string, signal: AbortSignal): Promise<number> {
  const names = await saveImages(resolve(file), stderrProgress(), signal);
  process.stdout.write(
    `${names.join('\n')}\nsaved to ${resolve(file)}: on the other machine, \`polytrace images load ${file}\`\n`,
  );
  return 0;
}

export async function imagesLoadCommand(file: string, signal: AbortSignal): Promise<number> {
  const names = await loadImages(resolve(file), stderrProgress(), signal);
  process.stdout.write(`${names.join('\n')}\nloaded: \`polytrace check --runtime docker\` runs from these\n`);
  return 0;
}
