// What a conformance probe concludes, per service and case: data only, the
// reporters render it.
import type { CaseVerdict } from './judge.js';

/** The SDK a service ran, as its spans' resource says (`telemetry.sdk.*`, `telemetry.distro.*`). */
export interface SdkEvidence {
  name: string;
  version: string;
  /** The distribution around the SDK, when there is one (the Java agent). */
  distro?: string;
}

export interface ServiceConformance {
  service: string;
  language: string;
  /** The URL probed. */
  endpoint: string;
  /** Undefined when no span of the service was read (a chain polytrace did not start). */
  sdk?: SdkEvidence;
  cases: CaseVerdict[];
}

export interface ConformanceResult {
  /** `local` or `docker` for a chain this run started; `running` for one that was up already. */
  runtime: string;
  scenario?: string;
  runDir?: string;
  spansFile?: string;
  services: ServiceConformance[];
  durationMs: number;
}
