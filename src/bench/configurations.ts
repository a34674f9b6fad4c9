// The configurations `polytrace bench` compares: every SDK on, every SDK off, and each
// language's off on its own. An SDK is turned off the way its language does it (the topology's
// `telemetryOff` of each service), through the same per-service OTEL_* settings a scenario uses.
import { serviceNamed, services } from '../topology/chain.js';
import type { OtelSettings } from '../topology/environment.js';
import { type ServiceName } from '../topology/names.js';

export interface BenchConfiguration {
  /** `all-on`, `all-off`, or `<language>-off`. */
  name: string;
  /** The services whose telemetry is off. */
  off: string[];
}

export const allOn: BenchConfiguration = { name: 'all-on', off: [] };
export const allOff: BenchConfiguration = { name: 'all-off', off: services.map((s) => s.name) };

/** The configuration with only this service's telemetry off. */
export function offAlone(service: ServiceName): BenchConfiguration {
  const { language } = serviceNamed(service);
  return { name: `${language}-off`, off: [service] };
}

/** In the order each round runs them: on and off first, then one language off at a time. */
export const benchConfigurations: BenchConfiguration[] = [allOn, allOff, ...services.map((s) => offAlone(s.name))];

/** The OTEL_* settings that make a configuration, per service, on top of the run's own. */
export function configurationSettings(
  configuration: BenchConfiguration,
  base: OtelSettings<string | undefined> = {},
): OtelSettings<string | undefined> {
  const settings = { ...base };
  for (const service of services.filter((s) => configuration.off.includes(s.name))) {
    settings[service.name] = { ...settings[service.name], ...service.telemetryOff };
  }
  return settings;
}
