// What `up` and the live page say about each trace in one line, the legend of
// the waterfall's marks, a trace a person sent by hand, and a request that
// arrived with the sampled flag 00.
import { describe, expect, it } from 'vitest';
import type { Span } from '../../src/intake/span.js';
import type { MetricSeries } from '../../src/intake/otlp-metrics.js';
import { dependencyMap } from '../../src/report/dependency-map.js';
import { dependencyGraph } from '../../src/report/html-map.js';
import { liveMapLayout } from '../../src/live/page-style.js';
import { markLegend, traceVerdict, unsampledVerdict } from '../../src/report/verdict.js';
import { client } from '../../src/topology/chain.js';
import { verifyCallerTrace } from '../../src/verify/caller-trace.js';
import { servedRequests, tracedRequestKey, untracedRequests } from '../../src/verify/unsampled.js';
import { goodTrace, splitTrace, unauthorizedResult } from './fixtures/run-result.js';
import { orderTrace, unauthorizedTrace } from './fixtures/synthetic-trace.js';

/** What a person's curl leaves: no polytrace span; the gateway's server span under the caller's own span, or a root. */
function sentByHand(spans: Span[], callerSpanId?: string): Span[] {
  const root = spans.find((s) => s.service === client.name)!;
  return spans
    .filter((s) => s !== root)
    .map((s) => ({
      ...s,
      parentSpanId: s.parentSpanId === root.spanId ? (callerSpanId ?? '') : s.parentSpanId,
      traceState: '',
      attributes: Object.fromEntries(Object.entries(s.attributes).filter(([key]) => key !== 'polytrace.run_id')),
    }));
}

describe('the verdict of a trace, in one line', () => {
  it("polytrace's own request, whole", () => {
    expect(traceVerdict(goodTrace())).toBe(
      '✓ verified: one trace, 15 spans across 4 services in 4 languages (order flow, HTTP 201)',
    );
  });

  it('a split trace names the hop and the cause', () => {
    expect(traceVerdict(splitTrace())).toMatch(
      /^✗ broken at order-service → notification-service: .*the trace split \(order flow, HTTP 201\)$/,
    );
  });

  it('the 401 path passes, and its ✗ marks get a legend', () => {
    const trace = unauthorizedResult();
    trace.spans.find((s) => s.service === 'api-gateway' && s.kind === 'CLIENT')!.status = { code: 'ERROR' };
    expect(traceVerdict(trace)).toMatch(/^✓ verified: .*\(unauthorized flow, HTTP 401\)$/);
    expect(markLegend(trace)).toEqual([expect.stringMatching(/^✗ the span's status is ERROR .*4xx/)]);
    expect(markLegend(goodTrace())).toEqual([]);
  });
});

describe('a request a person sent by hand', () => {
  it("with its own traceparent: verified, its root explained as the caller's own span", () => {
    const trace = verifyCallerTrace(sentByHand(orderTrace(), 'b7ad6b7169203331'));
    expect(trace.checks.filter((c) => !c.ok)).toEqual([]);
    expect(trace.caller).toEqual({ parentSpanId: 'b7ad6b7169203331' });
    expect(trace.checks.find((c) => c.name === 'single-root')!.message).toMatch(
      /the caller's own span b7ad6b7169203331/,
    );
    expect(traceVerdict(trace)).toMatch(
      /^✓ your request: one trace, 14 spans .*; its root is your own span b7ad6b7169203331$/,
    );
    expect(markLegend(trace)).toEqual([
      expect.stringMatching(/^⚠ api-gateway "POST \/orders" \(SERVER\): its parent b7ad6b7169203331 is your own span/),
    ]);
  });

  it('without a traceparent: the gateway started the trace', () => {
    const trace = verifyCallerTrace(sentByHand(orderTrace()));
    expect(trace.ok).toBe(true);
    expect(traceVerdict(trace)).toMatch(/no traceparent came with it, so api-gateway started the trace$/);
  });

  it('without a token: the unauthorized flow, told by what auth-service saw of the token', () => {
    const spans = sentByHand(unauthorizedTrace()).map((s) =>
      s.service === 'api-gateway' && s.kind === 'SERVER'
        ? { ...s, attributes: { ...s.attributes, 'http.response.status_code': 401 } }
        : s,
    );
    const trace = verifyCallerTrace(spans);
    expect(trace.flow).toBe('unauthorized');
    expect(trace.ok).toBe(true);
  });

  it('a trace that does not start at the gateway fails the root check', () => {
    const spans = sentByHand(orderTrace()).filter((s) => s.service === 'notification-service');
    const trace = verifyCallerTrace(spans.map((s) => (s.kind === 'SERVER' ? { ...s, parentSpanId: '' } : s)));
    expect(trace.ok).toBe(false);
    expect(trace.checks.find((c) => c.name === 'single-root')!.message).toMatch(
      /Expected the trace to start at a SERVER span of api-gateway, found notification-service "POST \/notify"/,
    );
  });
});

describe('a request with the sampled flag 00', () => {
  const series = (status: number, value: number): MetricSeries => ({
    service: 'api-gateway',
    language: 'go',
    name: 'http.server.request.duration',
    unit: 's',
    kind: 'histogram',
    attributes: { 'http.request.method': 'POST', 'http.route': '/orders', 'http.response.status_code': status },
    value,
    exemplars: [],
  });

  it('counted by the server metric, with no SERVER span: reported once', () => {
    const served = servedRequests([series(201, 3), series(401, 1)]);
    const traced = new Map<string, number>();
    for (const span of [...orderTrace(), ...orderTrace()]) {
      const key = tracedRequestKey(span);
      if (key) traced.set(key, (traced.get(key) ?? 0) + 1);
    }
    const unauthorized = unauthorizedTrace().find((s) => s.service === 'api-gateway' && s.kind === 'SERVER')!;
    traced.set(
      tracedRequestKey({
        ...unauthorized,
        attributes: { ...unauthorized.attributes, 'http.response.status_code': 401 },
      })!,
      1,
    );
    const [missing, ...more] = untracedRequests(served, traced, new Map());
    expect(more).toEqual([]);
    expect(missing).toEqual({ service: 'api-gateway', method: 'POST', route: '/orders', status: 201, count: 1 });
    expect(unsampledVerdict(missing!)).toBe(
      '○ not sampled (flag 00): nothing recorded, as W3C Trace Context asks: api-gateway answered POST /orders with HTTP 201 and no span',
    );
    expect(untracedRequests(served, traced, new Map([['POST /orders 201', 1]]))).toEqual([]);
  });
});

describe('the dependency map draws the broken hop', () => {
  it('where a trace split: a dashed edge order-service → notification-service, with its cause', () => {
    const map = dependencyMap([goodTrace(), splitTrace()]);
    expect(map.broken).toEqual([
      { from: 'order-service', to: 'notification-service', traces: 1, causes: ['propagator-mismatch'] },
    ]);
    const svg = dependencyGraph(map);
    expect(svg).toMatch(/<g class="edge broken" data-hop="order-service → notification-service">/);
    expect(svg).toMatch(/✗ broken in 1 trace<\/tspan><tspan [^>]*>propagator-mismatch</);
  });

  it("on the live page, a row per step: four steps of boxes at its large type fit a projector's width", () => {
    const svg = dependencyGraph(dependencyMap([goodTrace(), splitTrace()]), liveMapLayout);
    const [, width] = /viewBox="0 0 (\d+) (\d+)"/.exec(svg)!.map(Number);
    expect(width).toBeLessThanOrEqual(1000);
    expect(svg).toMatch(/<g class="edge broken" data-hop="order-service → notification-service">/);
  });

  it('a whole trace has no broken hop', () => {
    expect(dependencyMap([goodTrace()]).broken).toEqual([]);
  });
});
