// An exercise's patches (labs/<id>/mistake.patch, solution.patch,
// shortcut.patch): unified diffs of the service's own files, paths relative to
// its folder, applied with jsdiff's applyPatch to the text in memory.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyPatch, parsePatch } from 'diff';
import { repoRoot } from '../common/paths.js';
import type { Exercise } from './exercise.js';

export type PatchName = 'mistake' | 'solution' | 'shortcut';

/** Where an exercise's patch is kept in polytrace's tree. */
const patchPath = (exercise: Exercise, name: PatchName) => join(repoRoot, 'labs', exercise.id, `${name}.patch`);

/** A file's text by its path relative to the service's folder. */
export type Files = ReadonlyMap<string, string>;

/** The path a patch names for a file, without git's `a/` or `b/`. */
const pathOf = (name: string | undefined) => (name ?? '').replace(/^[ab]\//, '');

/**
 * The files the patch changes, each as it is once applied to `files`. A patch that does not apply
 * (its context is not in the file) is a bug of the catalogue against today's source: it throws.
 */
export async function patched(exercise: Exercise, name: PatchName, files: Files): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const patch of parsePatch(await readFile(patchPath(exercise, name), 'utf8'))) {
    const path = pathOf(patch.newFileName ?? patch.oldFileName);
    const before = out.get(path) ?? files.get(path);
    if (before === undefined) {
      throw new Error(`Expected ${exercise.id}'s ${name}.patch to change a file of ${exercise.service}, got ${path}`);
    }
    const after = applyPatch(before, patch);
    if (after === false) throw new Error(`Expected ${exercise.id}'s ${name}.patch to apply to ${path}, it does not`);
    out.set(path, after);
  }
  return out;
}
