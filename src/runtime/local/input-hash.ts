// A content hash of the files a build depends on, so a build is redone only
// when one of them changed (the Collector: only when its manifest changed).
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { hashFiles } from '../../common/hash-files.js';

// Build outputs and caches inside service folders: never inputs.
const skipped = new Set(['node_modules', 'target', '.venv', 'venv', '__pycache__', '.git']);

function globToRegExp(glob: string): RegExp {
  const pattern = glob
    .split('**')
    .map((part) =>
      part
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]'),
    )
    .join('.*');
  return new RegExp(`^${pattern}$`);
}

async function listFiles(dir: string, root = dir): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (skipped.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path, root)));
    else if (entry.isFile()) files.push(relative(root, path).split(sep).join('/'));
  }
  return files;
}

/** The files under `dir` (relative, `/`-separated, sorted) that match one of the globs. */
export async function inputFiles(dir: string, globs: string[]): Promise<string[]> {
  const patterns = globs.map(globToRegExp);
  return (await listFiles(dir)).filter((f) => patterns.some((p) => p.test(f))).sort();
}

export async function hashInputs(dir: string, globs: string[], salt = ''): Promise<string> {
  return hashFiles(dir, await inputFiles(dir, globs), salt);
}
