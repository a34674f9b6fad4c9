import { describe, expect, it } from 'vitest';
import { evidenceFor } from '../../src/core/collect.js';
import { flows } from '../../src/topology/chain.js';
import { orderTrace, splitAt, TraceBuilder } from './fixtures/synthetic-trace.js';

const requestId = 'run-1-1';
const called = (spans: ReturnType<typeof orderTrace>, id = requestId) =>
  spans.map((s) =>
    s.kind === 'SERVER' ? { ...s, attributes: { ...s.attributes, 'http.request.header.x-request-id': [id] } } : s,
  );

describe('evidenceFor', () => {
  const spans = called(orderTrace());
  const request = { flow: flows.order, traceId: spans[0]!.traceId, requestId, status: 201, startedAt: 0, endedAt: 0 };

  it("gives each request its own trace's spans", () => {
    const [evidence] = evidenceFor([request], spans);
    expect(evidence!.spans).toHaveLength(spans.length);
    expect(evidence!.strays).toEqual([]);
  });

  it('ties a trace that split off to the request whose id its spans were called with, whole', () => {
    const { kept, strays } = splitAt(spans, 'notification-service');
    const [evidence] = evidenceFor([request], [...kept, ...strays]);
    expect(evidence!.strays.map((s) => s.name)).toEqual(['POST /notify', 'email.send']);
  });

  it("compares no clocks: a split-off trace seconds away is still the request's, another request's is not", () => {
    const { kept, strays } = splitAt(spans, 'notification-service');
    const skewed = strays.map((s) => ({
      ...s,
      startTimeUnixNano: String(BigInt(s.startTimeUnixNano) + 2_000_000_000n),
      endTimeUnixNano: String(BigInt(s.endTimeUnixNano) + 2_000_000_000n),
    }));
    const other = splitAt(called(orderTrace(), 'run-1-2'), 'notification-service').strays;
    const [evidence] = evidenceFor([request], [...kept, ...skewed, ...other]);
    expect(evidence!.strays.map((s) => s.spanId).sort()).toEqual(skewed.map((s) => s.spanId).sort());
  });

  it("ignores health probes and traffic that carries no request id of the run (a person's curl)", () => {
    const probe = new TraceBuilder();
    probe.span('api-gateway', 'GET /healthz', 'SERVER', undefined, { 'url.path': '/healthz' });
    const curl = orderTrace();
    const [evidence] = evidenceFor([request], [...spans, ...probe.spans, ...curl]);
    expect(evidence!.strays).toEqual([]);
  });
});
