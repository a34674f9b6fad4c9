// The chain's own hops between two services, as the run's verified traces
// saw them: the evidence behind an `observed` direction. Only the HTTP hops
// count: a direction is about the traceparent one SDK's HTTP client sends and
// another's server reads, which is what the test-service endpoints try too.
import { flows, services } from '../topology/chain.js';
import { hopName } from './diagnose.js';
import type { ObservedHop } from './direction.js';
import type { TraceResult } from './result.js';

/** An HTTP hop of some flow between two of the chain's services. */
interface ChainHop {
  from: string;
  to: string;
  hop: string;
}

const chainServices = new Set<string>(services.map((s) => s.name));

/** Every HTTP hop between two services of the chain, once, in the order the flows name them. */
export const chainHops: readonly ChainHop[] = [
  ...new Map(
    Object.values(flows)
      .flatMap((flow) => flow.edges)
      .filter((edge) => !edge.broker && chainServices.has(edge.from) && chainServices.has(edge.to))
      .map((edge) => [hopName(edge), { from: edge.from, to: edge.to, hop: hopName(edge) }] as const),
  ).values(),
];

/** `caller>callee`: the key of a pair of services. */
export const pairKey = (from: string, to: string) => `${from}>${to}`;

/**
 * Each chain hop that at least one of the run's traces checked, keyed by pairKey. A hop that broke
 * restarted the trace when the callee's server span turned up under another trace id (a stray),
 * and made no call that reached the callee otherwise.
 */
export function observedHops(traces: readonly TraceResult[]): Map<string, ObservedHop> {
  const found = new Map<string, ObservedHop>();
  for (const { from, to, hop } of chainHops) {
    const seen = traces.flatMap((trace) => {
      const check = trace.checks.find((c) => c.name === `edge ${hop}` && c.hop === hop);
      return check ? [{ trace, ok: check.ok }] : [];
    });
    if (seen.length === 0) continue;
    const broken = seen.find((s) => !s.ok);
    const restarted = broken?.trace.strays.some((s) => s.service === to && s.kind === 'SERVER');
    found.set(pairKey(from, to), {
      hop,
      traces: seen.length,
      ok: !broken,
      outcome: !broken ? 'continued' : restarted ? 'restarted' : 'no-call',
    });
  }
  return found;
}
