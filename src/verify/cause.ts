// The causes the verifier can name for a broken hop: the vocabulary its
// diagnosis speaks, and what a scenario that breaks the chain on purpose says
// it expects.
export type Cause =
  | 'propagator-mismatch'
  | 'uninstrumented-call'
  | 'context-not-injected'
  | 'not-sampled'
  | 'not-exported'
  | 'not-recorded'
  | 'refused'
  | 'missing-service-name'
  | 'not-called'
  | 'wrong-parent'
  | 'upstream-broken'
  | 'baggage-dropped'
  | 'tracestate-dropped'
  | 'semconv-mismatch';

/** Each cause in a few words, for one-line verdicts (the terminal of `up`, the live page). */
export const causeTitles: Record<Cause, string> = {
  'propagator-mismatch': 'propagator mismatch: the callee did not read the context, the trace split',
  'uninstrumented-call': 'the call carried no context: the trace split',
  'context-not-injected': 'context not injected into the message headers: the consumer started a new trace',
  'not-sampled': 'the callee sampled the trace out',
  'not-exported': 'the callee did not export its spans',
  'not-recorded': 'the callee recorded nothing',
  refused: 'the callee refused the request before its route ran',
  'missing-service-name': 'a service has no service.name',
  'not-called': 'the call never happened',
  'wrong-parent': 'the callee hangs under the wrong parent',
  'upstream-broken': 'broken further up',
  'baggage-dropped': 'the baggage was dropped',
  'tracestate-dropped': 'the tracestate was dropped',
  'semconv-mismatch': 'old HTTP semantic conventions',
};
