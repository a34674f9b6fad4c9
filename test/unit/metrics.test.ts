// The metrics checks on synthetic series shaped like the four SDKs' exports,
// and the OTLP JSON metrics reader on hand-written lines.
import { describe, expect, it } from 'vitest';
import { parseOtlpMetricLines, type MetricSeries } from '../../src/intake/otlp-metrics.js';
import { flows, services } from '../../src/topology/chain.js';
import { verifyMetrics, type MetricsEvidence } from '../../src/verify/metrics.js';

const traceIds = ['a'.repeat(32), 'b'.repeat(32), 'c'.repeat(32)];
const requests = traceIds.map((traceId) => ({ flow: flows.order, traceId }));

/** What the chain exports for three authorized orders. */
function goodSeries(): MetricSeries[] {
  return services.flatMap((service): MetricSeries[] => {
    const route = flows.order.edges.find((e) => e.to === service.name)!.route;
    const [method, path] = route.split(' ');
    const base = { service: service.name, language: service.language };
    return [
      {
        ...base,
        name: 'http.server.request.duration',
        unit: 's',
        kind: 'histogram',
        attributes: { 'http.request.method': method!, 'http.route': path!, 'http.response.status_code': 201 },
        value: 3,
        buckets: { counts: [0, 2, 1, 0], bounds: [0.005, 0.05, 0.5] },
        exemplars:
          service.language === 'nodejs' ? [] : traceIds.map((traceId) => ({ traceId, spanId: '1'.repeat(16) })),
      },
      {
        ...base,
        name: service.counter.name,
        unit: '1',
        kind: 'sum',
        attributes: service.counter.byFlow.order!,
        value: 3,
        exemplars: [],
      },
    ];
  });
}

const evidence = (series: MetricSeries[]): MetricsEvidence => ({ series, requests, spans: [] });
const check = (series: MetricSeries[], name: string) =>
  verifyMetrics(evidence(series)).checks.find((c) => c.name === name)!;

describe('verifyMetrics', () => {
  it('passes a chain whose four languages report the same metric, counts, counters and exemplars', () => {
    const verdict = verifyMetrics(evidence(goodSeries()));
    expect(verdict.checks.filter((c) => !c.ok)).toEqual([]);
    expect(check(goodSeries(), 'exemplars').message).toMatch(
      /notification-service \(nodejs\): none, the SDK does not record exemplars/,
    );
    const gateway = verdict.latency.find((r) => r.service === 'api-gateway')!;
    expect(gateway).toMatchObject({ route: 'POST /orders', requests: 3 });
    expect(gateway.fromMetrics!.p50Ms).toBeGreaterThan(5);
    expect(gateway.fromMetrics!.p50Ms).toBeLessThan(50);
  });

  it('semconv-mismatch: the old http.server.duration in ms at order-service is named, with the service as the hop', () => {
    const series = goodSeries().map((s) =>
      s.service === 'order-service' && s.name === 'http.server.request.duration'
        ? { ...s, name: 'http.server.duration', unit: 'ms' }
        : s,
    );
    const verdict = verifyMetrics(evidence(series));
    expect(verdict.ok).toBe(false);
    expect(verdict.diagnosis).toMatchObject({ hop: 'order-service', cause: 'semconv-mismatch' });
    expect(verdict.diagnosis!.message).toMatch(/order-service reports http.server.duration in ms/);
  });

  it('a server that counted a request too many (or a health probe) is named with both numbers', () => {
    const series = goodSeries().map((s) =>
      s.service === 'auth-service' && s.name === 'http.server.request.duration' ? { ...s, value: 4 } : s,
    );
    expect(check(series, 'request-counts').message).toMatch(
      /auth-service GET \/verify: polytrace sent 3, the metric counted 4/,
    );
  });

  it('a business counter that did not rise by the requests it saw', () => {
    const series = goodSeries().map((s) => (s.name === 'orders.created' ? { ...s, value: 2 } : s));
    expect(check(series, 'business-counters').message).toMatch(
      /order-service orders.created\{status=created\}: expected \+3, got \+2/,
    );
  });

  it('exemplars must point at the traces this run sent', () => {
    const series = goodSeries().map((s) =>
      s.service === 'auth-service' && s.name === 'http.server.request.duration'
        ? { ...s, exemplars: [{ traceId: 'f'.repeat(32), spanId: '2'.repeat(16) }] }
        : s,
    );
    expect(check(series, 'exemplars').message).toMatch(
      /auth-service: 1 exemplar\(s\) point at traces this run did not send/,
    );
  });

  it('a missing attribute or unit on the server metric', () => {
    const series = goodSeries().map((s) =>
      s.service === 'api-gateway' && s.name === 'http.server.request.duration'
        ? { ...s, unit: 'ms', attributes: { 'http.request.method': 'POST', 'http.route': '/orders' } }
        : s,
    );
    expect(check(series, 'server-metric').message).toMatch(
      /api-gateway: expected http.server.request.duration as a histogram in "s", got a histogram in "ms"; api-gateway: http.server.request.duration lacks http.response.status_code/,
    );
  });
});

describe('parseOtlpMetricLines', () => {
  const line = (value: number, temporality: number) =>
    JSON.stringify({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'order-service' } }] },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'orders.created',
                  unit: '1',
                  sum: {
                    aggregationTemporality: temporality,
                    isMonotonic: true,
                    dataPoints: [
                      { attributes: [{ key: 'status', value: { stringValue: 'created' } }], asInt: String(value) },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    });

  it('cumulative: the newest point is the total', () => {
    const [series] = parseOtlpMetricLines([line(1, 2), line(3, 2)].join('\n'));
    expect(series).toMatchObject({
      service: 'order-service',
      name: 'orders.created',
      unit: '1',
      kind: 'sum',
      value: 3,
    });
  });

  it('delta: the points add up', () => {
    const [series] = parseOtlpMetricLines([line(1, 1), line(2, 1)].join('\n'));
    expect(series!.value).toBe(3);
  });
});

describe('verifyMetrics on the 401 path', () => {
  it('asks nothing of the services a 401 never reaches', () => {
    const unauthorized = traceIds.map((traceId) => ({ flow: flows.unauthorized, traceId }));
    const reached = goodSeries()
      .filter((s) => ['api-gateway', 'auth-service'].includes(s.service))
      .map((s): MetricSeries =>
        s.name === 'http.server.request.duration'
          ? { ...s, attributes: { ...s.attributes, 'http.response.status_code': 401 } }
          : { ...s, attributes: s.service === 'api-gateway' ? { outcome: 'unauthorized' } : { result: 'invalid' } },
      );
    const verdict = verifyMetrics({ series: reached, requests: unauthorized, spans: [] });
    expect(verdict.checks.filter((c) => !c.ok)).toEqual([]);
  });
});
