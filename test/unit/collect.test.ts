import { describe, expect, it } from 'vitest';
import { evidenceFor } from '../../src/core/collect.js';
import { flows } from '../../src/topology/chain.js';
import { allArrived, evidenceSettled, settleTiming } from '../../src/verify/verify-trace.js';
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

describe('evidenceSettled: when the verdict may come', () => {
  const spans = called(orderTrace());
  const request = { flow: flows.order, traceId: spans[0]!.traceId, requestId, status: 201, startedAt: 0, endedAt: 0 };
  const evidenceOf = (received: typeof spans) => evidenceFor([request], received)[0]!;

  it('at once when the trace is whole: no quiet period', () => {
    expect(evidenceSettled(evidenceOf(spans), 0)).toBe(true);
  });

  it('at once when the trace split but every expected span has arrived, the split-off part too', () => {
    const { kept, strays } = splitAt(spans, 'notification-service');
    const split = evidenceOf([...kept, ...strays]);
    expect(allArrived(split)).toBe(true);
    expect(evidenceSettled(split, 0)).toBe(true);
  });

  it('not while a service is still missing, until nothing new came for the strays bound', () => {
    const { kept } = splitAt(spans, 'notification-service');
    const missing = evidenceOf(kept);
    expect(allArrived(missing)).toBe(false);
    expect(evidenceSettled(missing, settleTiming.strayQuietMs - 1)).toBe(false);
    expect(evidenceSettled(missing, settleTiming.strayQuietMs)).toBe(true);
  });

  it('not while a span of a service that answered is missing (one export still on its way)', () => {
    const partial = spans.filter((s) => s.name !== 'email.send');
    expect(evidenceSettled(evidenceOf(partial), 100)).toBe(false);
  });
});
