// One `lab start` per workspace: a lock file holding the pid of the polytrace
// that runs the lab. A lock whose process is gone (a crash, a kill -9) is
// stale, and the next start takes it over.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError } from '../common/errors.js';
import { isAlive } from '../common/process-alive.js';

const lockFile = (workspace: string) => join(resolve(workspace), '.polytrace-lab.lock');

/** The error for a workspace whose lock a live process (not this one) holds, or undefined. */
async function heldBy(workspace: string): Promise<UsageError | undefined> {
  const pid = Number.parseInt((await readFile(lockFile(workspace), 'utf8').catch(() => '')).slice(0, 20), 10);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !isAlive(pid)) return undefined;
  return new UsageError(
    `a lab already runs in ${resolve(workspace)} (pid ${pid}): stop it first, or pass --workspace DIR`,
  );
}

/**
 * Throws the lock's own error when another lab runs in the workspace: what a start checks before
 * it shows anything (the lab page's address), so that a second start says one line. Taking the
 * lock (lockWorkspace) stays what keeps two starts apart.
 */
export async function assertWorkspaceFree(workspace: string): Promise<void> {
  const held = await heldBy(workspace);
  if (held) throw held;
}

/** Takes the workspace's lock for this process; returns what releases it. */
export async function lockWorkspace(workspace: string): Promise<() => Promise<void>> {
  const path = lockFile(workspace);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      // `wx`: made only if absent, so two starts at once cannot both take it.
      await writeFile(path, `${process.pid}\n`, { flag: 'wx' });
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const held = await heldBy(workspace);
      if (held) throw held;
      // Stale: its process is gone.
      await rm(path, { force: true });
    }
  }
  throw new UsageError(`could not take the lock ${path}: another lab start took it at the same moment`);
}
