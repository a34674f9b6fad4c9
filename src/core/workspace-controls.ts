// The lab page's buttons on the attendee's workspace: the next hint, the
// mistake put back, the reference fix written, as `polytrace lab hint`,
// `reset` and `solve` do. A running lab sees a reset or a solve of its own
// exercise as a save, and verifies it.
import { findExercise } from '../labs/catalog.js';
import type { Exercise } from '../labs/exercise.js';
import { nextHint } from '../labs/hints.js';
import { rewriteExercise } from '../labs/workspace.js';
import type { LabPageControls } from './lab-page-controls.js';

export function labPageControls(workspace: string): LabPageControls {
  const rewrite = async (exercise: Exercise, state: 'mistake' | 'solution') => {
    const { dir, backup } = await rewriteExercise({ workspace, exercise, state });
    const done = state === 'mistake' ? 'the mistake is back in place' : 'the reference fix is in place';
    return `${exercise.id}: ${done} in ${dir}${backup ? ` (the edits before are kept in ${backup})` : ''}`;
  };
  return {
    async hint(exercise) {
      const hint = await nextHint(workspace, exercise);
      return hint
        ? `${exercise.id}, hint ${hint.number}/${exercise.hints.length}: ${hint.text}`
        : `${exercise.id}: no more hints, the last one was the fix (solve writes it)`;
    },
    reset: (exercise) => rewrite(exercise, 'mistake'),
    solve: (exercise) => rewrite(exercise, 'solution'),
  };
}

/** The exercise a page's action names, or none: the page sends ids from the catalogue only. */
export const exerciseById = (id: unknown): Exercise | undefined =>
  typeof id === 'string' ? findExercise(id) : undefined;
