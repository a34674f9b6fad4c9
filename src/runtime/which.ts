// Finds an executable on a PATH, as a shell would.
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

export async function which(command: string, path = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, command);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}
