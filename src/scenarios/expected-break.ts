// `--expect-broken`: CI proves the diagnosis works by breaking the chain on
// purpose and passing only when the verifier names the right hop and cause.
import type { Scenario } from './scenario.js';
import type { Diagnosis } from '../verify/diagnose.js';
import type { Expectation, TraceResult } from '../verify/result.js';

/** A skewed clock breaks nothing: the traces must pass, and each must warn of that service's offset (±20 %). */
function judgeClockSkew(skew: NonNullable<Scenario['clockSkew']>, traces: readonly TraceResult[]): Expectation {
  const wanted = skew.seconds * 1000;
  const within = (offset: number) => Math.abs(offset - wanted) <= Math.abs(wanted) * 0.2;
  const failed = traces.filter((t) => !t.ok);
  if (failed.length > 0) {
    return {
      met: false,
      message: `Expected whole traces with ${skew.service}'s clock off, but ${failed.length}/${traces.length} failed`,
    };
  }
  const warned = traces.filter((t) => t.clockSkews.some((c) => c.service === skew.service && within(c.offsetMs)));
  if (warned.length < traces.length) {
    const seen = traces.flatMap((t) => t.clockSkews.map((c) => `${c.service} ${(c.offsetMs / 1000).toFixed(2)} s`));
    return {
      met: false,
      message: `Expected a warning that ${skew.service}'s clock is ${skew.seconds} s off (±20 %) in every trace, got it in ${warned.length}/${traces.length}${seen.length ? ` (seen: ${[...new Set(seen)].join(', ')})` : ''}`,
    };
  }
  return {
    met: true,
    message: `Every trace stayed whole, and each warned that ${skew.service}'s clock is ${skew.seconds} s off (±20 %)`,
  };
}

export function judgeExpectedBreak(
  scenario: Scenario,
  traces: readonly TraceResult[],
  metricsDiagnosis?: Diagnosis,
): Expectation {
  const expected = scenario.breaks;
  // A break that shows in the metrics, not in the traces (an SDK on the old conventions).
  if (expected && metricsDiagnosis?.hop === expected.hop && metricsDiagnosis.cause === expected.cause) {
    return {
      met: true,
      message: `The expected break was found and explained in the metrics: ${expected.hop} (${expected.cause})`,
    };
  }
  if (!expected && scenario.clockSkew) return judgeClockSkew(scenario.clockSkew, traces);
  if (!expected) return { met: false, message: `scenario ${scenario.name} breaks nothing on purpose` };
  const wanted = `${expected.hop} (${expected.cause})`;
  const broken = traces.filter((t) => !t.ok);
  if (broken.length === 0) {
    return { met: false, message: `Expected the break at ${wanted}, but all ${traces.length} traces passed` };
  }
  const wrong = broken.filter((t) => t.diagnosis?.hop !== expected.hop || t.diagnosis?.cause !== expected.cause);
  if (wrong.length > 0) {
    const found = wrong.map((t) => (t.diagnosis ? `${t.diagnosis.hop} (${t.diagnosis.cause})` : 'no diagnosis'));
    return { met: false, message: `Expected the break at ${wanted}, got ${[...new Set(found)].join(', ')}` };
  }
  return {
    met: true,
    message: `The expected break was found and explained in ${broken.length}/${traces.length} traces: ${wanted}`,
  };
}
