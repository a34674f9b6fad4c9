// An attendee's workspace: one folder per exercise, a copy of that service's
// own sources with the mistake in place, which the attendee edits and the lab
// builds from. Reset and solve rewrite it, never losing an edit: a folder that
// is not as the lab left it is moved aside first.
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { repoRoot } from '../common/paths.js';
import { serviceNamed } from '../topology/chain.js';
import type { Exercise } from './exercise.js';
import { patched, type Files } from './patches.js';

/** The workspace when none is named: beside where the attendee runs polytrace. */
export const defaultWorkspace = 'polytrace-lab';

// Build outputs and caches: never part of the copy, never an edit.
const skipped = new Set(['node_modules', 'target', '.venv', 'venv', '__pycache__', '.git', '_build', 'bin']);
const skippedFile = (name: string) => name.endsWith('.db') || name.endsWith('.log') || name.endsWith('.pyc');

/** The folder of one exercise inside a workspace. */
export const exerciseDir = (workspace: string, exercise: Exercise) => join(resolve(workspace), exercise.id);

/** The service's folder in polytrace's tree. */
const treeDir = (exercise: Exercise) => join(repoRoot, serviceNamed(exercise.service).dir);

async function listFiles(dir: string, root = dir): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (skipped.has(entry.name) || skippedFile(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path, root)));
    else if (entry.isFile()) files.push(relative(root, path).split(sep).join('/'));
  }
  return files.sort();
}

/** Every source file of a folder (build outputs left out), by relative path. */
export async function readFiles(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const file of await listFiles(dir)) files.set(file, await readFile(join(dir, file), 'utf8'));
  return files;
}

/** The service's sources as the lab hands them out (`mistake`), or with the reference fix too (`solution`). */
export async function exerciseFiles(exercise: Exercise, state: 'mistake' | 'solution'): Promise<Map<string, string>> {
  const files = await readFiles(treeDir(exercise));
  const mistaken = new Map([...files, ...(await patched(exercise, 'mistake', files))]);
  if (state === 'mistake') return mistaken;
  return new Map([...mistaken, ...(await patched(exercise, 'solution', mistaken))]);
}

const sameFiles = (a: Files, b: Files) => a.size === b.size && [...a].every(([path, text]) => b.get(path) === text);

async function writeFiles(dir: string, files: Files): Promise<void> {
  for (const [path, text] of files) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

/** What `prepare` did: made the folder, or found the attendee's own there and kept it. */
export type Prepared = { dir: string; made: boolean };

/** The exercise's folder: made with the mistake in place, or, when it is there already, kept as the attendee left it. */
export async function prepareExercise(workspace: string, exercise: Exercise): Promise<Prepared> {
  const dir = exerciseDir(workspace, exercise);
  if (existsSync(dir)) return { dir, made: false };
  await mkdir(dir, { recursive: true });
  // The whole service folder (its README, Dockerfile, tests too), so it reads as the service does.
  await cp(treeDir(exercise), dir, {
    recursive: true,
    filter: (source) => !source.split(sep).some((part) => skipped.has(part)) && !skippedFile(source),
  });
  await writeFiles(dir, await patched(exercise, 'mistake', await readFiles(dir)));
  return { dir, made: true };
}

/**
 * Rewrites the exercise's folder to `state`. When it holds edits of the attendee's (it is neither
 * as the lab handed it out nor as the reference fix), it is moved aside first: the backup's path
 * is returned.
 */
export async function rewriteExercise({
  workspace,
  exercise,
  state,
}: {
  workspace: string;
  exercise: Exercise;
  state: 'mistake' | 'solution';
}): Promise<{ dir: string; backup?: string }> {
  const dir = exerciseDir(workspace, exercise);
  const wanted = await exerciseFiles(exercise, state);
  let backup: string | undefined;
  if (existsSync(dir)) {
    const now = await readFiles(dir);
    if (sameFiles(now, wanted)) return { dir };
    const untouched = await exerciseFiles(exercise, state === 'mistake' ? 'solution' : 'mistake');
    if (!sameFiles(now, untouched)) {
      backup = `${dir}.backup-${new Date().toISOString().replace(/[-:.]/g, '')}`;
      await rename(dir, backup);
    }
  }
  if (!existsSync(dir)) await prepareExercise(workspace, exercise);
  await writeFiles(dir, wanted);
  return backup ? { dir, backup } : { dir };
}
