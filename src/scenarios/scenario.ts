// A scenario changes only the configuration or environment of the real
// services, never the spans: what breaks, breaks for real.
import type { Flow } from '../topology/types.js';

export interface Scenario {
  name: string;
  /** One line: what you will see. */
  summary: string;
  flow: Flow;
  /** Environment changes per service; `undefined` removes a variable. */
  overrides?: Record<string, Record<string, string | undefined>>;
}
