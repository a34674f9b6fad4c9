// A scenario changes only the configuration or environment of the real
// services, never the spans: what breaks, breaks for real.
import type { Flow } from '../topology/types.js';
import type { Cause } from '../verify/diagnose.js';

export interface Scenario {
  name: string;
  /** One line: what you will see. */
  summary: string;
  flow: Flow;
  /** Environment changes per service; `undefined` removes a variable. */
  overrides?: Record<string, Record<string, string | undefined>>;
  /** The break this scenario causes on purpose: what `--expect-broken` requires the verifier to find. */
  breaks?: { hop: string; cause: Cause };
  /** Requests to fire when --requests is not given (a sampled break shows only in some traces). */
  defaultRequests?: number;
}
