// Spans expected against spans received in one configuration's run. With an SDK off the trace
// is not whole (a service without its SDK passes no traceparent on), so spans are counted by
// what they are, service, name and kind, never by trace: every span a service that was on should
// have made for the requests answered, and none at all from a service that was off.
import type { Span } from '../intake/span.js';
import { expectedSpans, serviceNamed, services } from '../topology/chain.js';
import { isServiceName } from '../topology/names.js';
import type { Flow, SpanKind } from '../topology/types.js';

interface SpanSignature {
  name: string;
  kind: SpanKind;
}

/**
 * What one request of the flow makes in a service: the topology's spans of that service, and a
 * CLIENT span for each call it makes to another service, named after the HTTP method as the
 * stable HTTP semantic conventions name client spans (spans the topology does not name, such as
 * the SQLite instrumentation's, are not counted).
 */
export function spansPerRequest(serviceName: string, flow: Flow): SpanSignature[] {
  if (!isServiceName(serviceName) || !flow.services.includes(serviceName)) return [];
  const service = serviceNamed(serviceName);
  const calls = flow.edges
    .filter((edge) => edge.from === serviceName)
    .map((edge): SpanSignature => ({ name: edge.route.split(' ')[0]!, kind: 'CLIENT' }));
  return [...expectedSpans(service, flow).map(({ name, kind }) => ({ name, kind })), ...calls];
}

export interface SpanCount {
  service: string;
  telemetry: 'on' | 'off';
  /** The spans the requests answered should have made here (none when its telemetry is off). */
  expected: number;
  /** The spans that arrived: those expected, by name and kind (any at all when off). */
  received: number;
  /** Expected spans that did not arrive, kind by kind (a duplicate of one never makes up for another). */
  lost: number;
}

/** What a run of the bench sent: `requests` answered requests of the flow, with these services' telemetry off. */
interface SentRequests {
  requests: number;
  off: readonly string[];
  flow: Flow;
}

/** Counts, per service of the chain, the spans of the requests a run sent. */
export function countSpans(spans: readonly Span[], { requests, off, flow }: SentRequests): SpanCount[] {
  return services.map((service) => {
    const own = spans.filter((span) => span.service === service.name);
    if (off.includes(service.name)) {
      return { service: service.name, telemetry: 'off', expected: 0, received: own.length, lost: 0 };
    }
    const perRequest = spansPerRequest(service.name, flow);
    const bySignature = new Map<string, number>();
    for (const { name, kind } of perRequest) {
      const key = `${kind} ${name}`;
      bySignature.set(key, (bySignature.get(key) ?? 0) + requests);
    }
    let received = 0;
    let lost = 0;
    for (const [key, expected] of bySignature) {
      const arrived = own.filter((span) => `${span.kind} ${span.name}` === key).length;
      received += arrived;
      lost += Math.max(0, expected - arrived);
    }
    return { service: service.name, telemetry: 'on', expected: perRequest.length * requests, received, lost };
  });
}
