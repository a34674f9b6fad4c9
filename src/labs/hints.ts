// The next hint of an exercise: each once, from vague to exact; how many were
// given is kept with the attendee's progress.
import type { Exercise } from './exercise.js';
import { readProgress, updateProgress } from './progress.js';

export async function nextHint(
  workspace: string,
  exercise: Exercise,
): Promise<{ number: number; text: string } | undefined> {
  const given = (await readProgress(workspace))[exercise.id]?.hints ?? 0;
  if (given >= exercise.hints.length) return undefined;
  await updateProgress(workspace, exercise.id, (now) => ({ ...now, hints: given + 1 }));
  return { number: given + 1, text: exercise.hints[given]! };
}
