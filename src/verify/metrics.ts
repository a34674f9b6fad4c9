// The metrics half of the story in the unified-observability article on
// polyglot microservices: every language reports the same HTTP server metric
// under one name, unit and set of attributes, each service adds its own
// business counter, and (where the SDK can) a histogram's exemplars point
// back at the traces of the same requests. Checked once per run, from the
// Collector's metrics file, after every service flushed on shutdown.
import { percentile } from '../common/percentile.js';
import type { MetricSeries } from '../intake/otlp-metrics.js';
import { durationMs, type Span } from '../intake/span.js';
import { services } from '../topology/chain.js';
import type { Flow, Service } from '../topology/types.js';
import type { Diagnosis } from './diagnose.js';
import type { Check } from './check.js';

const serverDuration = { name: 'http.server.request.duration', unit: 's' } as const;
/** What the HTTP server metric was called, in ms, before the HTTP semantic conventions were stable. */
const oldServerDuration = { name: 'http.server.duration', unit: 'ms' } as const;
const requiredAttributes = ['http.request.method', 'http.route', 'http.response.status_code'];

/** Languages whose SDK records no exemplars (OpenTelemetry JS 2.x has no exemplar support). */
const noExemplars = new Set(['nodejs']);

interface LatencyRow {
  service: string;
  route: string;
  requests: number;
  fromMetrics: { p50Ms: number; p95Ms: number } | null;
  fromSpans: { p50Ms: number; p95Ms: number } | null;
}

export interface MetricsVerdict {
  ok: boolean;
  checks: Check[];
  diagnosis?: Diagnosis;
  latency: LatencyRow[];
}

export interface MetricsEvidence {
  series: readonly MetricSeries[];
  /** The requests of the run: their flow and trace id. */
  requests: ReadonlyArray<{ flow: Flow; traceId: string }>;
  /** Every span the run's traces hold (for latency from spans). */
  spans: readonly Span[];
}

/** The route a service serves in a flow, as `METHOD /path`: the call into it. */
const routeIn = (flow: Flow, service: string) => flow.edges.find((e) => e.to === service && !e.broker)?.route;

const matches = (attributes: Record<string, unknown>, wanted: Record<string, string>) =>
  Object.entries(wanted).every(([key, value]) => attributes[key] === value);

function serverSeries(series: readonly MetricSeries[], service: Service, route: string): MetricSeries[] {
  const [method, path] = route.split(' ');
  return series.filter(
    (s) =>
      s.service === service.name &&
      s.name === serverDuration.name &&
      s.attributes['http.request.method'] === method &&
      s.attributes['http.route'] === path,
  );
}

/** The services the run's requests reached (a 401 stops at auth: orders and notify measure nothing). */
const reachedServices = (evidence: MetricsEvidence): Service[] =>
  services.filter((s) => evidence.requests.some((r) => r.flow.services.includes(s.name)));

/** How many requests of the run reached each service's route. */
function expectedRequests(evidence: MetricsEvidence): Map<string, { service: Service; route: string; count: number }> {
  const expected = new Map<string, { service: Service; route: string; count: number }>();
  for (const { flow } of evidence.requests) {
    for (const service of services.filter((s) => flow.services.includes(s.name))) {
      const route = routeIn(flow, service.name);
      if (!route) continue;
      const key = `${service.name} ${route}`;
      const entry = expected.get(key) ?? { service, route, count: 0 };
      entry.count += 1;
      expected.set(key, entry);
    }
  }
  return expected;
}

function checkServerMetric(evidence: MetricsEvidence): { check: Check; diagnosis?: Diagnosis } {
  const problems: string[] = [];
  let diagnosis: Diagnosis | undefined;
  const reached = reachedServices(evidence);
  for (const service of reached) {
    const own = evidence.series.filter((s) => s.service === service.name);
    const current = own.filter((s) => s.name === serverDuration.name);
    const old = own.find((s) => s.name === oldServerDuration.name);
    if (current.length === 0) {
      if (old) {
        const message = `${service.name} reports ${old.name} in ${old.unit || 'no unit'}, the HTTP conventions from before they were stable, instead of ${serverDuration.name} in ${serverDuration.unit}: its dashboards will not line up with the other languages'`;
        problems.push(message);
        diagnosis ??= { hop: service.name, cause: 'semconv-mismatch', message };
      } else {
        problems.push(`${service.name}: expected the histogram ${serverDuration.name}, found none`);
      }
      continue;
    }
    const wrongUnit = current.find((s) => s.unit !== serverDuration.unit || s.kind !== 'histogram');
    if (wrongUnit)
      problems.push(
        `${service.name}: expected ${serverDuration.name} as a histogram in "${serverDuration.unit}", got a ${wrongUnit.kind} in "${wrongUnit.unit}"`,
      );
    const lacking = requiredAttributes.filter((key) => !current.some((s) => key in s.attributes));
    if (lacking.length > 0) problems.push(`${service.name}: ${serverDuration.name} lacks ${lacking.join(', ')}`);
  }
  return {
    check: problems.length
      ? { name: 'server-metric', ok: false, message: problems.join('; ') }
      : {
          name: 'server-metric',
          ok: true,
          message: `All ${reached.length} services the requests reached report ${serverDuration.name} (histogram, ${serverDuration.unit}) with ${requiredAttributes.join(', ')}`,
        },
    ...(diagnosis ? { diagnosis } : {}),
  };
}

function checkRequestCounts(evidence: MetricsEvidence): Check {
  const problems: string[] = [];
  const lines: string[] = [];
  for (const { service, route, count } of expectedRequests(evidence).values()) {
    const recorded = serverSeries(evidence.series, service, route).reduce((sum, s) => sum + s.value, 0);
    if (recorded !== count)
      problems.push(`${service.name} ${route}: polytrace sent ${count}, the metric counted ${recorded}`);
    else lines.push(`${service.name} ${route} ${count}`);
  }
  return problems.length
    ? { name: 'request-counts', ok: false, message: `Expected one measurement per request: ${problems.join('; ')}` }
    : {
        name: 'request-counts',
        ok: true,
        message: `Each server counted exactly the requests polytrace sent: ${lines.join(', ')}`,
      };
}

function checkBusinessCounters(evidence: MetricsEvidence): Check {
  const problems: string[] = [];
  const lines: string[] = [];
  for (const service of services) {
    const { name, byFlow } = service.counter;
    const wanted = new Map<string, { attributes: Record<string, string>; count: number }>();
    for (const { flow } of evidence.requests) {
      const attributes = byFlow[flow.name];
      if (!attributes || !flow.services.includes(service.name)) continue;
      const key = JSON.stringify(attributes);
      wanted.set(key, { attributes, count: (wanted.get(key)?.count ?? 0) + 1 });
    }
    for (const { attributes, count } of wanted.values()) {
      const series = evidence.series.filter(
        (s) => s.service === service.name && s.name === name && matches(s.attributes, attributes),
      );
      const total = series.reduce((sum, s) => sum + s.value, 0);
      const label = `${name}{${Object.entries(attributes)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}}`;
      if (total !== count) problems.push(`${service.name} ${label}: expected +${count}, got +${total}`);
      else if (series.some((s) => s.unit !== '1'))
        problems.push(`${service.name} ${label}: expected unit "1", got "${series[0]!.unit}"`);
      else lines.push(`${label} +${count}`);
    }
  }
  return problems.length
    ? { name: 'business-counters', ok: false, message: problems.join('; ') }
    : {
        name: 'business-counters',
        ok: true,
        message: `Every business counter rose by the requests it saw: ${lines.join(', ')}`,
      };
}

function checkExemplars(evidence: MetricsEvidence): Check {
  const runTraces = new Set(evidence.requests.map((r) => r.traceId));
  const problems: string[] = [];
  const notes: string[] = [];
  const routes = [...expectedRequests(evidence).values()];
  for (const service of reachedServices(evidence)) {
    // Only the routes the run called: a health probe's measurement points at the probe's own trace.
    const exemplars = routes
      .filter((r) => r.service === service)
      .flatMap((r) => serverSeries(evidence.series, service, r.route))
      .flatMap((s) => s.exemplars);
    if (noExemplars.has(service.language)) {
      notes.push(
        `${service.name} (${service.language}): ${exemplars.length === 0 ? 'none, the SDK does not record exemplars' : `${exemplars.length}`}`,
      );
      continue;
    }
    if (exemplars.length === 0) {
      problems.push(`${service.name} (${service.language}): expected exemplars on ${serverDuration.name}, found none`);
      continue;
    }
    const foreign = exemplars.filter((e) => !runTraces.has(e.traceId));
    if (foreign.length > 0)
      problems.push(
        `${service.name}: ${foreign.length} exemplar(s) point at traces this run did not send (${foreign[0]!.traceId})`,
      );
    else notes.push(`${service.name} (${service.language}): ${exemplars.length}, all in this run's traces`);
  }
  return problems.length
    ? { name: 'exemplars', ok: false, message: problems.join('; ') }
    : { name: 'exemplars', ok: true, message: `Exemplars point at the run's traces: ${notes.join('; ')}` };
}

/** A quantile of a histogram, by linear interpolation inside the bucket it falls in. */
function histogramQuantile(counts: readonly number[], bounds: readonly number[], q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i]!;
    if (seen + count >= rank && count > 0) {
      const lower = i === 0 ? 0 : bounds[i - 1]!;
      const upper = bounds[i] ?? bounds[bounds.length - 1] ?? lower;
      return lower + ((rank - seen) / count) * (upper - lower);
    }
    seen += count;
  }
  return bounds[bounds.length - 1] ?? null;
}

/** p50 and p95 per service and route, from the histograms and from the server spans, side by side. */
function latencyTable(evidence: MetricsEvidence): LatencyRow[] {
  return [...expectedRequests(evidence).values()].map(({ service, route, count }) => {
    const series = serverSeries(evidence.series, service, route).filter((s) => s.buckets);
    const counts: number[] = [];
    const bounds = series[0]?.buckets?.bounds ?? [];
    for (const s of series) s.buckets!.counts.forEach((c, i) => (counts[i] = (counts[i] ?? 0) + c));
    // The metric is in seconds; shown in ms beside the spans.
    const toMs = (v: number | null) => (v === null ? null : v * 1000);
    const p50 = toMs(histogramQuantile(counts, bounds, 0.5));
    const p95 = toMs(histogramQuantile(counts, bounds, 0.95));
    const [method, path] = route.split(' ');
    const durations = evidence.spans
      .filter((s) => s.service === service.name && s.kind === 'SERVER')
      .filter(
        (s) =>
          s.name === route || (s.attributes['http.route'] === path && s.attributes['http.request.method'] === method),
      )
      .map(durationMs);
    return {
      service: service.name,
      route,
      requests: count,
      fromMetrics: p50 !== null && p95 !== null ? { p50Ms: p50, p95Ms: p95 } : null,
      fromSpans: durations.length ? { p50Ms: percentile(durations, 50), p95Ms: percentile(durations, 95) } : null,
    };
  });
}

export function verifyMetrics(evidence: MetricsEvidence): MetricsVerdict {
  const server = checkServerMetric(evidence);
  const checks = [
    server.check,
    checkRequestCounts(evidence),
    checkBusinessCounters(evidence),
    checkExemplars(evidence),
  ];
  return {
    ok: checks.every((c) => c.ok),
    checks,
    ...(server.diagnosis ? { diagnosis: server.diagnosis } : {}),
    latency: latencyTable(evidence),
  };
}
