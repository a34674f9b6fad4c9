// The SDK each service really ran, read from the resource of its spans
// (`telemetry.sdk.*`, and the Java agent's `telemetry.distro.*`): evidence,
// not the versions the run asked for.
import type { Span } from '../intake/span.js';
import { services } from '../topology/chain.js';
import type { SdkRan } from '../verify/result.js';

/** One entry per service whose spans name their SDK, in the chain's order. */
export function sdksRan(spans: readonly Span[]): SdkRan[] {
  return services.flatMap((service) => {
    for (const { resource } of spans.filter((s) => s.service === service.name)) {
      const [name, version] = [resource['telemetry.sdk.name'], resource['telemetry.sdk.version']];
      if (typeof name !== 'string' || typeof version !== 'string') continue;
      const [distro, distroVersion] = [resource['telemetry.distro.name'], resource['telemetry.distro.version']];
      return [
        {
          service: service.name,
          language: service.language,
          name,
          version,
          ...(typeof distro === 'string'
            ? { distro: `${distro} ${typeof distroVersion === 'string' ? distroVersion : ''}`.trim() }
            : {}),
        },
      ];
    }
    return [];
  });
}
