// What the lab page's buttons do, on any exercise of the attendee's workspace,
// as `polytrace lab hint`, `reset` and `solve` do (workspace-controls.ts does
// it). Kept apart from the doing, so the page's protocol can name the actions.
import type { Exercise } from '../labs/exercise.js';

export interface LabPageControls {
  /** Each answers what the page shows: the hint, or where the workspace now stands. */
  hint(exercise: Exercise): Promise<string>;
  reset(exercise: Exercise): Promise<string>;
  solve(exercise: Exercise): Promise<string>;
}
