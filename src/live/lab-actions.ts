// The lab page's actions on the server: hint, reset and solve, each on the
// exercise its body names, one at a time (a reset and a solve of one folder
// must not interleave). Each answers at once; what it did is told through
// `said`, which every open page shows. Who may ask the server checks before.
import { exerciseById } from '../core/workspace-controls.js';
import type { LabPageControls } from '../core/lab-page-controls.js';
import { labActionPath, type LabActionName } from './protocol.js';

interface LabActionRequest {
  path: string;
  body: string;
  controls: LabPageControls;
}

interface LabActionAnswer {
  status: number;
  body: { accepted: string } | { error: string };
}

const names: readonly LabActionName[] = ['hint', 'reset', 'solve'];

/** True when this path is one of the lab's actions. */
export const isLabAction = (path: string) => names.some((n) => labActionPath(n) === path);

export function labActions(options: {
  said(text: string): void;
  onError(message: string): void;
}): (request: LabActionRequest) => LabActionAnswer {
  let running = false;
  return ({ path, body, controls }) => {
    const name = names.find((n) => labActionPath(n) === path);
    if (!name) return { status: 404, body: { error: `no action ${path}` } };
    let id: unknown;
    try {
      id = (JSON.parse(body) as { exercise?: unknown }).exercise;
    } catch {
      id = undefined;
    }
    const exercise = exerciseById(id);
    if (!exercise)
      return { status: 400, body: { error: `Expected {"exercise": an exercise's id}, got ${body.slice(0, 80)}` } };
    if (running) return { status: 409, body: { error: 'another lab action is still running: wait for it' } };
    running = true;
    controls[name](exercise)
      .then(options.said, (error: unknown) => options.onError(`${name} ${exercise.id}: ${(error as Error).message}`))
      .finally(() => (running = false));
    return { status: 202, body: { accepted: `${name} ${exercise.id}` } };
  };
}
