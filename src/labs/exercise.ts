// What a lab exercise is: a small, real code mistake in one service's own
// source that breaks propagation, the story around it, its hints, and what the
// verifier requires of a fixed trace. The mistake, the reference solution and
// one refused shortcut are patches kept beside the catalogue (labs/<id>/).
import type { FlowName, ServiceName } from '../topology/names.js';

/** The kinds of mistake the labs teach. */
type ExerciseKind =
  /** A propagator or an instrumentation that is never set up. */
  | 'missing-propagation'
  /** The context does not follow the work onto another thread, task or callback. */
  | 'context-lost'
  /** A boundary no instrumentation covers, where the code must inject or extract by hand. */
  | 'manual-propagation';

/** A span the fixed trace must hold, by its service and name. */
interface RequiredSpan {
  service: ServiceName;
  name: string;
}

export interface Exercise {
  /** The name an attendee types: `polytrace lab start <id>`. */
  id: string;
  service: ServiceName;
  kind: ExerciseKind;
  title: string;
  /** Two sentences: what the code does, and what the room sees go wrong. */
  story: string;
  /** The file to open, relative to the service's folder (the workspace). */
  file: string;
  /** From vague to exact; `h` gives the next. */
  hints: readonly [string, string, string];
  /** The request the lab sends: through the broker when the mistake is at the broker. */
  flow: FlowName;
  /**
   * What the verifier requires beyond a whole trace: these spans present in the request's trace,
   * and these hops (`caller → callee`, `producer → broker → consumer`) linked by the spans the SDKs
   * really sent. Deleting the failing call, hard-coding a header or switching telemetry off leaves
   * one of them missing or unlinked.
   */
  requires: { spans: readonly RequiredSpan[]; hops: readonly string[] };
  /**
   * Where the verifier says the trace breaks while the mistake is in place: a hop, or
   * `inside <service>` when work inside the service started a trace of its own.
   */
  breaksAt: string;
  /** The shortcut whose patch (labs/<id>/shortcut.patch) the tests apply, and why it does not pass. */
  shortcut: { tried: string; refused: string };
}
