// One content hash for "has what this is built from changed?": the local
// runtime's build inputs and the docker runtime's build contexts both use it,
// so a build is redone only when a file it reads (or its salt: build
// arguments, base image IDs, the build commands) changed.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A short hash of the files (relative to `dir`, in the order given) with their names, and of `salt`. */
export async function hashFiles(dir: string, files: readonly string[], salt = ''): Promise<string> {
  const hash = createHash('sha256').update(salt);
  for (const file of files) {
    hash
      .update(file)
      .update('\0')
      .update(await readFile(join(dir, file)))
      .update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}
