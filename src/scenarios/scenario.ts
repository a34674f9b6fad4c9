// A scenario changes only the configuration or environment of the real
// services, never the spans: what breaks, breaks for real.
import { defaultEnvironmentOptions, type EnvironmentOptions, type OtelSettings } from '../topology/environment.js';
import type { Flow } from '../topology/types.js';
import type { Cause } from '../verify/cause.js';

export interface Scenario {
  name: string;
  /** One line: what you will see. */
  summary: string;
  flow: Flow;
  /** OTEL_* settings it changes, per service; `undefined` removes a variable. */
  otelSettings?: OtelSettings<string | undefined>;
  /** The break this scenario causes on purpose: what `--expect-broken` requires the verifier to find. */
  breaks?: { hop: string; cause: Cause };
  /** Requests to fire when --requests is not given (a sampled break shows only in some traces). */
  defaultRequests?: number;
}

/** The environment the chain runs with in this scenario. */
export function scenarioEnvironment(scenario: Scenario, conformance = false): EnvironmentOptions {
  return {
    ...defaultEnvironmentOptions,
    conformance,
    ...(scenario.otelSettings ? { otelSettings: scenario.otelSettings } : {}),
  };
}
