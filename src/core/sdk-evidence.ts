// The SDK each service really ran, read from the resource of its spans
// (`telemetry.sdk.*`, and the Java agent's `telemetry.distro.*`): evidence,
// not the versions the run asked for.
import type { Span } from '../intake/span.js';
import { services } from '../topology/chain.js';
import type { SdkLanguage, SdkRequest } from '../topology/sdk-versions.js';
import type { Check } from '../verify/check.js';
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

/**
 * Whether each line `--sdk` named really ran at that version, from the spans alone: Go's
 * telemetry.sdk.version is its otel module's, Python's its opentelemetry-sdk's, JS's its
 * @opentelemetry/core's; the Java agent's own release is its distribution's version (the SDK
 * inside it has another). The Collector adds nothing of its own to the spans it passes on, so its
 * version has no evidence there and is not checked.
 */
export function sdkVersionChecks(request: SdkRequest, ran: readonly SdkRan[]): Check[] {
  return services.flatMap((service) => {
    const asked = request[service.language as SdkLanguage];
    if (asked === undefined) return [];
    const flag = `--sdk ${service.language}=${asked}`;
    const sdk = ran.find((s) => s.service === service.name);
    const reported = service.language === 'java' ? sdk?.distro?.split(' ').at(-1) : sdk?.version;
    const what = service.language === 'java' ? 'telemetry.distro.version' : 'telemetry.sdk.version';
    const ok = reported === asked;
    return [
      {
        name: 'sdk-version',
        ok,
        message: ok
          ? `${service.name} ran ${service.language} ${asked}, as ${flag} asked (${what})`
          : reported === undefined
            ? `Expected ${service.name}'s spans to name its SDK (${what}) for ${flag}, found no span that does`
            : `Expected ${service.name} to run ${service.language} ${asked} (${flag}), its spans say ${reported} (${what}): the build did not pin that version`,
      },
    ];
  });
}
