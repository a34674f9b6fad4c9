// The last lines of a log, to show under an error when something fails to build or start.
import { readFile } from 'node:fs/promises';

export async function logTail(path: string, lines = 15): Promise<string> {
  try {
    const text = await readFile(path, 'utf8');
    const tail = text.trimEnd().split('\n').slice(-lines);
    return tail.length > 0 && tail[0] !== ''
      ? `last lines of ${path}:\n${tail.map((l) => `  ${l}`).join('\n')}`
      : `${path} is empty`;
  } catch {
    return `no log at ${path}`;
  }
}
