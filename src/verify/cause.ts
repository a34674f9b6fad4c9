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
  | 'missing-service-name'
  | 'not-called'
  | 'wrong-parent'
  | 'upstream-broken'
  | 'baggage-dropped'
  | 'tracestate-dropped'
  | 'semconv-mismatch';
