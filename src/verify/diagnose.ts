// Explains a split trace: when spans of the chain arrive under a trace ID that
// polytrace did not send, the service that started that trace is where the
// context was lost, and the call into it is the hop that broke.
import type { Span } from '../intake/span.js';
import type { Evidence } from './checks.js';
import { groupByTrace, TraceTree } from './trace-tree.js';

export interface Explanation {
  hop?: string;
  message: string;
}

/** The span where a stray trace entered the chain: its root, or the span whose parent is elsewhere. */
function entrySpan(spans: Span[]): Span | undefined {
  const tree = new TraceTree(spans);
  const candidates = [...tree.roots(), ...tree.orphans()];
  return candidates.sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1))[0];
}

export function explainStrayTraces(evidence: Evidence): Explanation[] {
  const explanations: Explanation[] = [];
  for (const [traceId, spans] of groupByTrace(evidence.strays)) {
    const entry = entrySpan(spans);
    if (!entry) continue;
    const edge = evidence.flow.edges.find((e) => e.to === entry.service);
    const where = `${entry.service} started a new trace ${traceId.slice(0, 8)}… at "${entry.name}"`;
    if (!edge) {
      explanations.push({ message: `Expected every span under trace ${evidence.traceId}, but ${where}.` });
      continue;
    }
    const hop = `${edge.from} → ${edge.to}`;
    explanations.push({
      hop,
      message:
        `${hop}: ${where}, so the traceparent from ${edge.from} did not reach it. ` +
        `Likely cause: ${edge.from}'s outgoing call is not instrumented, or the two services use different propagators (OTEL_PROPAGATORS).`,
    });
  }
  return explanations;
}
