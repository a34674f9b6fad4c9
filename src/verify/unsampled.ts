// A request whose traceparent carries the sampled flag 00 leaves no span at
// all: each service's parent-based sampler honours the caller's decision, and
// W3C Trace Context says the flag means the caller did not record the trace.
// Only the metrics still count the request. The entry service's server metric
// counting more requests than it has SERVER spans is the evidence.
import type { MetricSeries } from '../intake/otlp-metrics.js';
import type { Span } from '../intake/span.js';
import { entryService } from '../topology/chain.js';

/** Requests the entry service answered without recording a span, per method, route and status. */
export interface UnsampledRequests {
  service: string;
  method: string;
  route: string;
  status: number;
  count: number;
}

/** How many requests, per `METHOD route status`. */
export type RequestCounts = Map<string, number>;

const serverMetric = 'http.server.request.duration';
const keyOf = (method: unknown, route: unknown, status: unknown) =>
  `${String(method)} ${String(route)} ${String(status)}`;

/** The requests the entry service's server metric counted (newest cumulative point of each series). */
export function servedRequests(series: Iterable<MetricSeries>): RequestCounts {
  const counts: RequestCounts = new Map();
  for (const s of series) {
    if (s.service !== entryService || s.name !== serverMetric || s.kind !== 'histogram') continue;
    const key = keyOf(
      s.attributes['http.request.method'],
      s.attributes['http.route'],
      s.attributes['http.response.status_code'],
    );
    counts.set(key, (counts.get(key) ?? 0) + s.value);
  }
  return counts;
}

/** The key of a SERVER span of the entry service, counted like its server metric; undefined for any other span. */
export function tracedRequestKey(span: Span): string | undefined {
  if (span.service !== entryService || span.kind !== 'SERVER') return undefined;
  return keyOf(
    span.attributes['http.request.method'],
    span.attributes['http.route'],
    span.attributes['http.response.status_code'],
  );
}

/** Served minus traced minus already reported, where that is more than nothing. */
export function untracedRequests(
  served: RequestCounts,
  traced: RequestCounts,
  reported: RequestCounts,
): UnsampledRequests[] {
  return [...served].flatMap(([key, count]) => {
    const missing = count - (traced.get(key) ?? 0) - (reported.get(key) ?? 0);
    if (missing <= 0) return [];
    const [method = '', route = '', status = ''] = key.split(' ');
    return [{ service: entryService, method, route, status: Number(status), count: missing }];
  });
}

export const unsampledKey = (u: UnsampledRequests) => keyOf(u.method, u.route, u.status);
