// An exercise's hops as the lab view shows them: each hop the exercise requires,
// verified or broken by the request's own trace, and where the verdict says it
// breaks when that is elsewhere (work inside a service that lost the trace).
import type { TraceResult } from '../verify/result.js';
import type { Exercise } from './exercise.js';
import type { LabVerdict } from './verdict.js';

export interface HopState {
  /** `caller → callee`, `producer → broker → consumer`, or `inside <service>`. */
  hop: string;
  /** `waiting` until the first trace is verified. */
  state: 'verified' | 'broken' | 'waiting';
}

/** Every hop from the trace's own checks, never from what the workspace or the settings say. */
export function exerciseHops(exercise: Exercise, round?: { trace: TraceResult; verdict: LabVerdict }): HopState[] {
  if (!round) {
    return exercise.requires.hops.map((hop) => ({ hop, state: 'waiting' }));
  }
  const { trace, verdict } = round;
  const hops: HopState[] = exercise.requires.hops.map((hop) => {
    const edge = trace.checks.find((c) => c.name === `edge ${hop}`);
    const broken = !edge || !edge.ok || hop === verdict.brokenAt;
    return { hop, state: verdict.fixed || !broken ? 'verified' : 'broken' };
  });
  if (!verdict.fixed && verdict.brokenAt && !hops.some((h) => h.hop === verdict.brokenAt)) {
    hops.push({ hop: verdict.brokenAt, state: 'broken' });
  }
  return hops;
}
