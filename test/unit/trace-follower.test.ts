// What `up` makes of the spans that keep arriving: polytrace's own requests
// verified with the traces that split off from them, someone else's once they
// settle, and a request with no span reported as not sampled.
import { describe, expect, it } from 'vitest';
import { TraceFollower } from '../../src/core/trace-follower.js';
import type { MetricSeries } from '../../src/intake/otlp-metrics.js';
import type { Span } from '../../src/intake/span.js';
import { client, flows } from '../../src/topology/chain.js';
import type { FiredRequest } from '../../src/traffic/fire-requests.js';
import type { TraceResult } from '../../src/verify/result.js';
import type { UnsampledRequests } from '../../src/verify/unsampled.js';
import { orderTrace, splitAt } from './fixtures/synthetic-trace.js';

const runId = '20261130T090000Z-4242';
const t0 = 1_000_000;

function follower() {
  const callers: TraceResult[] = [];
  const unsampled: UnsampledRequests[] = [];
  const f = new TraceFollower(
    { runId, otelSettings: () => ({}) },
    { callerTrace: (t) => callers.push(t), unsampled: (u) => unsampled.push(u) },
  );
  return { f, callers, unsampled };
}

const fired = (spans: Span[], n = 1): FiredRequest => ({
  flow: flows.order,
  traceId: spans[0]!.traceId,
  requestId: `${runId}-${n}`,
  status: 201,
  startedAt: t0 - 300,
  endedAt: t0,
});

/** Every SERVER span was called with the request id, as the services record it. */
const withRequestId = (spans: Span[], id: string) =>
  spans.map((s) =>
    s.kind === 'SERVER' ? { ...s, attributes: { ...s.attributes, 'http.request.header.x-request-id': [id] } } : s,
  );

describe('TraceFollower', () => {
  it("verifies polytrace's request at the first tick once its spans are all in: no quiet period", async () => {
    const { f, callers } = follower();
    const spans = orderTrace();
    const request = fired(spans);
    let verified: TraceResult | undefined;
    void f.expect(request).then((t) => (verified = t));
    f.addSpans(withRequestId(spans.slice(0, -1), request.requestId), t0 + 100);
    f.tick(t0 + 150);
    await Promise.resolve();
    expect(verified).toBeUndefined();
    f.addSpans(withRequestId(spans.slice(-1), request.requestId), t0 + 200);
    f.tick(t0 + 200);
    await Promise.resolve();
    expect(verified?.ok).toBe(true);
    expect(callers).toEqual([]);
  });

  it('takes the trace that split off from it along, fast: every service has spoken', async () => {
    const { f, callers } = follower();
    const { kept, strays } = splitAt(orderTrace(), 'notification-service');
    const request = fired(kept, 2);
    const result = f.expect(request);
    f.addSpans(withRequestId([...kept, ...strays], request.requestId), t0 + 200);
    f.tick(t0 + 1_000);
    const trace = await result;
    expect(trace.strays).toHaveLength(strays.length);
    expect(trace.diagnosis?.hop).toBe('order-service → notification-service');
    f.tick(t0 + 5_000);
    expect(callers).toEqual([]);
  });

  it("shows someone else's trace once it settled, verified as sent by a caller; late spans of a verified one are not a new trace", () => {
    const { f, callers } = follower();
    const mine = orderTrace();
    void f.expect(fired(mine, 3));
    f.addSpans(mine, t0 + 100);
    f.tick(t0 + 1_000);
    // A curl that sent its own traceparent: its span (the parent of the gateway's) is not here.
    const all = orderTrace();
    const theirs = all.filter((s) => s.service !== client.name);
    f.addSpans(theirs, t0 + 1_100);
    f.tick(t0 + 1_500);
    expect(callers).toEqual([]);
    f.addSpans([mine[3]!], t0 + 2_000);
    f.tick(t0 + 2_200);
    expect(callers.map((t) => [t.traceId, t.ok])).toEqual([[theirs[0]!.traceId, true]]);
    expect(callers[0]!.caller).toEqual({ parentSpanId: all[0]!.spanId });
  });

  it('reports a request the gateway served with no span, once it stays so', () => {
    const { f, unsampled } = follower();
    const served = (value: number): MetricSeries => ({
      service: 'api-gateway',
      language: 'go',
      name: 'http.server.request.duration',
      unit: 's',
      kind: 'histogram',
      attributes: { 'http.request.method': 'POST', 'http.route': '/orders', 'http.response.status_code': 201 },
      value,
      exemplars: [],
    });
    f.addSpans(orderTrace(), t0);
    f.addMetrics([served(1)]);
    f.tick(t0 + 100);
    f.addMetrics([served(2)]);
    f.tick(t0 + 1_000);
    expect(unsampled).toEqual([]);
    f.tick(t0 + 4_000);
    expect(unsampled).toEqual([{ service: 'api-gateway', method: 'POST', route: '/orders', status: 201, count: 1 }]);
    f.tick(t0 + 9_000);
    expect(unsampled).toHaveLength(1);
  });

  it('holds a bounded number of traces, however many arrive', () => {
    const { f, callers } = follower();
    for (let i = 0; i < 700; i++)
      f.addSpans(
        orderTrace().filter((s) => s.service !== client.name),
        t0,
      );
    expect(callers.length).toBe(200);
  });
});
