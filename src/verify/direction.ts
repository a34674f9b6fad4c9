// What polytrace concludes about one direction between two languages'
// SDKs: whether a traceparent that one SDK emitted is continued by the other.
// Data only, renderers print it. The languages are named by string here, as
// the spans name them: this file is read by the live page's type check too,
// which must not reach a Node module.

/** One side of a direction: the service that ran the SDK, and the SDK its own spans name. */
interface DirectionEnd {
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
type EmittedAs = 'root' | 'child';

export interface DirectionVerdict {
  from: DirectionEnd;
  to: DirectionEnd;
  evidence: DirectionEvidence;
  emittedAs: EmittedAs;
  ok: boolean;
  /** The traceparent `from` really sent, as captured. */
  traceparent: string;
  /** What `to` did with it: carried the trace on, started a new one, or made no call at all. */
  outcome: 'continued' | 'restarted' | 'no-call';
  /** One line for people: both versions, the header's flags, what the receiver did. */
  message: string;
}
