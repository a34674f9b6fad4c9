// What the lab view shows, made from the exercise, the newest round's trace and
// verdict, and the workspace's progress file.
import type { Exercise } from '../labs/exercise.js';
import { exercises } from '../labs/catalog.js';
import { exerciseHops } from '../labs/hops.js';
import { readProgress } from '../labs/progress.js';
import type { LabVerdict } from '../labs/verdict.js';
import { serviceNamed } from '../topology/chain.js';
import type { TraceResult } from '../verify/result.js';
import type { LabView } from './protocol.js';

export async function labView({
  exercise,
  workspace,
  file,
  round,
}: {
  exercise: Exercise;
  workspace: string;
  /** The file to open, as the attendee finds it. */
  file: string;
  round?: { trace: TraceResult; verdict: LabVerdict };
}): Promise<LabView> {
  // A progress file edited into something else is the terminal's to report: the view shows no states then.
  const progress = await readProgress(workspace).catch(() => ({}) as Awaited<ReturnType<typeof readProgress>>);
  const { id, title, story, service } = exercise;
  return {
    exercise: { id, title, story, service, language: serviceNamed(service).language },
    file,
    verdict: round ? (round.verdict.fixed ? 'fixed' : 'broken') : 'waiting',
    ...(round?.verdict.brokenAt ? { brokenAt: round.verdict.brokenAt } : {}),
    hops: exerciseHops(exercise, round),
    problems: round?.verdict.problems ?? [],
    exercises: exercises.map((e) => {
      const state = progress[e.id]?.state;
      return {
        id: e.id,
        title: e.title,
        state: state === 'broken' || state === 'fixed' ? state : 'not started',
        running: e.id === id,
      };
    }),
  };
}
