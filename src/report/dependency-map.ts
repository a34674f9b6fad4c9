// The service dependency map of the unified-observability article on polyglot
// microservices (its "Service Dependencies" section),
// computed from the traces themselves rather than from the topology, so it
// shows the calls that really happened: one edge per caller → callee pair.
import { durationMs, type Span } from '../intake/span.js';
import { client, services } from '../topology/chain.js';
import type { TraceResult } from '../verify/result.js';
import { producerOf } from './message-hop.js';

interface DependencyEdge {
  from: string;
  to: string;
  /**
   * The broker a message went through (`messaging.system`), for a message hop: a CONSUMER span
   * whose parent, or linked span, is a PRODUCER span of the sender. Its latency is from publish to
   * consume (time in the queue included), its errors the CONSUMER spans with status ERROR.
   */
  via?: string;
  /** Server spans of the callee whose parent is a span of the caller (for a message hop: consumer spans). */
  requests: number;
  /** Callee server spans with status ERROR or an HTTP status of 500 or more. */
  errors: number;
  /** Callee server spans that answered 4xx: the callee said no, it did not fail. */
  rejected: number;
  /** Latency of the caller's client span, nearest-rank percentiles, in milliseconds. */
  p50Ms: number;
  p95Ms: number;
}

export interface DependencyMap {
  /** Every service seen in the traces, polytrace and the topology's order first. */
  services: string[];
  edges: DependencyEdge[];
}

/**
 * Nearest-rank percentile (the smallest value with at least p% of the values at
 * or below it): always a latency that was really measured, and well defined
 * for the handful of requests a workshop fires. 0 for no values.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

const knownOrder = [client.name, ...services.map((s) => s.name)];

/** The topology's order, so maps read in the direction a request travels; strangers after, by name. */
function compareServices(a: string, b: string): number {
  const ia = knownOrder.indexOf(a);
  const ib = knownOrder.indexOf(b);
  if (ia !== -1 || ib !== -1) return (ia === -1 ? Infinity : ia) - (ib === -1 ? Infinity : ib);
  return a.localeCompare(b);
}

/**
 * A 4xx is the callee working as designed (OpenTelemetry's HTTP conventions
 * leave a server span's status unset for 4xx): auth answering 401 to a bad
 * token is the unauthorized flow passing, so it is counted as rejected, not
 * as an error of the edge.
 */
function isError(server: Span): boolean {
  const code = Number(server.attributes['http.response.status_code']);
  return server.status.code === 'ERROR' || code >= 500;
}

function isRejected(server: Span): boolean {
  const code = Number(server.attributes['http.response.status_code']);
  return !isError(server) && code >= 400 && code < 500;
}

/**
 * Edges come from links inside one trace: a SERVER span whose parent belongs
 * to another service. Latency is the parent's (the caller's client span): what
 * the call cost the caller, network and queueing included. Strays count too
 * (a split trace still shows who called whom below the split); a call whose
 * link was lost has no caller to draw, which the checks report. A message
 * through a broker is an edge too (see `via`), followed by parent or by span
 * link into a trace that continues this one.
 */
export function dependencyMap(traces: readonly TraceResult[]): DependencyMap {
  const seen = new Set<string>();
  const calls = new Map<string, { from: string; to: string; via?: string; servers: Span[]; latencies: number[] }>();
  const found = new Set<string>();
  const add = (from: Span, to: Span, latencyMs: number, via?: string) => {
    const edgeKey = `${from.service}\u0000${via ?? ''}\u0000${to.service}`;
    const call = calls.get(edgeKey) ?? {
      from: from.service,
      to: to.service,
      ...(via ? { via } : {}),
      servers: [],
      latencies: [],
    };
    call.servers.push(to);
    call.latencies.push(latencyMs);
    calls.set(edgeKey, call);
  };
  for (const trace of traces) {
    const spans = [...trace.spans, ...(trace.linked ?? []), ...trace.strays];
    const byId = new Map(spans.map((s) => [`${s.traceId}/${s.spanId}`, s]));
    for (const span of spans) {
      found.add(span.service);
      const key = `${span.traceId}/${span.spanId}`;
      if (seen.has(key)) continue;
      if (span.kind === 'CONSUMER') {
        // A message: from its producer, as parent or by span link, through the broker its clients name.
        const producer = producerOf(span, spans);
        if (!producer || producer.kind !== 'PRODUCER' || producer.service === span.service) continue;
        seen.add(key);
        const via = String(span.attributes['messaging.system'] ?? producer.attributes['messaging.system'] ?? 'broker');
        add(producer, span, Number(BigInt(span.startTimeUnixNano) - BigInt(producer.startTimeUnixNano)) / 1e6, via);
        continue;
      }
      if (span.kind !== 'SERVER' || !span.parentSpanId) continue;
      const parent = byId.get(`${span.traceId}/${span.parentSpanId}`);
      if (!parent || parent.service === span.service) continue;
      seen.add(key);
      add(parent, span, durationMs(parent));
    }
  }
  const edges = [...calls.values()]
    .map(({ from, to, via, servers, latencies }) => ({
      from,
      to,
      ...(via ? { via } : {}),
      requests: servers.length,
      errors: servers.filter(isError).length,
      rejected: servers.filter(isRejected).length,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
    }))
    .sort(
      (a, b) => compareServices(a.from, b.from) || compareServices(a.to, b.to) || Number(Boolean(a.via)) - Number(Boolean(b.via)),
    );
  return { services: [...found].sort(compareServices), edges };
}
