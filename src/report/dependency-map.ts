// The service dependency map of the unified-observability article on polyglot
// microservices (its "Service Dependencies" section),
// computed from the traces themselves rather than from the topology, so it
// shows the calls that really happened: one edge per caller → callee pair.
import { percentile } from '../common/percentile.js';
import { durationMs, type Span } from '../intake/span.js';
import { client } from '../topology/chain.js';
import { serviceNames } from '../topology/names.js';
import type { Cause } from '../verify/cause.js';
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

/** A call whose link was lost: the callee's span is not the child of the caller's, so the trace broke there. */
interface BrokenEdge {
  from: string;
  to: string;
  /** Traces the verifier diagnosed as broken at this call first. */
  traces: number;
  /** The causes named, most frequent first. */
  causes: Cause[];
}

export interface DependencyMap {
  /** Every service seen in the traces, polytrace and the topology's order first. */
  services: string[];
  edges: DependencyEdge[];
  /** Where traces split or lost a hop, from each trace's diagnosis: drawn where no linked edge can be. */
  broken: BrokenEdge[];
}

/**
 * The causes that mean the call between two services lost its link (the trace split there, or the
 * callee recorded nothing under it): the map draws that hop as broken. A dropped baggage entry or a
 * nameless service leaves the link whole.
 */
const linkCauses: ReadonlySet<Cause> = new Set<Cause>([
  'propagator-mismatch',
  'uninstrumented-call',
  'not-sampled',
  'not-exported',
  'not-recorded',
  'wrong-parent',
]);

/** Each trace's first break, where it is a lost link between two services, counted per hop. */
function brokenEdges(traces: readonly TraceResult[]): BrokenEdge[] {
  const hops = new Map<string, { from: string; to: string; traces: number; causes: Map<Cause, number> }>();
  for (const { diagnosis } of traces) {
    if (!diagnosis || !linkCauses.has(diagnosis.cause)) continue;
    const [from, to] = diagnosis.hop.split(' → ');
    if (!from || !to) continue;
    const hop = hops.get(diagnosis.hop) ?? { from, to, traces: 0, causes: new Map() };
    hop.traces += 1;
    hop.causes.set(diagnosis.cause, (hop.causes.get(diagnosis.cause) ?? 0) + 1);
    hops.set(diagnosis.hop, hop);
  }
  return [...hops.values()]
    .map(({ from, to, traces: count, causes }) => ({
      from,
      to,
      traces: count,
      causes: [...causes].sort((a, b) => b[1] - a[1]).map(([cause]) => cause),
    }))
    .sort((a, b) => compareServices(a.from, b.from) || compareServices(a.to, b.to));
}

const knownOrder: readonly string[] = [client.name, ...serviceNames];

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
  const add = ({ from, to, latencyMs, via }: { from: Span; to: Span; latencyMs: number; via?: string }) => {
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
        const latencyMs = Number(BigInt(span.startTimeUnixNano) - BigInt(producer.startTimeUnixNano)) / 1e6;
        add({ from: producer, to: span, latencyMs, via });
        continue;
      }
      if (span.kind !== 'SERVER' || !span.parentSpanId) continue;
      const parent = byId.get(`${span.traceId}/${span.parentSpanId}`);
      if (!parent || parent.service === span.service) continue;
      seen.add(key);
      add({ from: parent, to: span, latencyMs: durationMs(parent) });
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
      (a, b) =>
        compareServices(a.from, b.from) ||
        compareServices(a.to, b.to) ||
        Number(Boolean(a.via)) - Number(Boolean(b.via)),
    );
  const broken = brokenEdges(traces);
  for (const hop of broken) found.add(hop.from).add(hop.to);
  return { services: [...found].sort(compareServices), edges, broken };
}
