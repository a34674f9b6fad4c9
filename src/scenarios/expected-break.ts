// `--expect-broken`: CI proves the diagnosis works by breaking the chain on
// purpose and passing only when the verifier names the right hop and cause.
import type { Scenario } from './scenario.js';
import type { Expectation, TraceResult } from '../verify/result.js';

export function judgeExpectedBreak(scenario: Scenario, traces: readonly TraceResult[]): Expectation {
  const expected = scenario.breaks;
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
