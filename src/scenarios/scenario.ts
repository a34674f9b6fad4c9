// A scenario changes only the configuration or environment of the real
// services, never the spans: what breaks, breaks for real.
import {
  defaultEnvironmentOptions,
  type ClockSkewSetting,
  type EnvironmentOptions,
  type OtelSettings,
} from '../topology/environment.js';
import { brokersOf, consumerLinks } from '../topology/chain.js';
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
  /** Plain variables it gives a service (not OTEL_*: the application's own switches). */
  appSettings?: Record<string, Record<string, string>>;
  /** A service whose clock this scenario sets off: propagation stays whole, and the verifier must warn. */
  clockSkew?: ClockSkewSetting;
  /** Requests to fire when --requests is not given (a sampled break shows only in some traces). */
  defaultRequests?: number;
}

/** The environment the chain runs with in this scenario. */
export function scenarioEnvironment(
  scenario: Scenario,
  extra: { conformance?: boolean; clockSkew?: ClockSkewSetting; links?: boolean } = {},
): EnvironmentOptions {
  const clockSkew = extra.clockSkew ?? scenario.clockSkew;
  const brokers = brokersOf(scenario.flow);
  const appSettings = extra.links
    ? {
        ...scenario.appSettings,
        [consumerLinks.service]: { ...scenario.appSettings?.[consumerLinks.service], ...consumerLinks.settings },
      }
    : scenario.appSettings;
  return {
    ...defaultEnvironmentOptions,
    conformance: Boolean(extra.conformance),
    ...(scenario.otelSettings ? { otelSettings: scenario.otelSettings } : {}),
    ...(appSettings ? { appSettings } : {}),
    ...(clockSkew ? { clockSkew } : {}),
    ...(brokers.length > 0 ? { brokers } : {}),
  };
}

/** A scenario `--expect-broken` can judge: it breaks a hop, or skews a clock the verifier must notice. */
export const isJudgeable = (scenario: Scenario) => Boolean(scenario.breaks ?? scenario.clockSkew);
