import { describe, expect, it } from 'vitest';
import type { Span } from '../../src/intake/span.js';
import { percentile } from '../../src/common/percentile.js';
import { dependencyMap } from '../../src/report/dependency-map.js';
import { renderDependencyTable } from '../../src/report/dependency-table.js';
import { colorsFor } from '../../src/report/style.js';
import type { TraceResult } from '../../src/verify/result.js';
import { goodTrace, splitTrace, unauthorizedResult } from './fixtures/run-result.js';
import { TraceBuilder } from './fixtures/synthetic-trace.js';

const asTrace = (spans: Span[], strays: Span[] = []): TraceResult => ({
  traceId: spans[0]!.traceId,
  flow: 'order',
  ok: true,
  checks: [],
  spans,
  strays,
  clockSkews: [],
});

/** polytrace → api-gateway → auth-service, with the given client latency and auth's answer. */
function call(clientMs: number, authStatus = 200, authError = false): TraceResult {
  const t = new TraceBuilder();
  const root = t.span('polytrace', 'POST', 'CLIENT', undefined, {}, clientMs);
  const gateway = t.span('api-gateway', 'POST /orders', 'SERVER', root, { 'http.response.status_code': 201 }, 5);
  const authCall = t.span('api-gateway', 'GET', 'CLIENT', gateway, {}, 4);
  const auth = t.span(
    'auth-service',
    'GET /verify',
    'SERVER',
    authCall,
    { 'http.response.status_code': authStatus },
    3,
  );
  if (authError) auth.status = { code: 'ERROR', message: 'boom' };
  t.span('auth-service', 'token.validate', 'INTERNAL', auth, {}, 1);
  return asTrace(t.spans);
}

const edge = (traces: TraceResult[], from: string, to: string) =>
  dependencyMap(traces).edges.find((e) => e.from === from && e.to === to);

describe('percentile (nearest rank)', () => {
  it('picks a measured value', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([4, 1, 3, 2], 95)).toBe(4);
    expect(
      percentile(
        Array.from({ length: 20 }, (_, i) => i + 1),
        95,
      ),
    ).toBe(19);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        50,
      ),
    ).toBe(50);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        95,
      ),
    ).toBe(95);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBe(0);
  });
});

describe('dependencyMap', () => {
  it('finds the four edges of a full order trace, in the direction a request travels', () => {
    const map = dependencyMap([goodTrace(), goodTrace()]);
    expect(map.edges.map((e) => `${e.from} → ${e.to} ×${e.requests}`)).toEqual([
      'polytrace → api-gateway ×2',
      'api-gateway → auth-service ×2',
      'api-gateway → order-service ×2',
      'order-service → notification-service ×2',
    ]);
    expect(map.services).toEqual(['polytrace', 'api-gateway', 'auth-service', 'order-service', 'notification-service']);
  });

  it("measures latency on the caller's client span: p50 and p95 of known values", () => {
    const traces = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].reverse().map((ms) => call(ms));
    const root = edge(traces, 'polytrace', 'api-gateway')!;
    expect(root).toMatchObject({ requests: 10, errors: 0, rejected: 0, p50Ms: 50, p95Ms: 100 });
    // The gateway's client span to auth lasts 4 ms; auth's own server span (3 ms) is not used.
    expect(edge(traces, 'api-gateway', 'auth-service')).toMatchObject({ p50Ms: 4, p95Ms: 4 });
  });

  it('counts ERROR status and 5xx as errors, 4xx apart as rejected', () => {
    const traces = [call(10, 200), call(10, 500), call(10, 200, true), call(10, 401), call(10, 403)];
    expect(edge(traces, 'api-gateway', 'auth-service')).toMatchObject({ requests: 5, errors: 2, rejected: 2 });
    expect(edge(traces, 'polytrace', 'api-gateway')).toMatchObject({ requests: 5, errors: 0, rejected: 0 });
  });

  it('the 401 path: auth rejected the token, the edge did not fail', () => {
    const map = dependencyMap([unauthorizedResult()]);
    expect(map.edges.map((e) => `${e.from} → ${e.to}`)).toEqual([
      'polytrace → api-gateway',
      'api-gateway → auth-service',
    ]);
    expect(map.edges[1]).toMatchObject({ requests: 1, errors: 0, rejected: 1 });
  });

  it('a split trace: the lost hop has no edge, calls below the split still count', () => {
    const map = dependencyMap([splitTrace()]);
    expect(map.edges.find((e) => e.to === 'notification-service')).toBeUndefined();
    expect(map.services).toContain('notification-service');
    // Under the new trace ID, a stray subtree with its own cross-service call still shows it.
    const t = new TraceBuilder();
    const orders = t.span('order-service', 'POST /orders', 'SERVER', undefined, {}, 50);
    const notifyCall = t.span('order-service', 'POST', 'CLIENT', orders, {}, 20);
    t.span('notification-service', 'POST /notify', 'SERVER', notifyCall, {}, 10);
    const withStrays = dependencyMap([asTrace(call(10).spans, t.spans)]);
    expect(withStrays.edges.find((e) => e.from === 'order-service')).toMatchObject({ requests: 1, p50Ms: 20 });
  });

  it('ignores calls inside one service and spans whose parent is missing', () => {
    const t = new TraceBuilder();
    const root = t.span('api-gateway', 'POST /orders', 'SERVER', undefined, {}, 50);
    t.span('api-gateway', 'inner', 'SERVER', root, {}, 5);
    const orphan = t.span('auth-service', 'GET /verify', 'SERVER', undefined, {}, 5);
    orphan.parentSpanId = 'ffffffffffffffff';
    expect(dependencyMap([asTrace(t.spans)]).edges).toEqual([]);
  });
});

describe('dependency table (terminal)', () => {
  it('fits 80 columns and shows counts and percentiles', () => {
    const text = renderDependencyTable(dependencyMap([goodTrace(), goodTrace()]), { colors: colorsFor(false) });
    const lines = text.split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    expect(lines[1]).toMatch(/caller +callee +req +err +4xx +p50 +p95/);
    expect(text).toMatch(/order-service +→ notification-service +2 +0 +0 +75\.0ms +75\.0ms/);
  });

  it('says so when no call was linked', () => {
    expect(renderDependencyTable({ services: [], edges: [], broken: [] }, { colors: colorsFor(false) })).toMatch(
      /no calls/,
    );
  });
});
