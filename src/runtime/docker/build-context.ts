// A Dockerfile's build context as Docker's own client would send it: every
// file the .dockerignore lets through, and always the Dockerfile. The same
// list is hashed, so an image is rebuilt only when what it is built from
// changed (its files, its build arguments, the base images' IDs).
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import dockerignoreModule from '@balena/dockerignore';
import tar from 'tar-fs';

// A CommonJS module whose typings describe only its `.default`, which it also has.
const dockerignore = dockerignoreModule.default;

async function listAll(root: string, skipDir: (path: string) => boolean, dir = root): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const name = relative(root, path).split(sep).join('/');
    if (entry.isDirectory()) {
      if (!skipDir(name)) files.push(...(await listAll(root, skipDir, path)));
    } else files.push(name);
  }
  return files;
}

/** The context's files, relative and sorted, as the .dockerignore leaves them. */
export async function contextFiles(contextDir: string, dockerfile = 'Dockerfile'): Promise<string[]> {
  const ignoreFile = join(contextDir, '.dockerignore');
  const rules = existsSync(ignoreFile) ? await readFile(ignoreFile, 'utf8') : '';
  const ignore = dockerignore({ ignorecase: false }).add(rules);
  // An ignored folder (node_modules, target) is not walked, unless a `!` rule may bring files back.
  const negations = /^\s*!/m.test(rules);
  const all = await listAll(contextDir, (dir) => !negations && ignore.ignores(dir));
  // The daemon needs the Dockerfile even when .dockerignore leaves it out (Docker's client sends it too).
  return [...new Set([...ignore.filter(all), dockerfile])].sort();
}

export function packContext(contextDir: string, files: string[]): Readable {
  return tar.pack(contextDir, { entries: files }) as unknown as Readable;
}
