// What polytrace concludes about one direction between two languages'
// SDKs: whether a traceparent that one SDK emitted is continued by the other.
// Data only, renderers print it. The languages are named by string here, as
// the spans name them: this file is read by the live page's type check too,
// which must not reach a Node module.

/** One side of a direction: the service that ran the SDK, and the SDK its own spans name. */
export interface DirectionEnd {
  /** The `--sdk` language (go, java, python, nodejs). */
  language: string;
  service: string;
  /** telemetry.sdk.version (or the distro's, for the Java agent) from the service's spans; absent when none arrived. */
  version?: string;
}

/**
 * How the verdict was reached. `observed`: a hop of the running chain, one service calling the
 * other, verified from the trace. `derived`: the sending SDK's real outgoing header, captured as
 * it left, was handed by polytrace to the receiving SDK, whose own outgoing call then showed
 * whether it continued the trace: two real halves, joined by polytrace.
 */
type DirectionEvidence = 'observed' | 'derived';

/** The header the sending SDK emitted: from a root span it started, or from a child of a sampled parent. */
export type EmittedAs = 'root' | 'child';

/** What the receiving SDK did with a header: carried the trace on, started a new one, or made no call at all. */
type DirectionOutcome = 'continued' | 'restarted' | 'no-call';

/** One header `from` emitted, captured as it left, handed to `to`; and what `to` did with it. */
export interface DirectionTrial {
  emittedAs: EmittedAs;
  traceparent: string;
  outcome: DirectionOutcome;
}

/** The chain's own hop between the two services, as the run's verified traces saw it. */
export interface ObservedHop {
  /** `caller → callee`, as the trace checks name it. */
  hop: string;
  /** The run's traces that had this hop. */
  traces: number;
  /** The hop's check held in every one of them. */
  ok: boolean;
  /** continued when it held; else whether the callee's server span turned up under another trace id. */
  outcome: DirectionOutcome;
}

export interface DirectionVerdict {
  from: DirectionEnd;
  to: DirectionEnd;
  evidence: DirectionEvidence;
  /** The header the verdict turns on: the first one `to` did not continue, else the root header. */
  emittedAs: EmittedAs;
  ok: boolean;
  /** The traceparent `from` really sent, as captured. */
  traceparent: string;
  /** What `to` did with it: carried the trace on, started a new one, or made no call at all. */
  outcome: DirectionOutcome;
  /** One line for people: both versions, the header's flags, what the receiver did. */
  message: string;
  /** Both headers tried on this direction through the test-service endpoints: root, then child. */
  trials?: DirectionTrial[];
  /** With `observed` evidence: the chain's own hop, from the run's traces. */
  observed?: ObservedHop;
}
