// The attendee's progress, kept in the workspace (polytrace-lab.json): for each
// exercise started, whether it is fixed, the hop it last broke at, and how many
// hints were given.
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError } from '../common/errors.js';

export interface ExerciseProgress {
  /** `not-started`: hints asked for, no lab run yet. */
  state: 'not-started' | 'broken' | 'fixed';
  /** The hop the last verdict named, while broken. */
  brokenAt?: string;
  /** Hints given so far (0 to 3). */
  hints: number;
  /** When the exercise was last verified fixed, ISO 8601. */
  fixedAt?: string;
}

export type Progress = Record<string, ExerciseProgress>;

export const progressFile = (workspace: string) => join(resolve(workspace), 'polytrace-lab.json');

// The file is the attendee's, and may have been edited by hand: read it bounded, and only its known shape.
const maxBytes = 1 << 20;

export async function readProgress(workspace: string): Promise<Progress> {
  const path = progressFile(workspace);
  if (!existsSync(path)) return {};
  const text = await readFile(path, 'utf8');
  if (text.length > maxBytes)
    throw new UsageError(`${path}: expected a progress file under 1 MiB, got ${text.length} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path}: expected the lab's progress as JSON, got ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(
      `${path}: expected an object of exercises, got ${Array.isArray(parsed) ? 'a list' : typeof parsed}`,
    );
  }
  const progress: Progress = {};
  for (const [id, value] of Object.entries(parsed as Record<string, unknown>)) {
    const entry = value as Partial<ExerciseProgress> | null;
    if (!entry || !['not-started', 'broken', 'fixed'].includes(entry.state as string)) continue;
    const hints = typeof entry.hints === 'number' ? Math.max(0, Math.min(3, Math.floor(entry.hints))) : 0;
    progress[id] = {
      state: entry.state!,
      hints,
      ...(typeof entry.brokenAt === 'string' ? { brokenAt: entry.brokenAt } : {}),
      ...(typeof entry.fixedAt === 'string' ? { fixedAt: entry.fixedAt } : {}),
    };
  }
  return progress;
}

/** Changes one exercise's entry; written whole through a temporary file, so a crash never leaves half a file. */
export async function updateProgress(
  workspace: string,
  id: string,
  change: (now: ExerciseProgress) => ExerciseProgress,
): Promise<ExerciseProgress> {
  const progress = await readProgress(workspace);
  const next = change(progress[id] ?? { state: 'not-started', hints: 0 });
  progress[id] = next;
  const path = progressFile(workspace);
  await writeFile(`${path}.tmp`, `${JSON.stringify(progress, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
  return next;
}
