import { describe, expect, it } from 'vitest';
import { flows } from '../../src/topology/chain.js';
import { verifyTrace } from '../../src/verify/verify-trace.js';
import type { TraceResult } from '../../src/verify/result.js';
import { evidence, orderTrace, splitAt, unauthorizedTrace } from './fixtures/synthetic-trace.js';

const failed = (result: TraceResult) => result.checks.filter((c) => !c.ok);
const check = (result: TraceResult, name: string) => result.checks.find((c) => c.name === name)!;

describe('verifyTrace on good traces', () => {
  it('passes every check for a full order trace', () => {
    const result = verifyTrace(evidence(orderTrace()));
    expect(failed(result)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.checks.map((c) => c.name)).toEqual([
      'response-status',
      'unique-span-ids',
      'one-trace-id',
      'single-root',
      'no-orphans',
      'services-present',
      'edge polytrace → api-gateway',
      'edge api-gateway → auth-service',
      'edge api-gateway → order-service',
      'edge order-service → notification-service',
      'expected-spans',
      'baggage',
      'tracestate',
    ]);
  });

  it('passes the 401 path, which has no order-service span', () => {
    const result = verifyTrace(evidence(unauthorizedTrace(), { flow: flows.unauthorized }));
    expect(failed(result)).toEqual([]);
  });
});

describe('verifyTrace on broken traces', () => {
  it('two trace IDs: names the hop where the trace split', () => {
    const { kept, strays } = splitAt(orderTrace(), 'notification-service');
    const result = verifyTrace(evidence(kept, { strays }));
    expect(result.ok).toBe(false);
    const oneId = check(result, 'one-trace-id');
    expect(oneId.ok).toBe(false);
    expect(oneId.hop).toBe('order-service → notification-service');
    expect(oneId.message).toMatch(/notification-service started a new trace/);
    expect(check(result, 'edge order-service → notification-service').message).toMatch(/new trace/);
  });

  it('an orphan: a span whose parent never arrived', () => {
    const spans = orderTrace().filter((s) => !(s.service === 'api-gateway' && s.name === 'GET'));
    const result = verifyTrace(evidence(spans));
    expect(check(result, 'no-orphans').ok).toBe(false);
    expect(check(result, 'no-orphans').message).toMatch(
      /auth-service "GET \/verify" \(SERVER\) names parent [0-9a-f]+, which never arrived/,
    );
    expect(check(result, 'edge api-gateway → auth-service').ok).toBe(false);
  });

  it('two roots: a service started its own root in the same trace', () => {
    const spans = orderTrace().map((s) =>
      s.service === 'auth-service' && s.kind === 'SERVER' ? { ...s, parentSpanId: '' } : s,
    );
    const result = verifyTrace(evidence(spans));
    expect(check(result, 'single-root').ok).toBe(false);
    expect(check(result, 'single-root').message).toMatch(/found 2/);
  });

  it('no root at all: polytrace span missing', () => {
    const spans = orderTrace().filter((s) => s.service !== 'polytrace');
    const result = verifyTrace(evidence(spans));
    expect(check(result, 'single-root').ok).toBe(false);
  });

  it('a missing service', () => {
    const spans = orderTrace().filter((s) => s.service !== 'notification-service');
    const result = verifyTrace(evidence(spans));
    expect(check(result, 'services-present').message).toMatch(/notification-service \(nodejs\) has no span/);
    expect(check(result, 'edge order-service → notification-service').message).toMatch(
      /order-service called notification-service \(its client span is there\) but notification-service recorded nothing: either its sampler dropped the trace or it did not export its spans/,
    );
    // The last service of the flow: nothing after it can tell a sampler's "no" from a failed export.
    expect(verifyTrace(evidence(spans)).diagnosis?.cause).toBe('not-recorded');
  });

  it('a service without service.name is named as such', () => {
    const spans = orderTrace().map((s) =>
      s.service === 'auth-service' ? { ...s, service: 'unknown_service:java' } : s,
    );
    const result = verifyTrace(evidence(spans));
    expect(check(result, 'services-present').message).toMatch(
      /auth-service's spans arrived as "unknown_service:java": the service has no service.name/,
    );
  });

  it('a wrong language', () => {
    const spans = orderTrace().map((s) => (s.service === 'order-service' ? { ...s, language: 'ruby' } : s));
    expect(check(verifyTrace(evidence(spans)), 'services-present').message).toMatch(
      /expected telemetry.sdk.language "python", got "ruby"/,
    );
  });

  it('a wrong edge: the callee server span hangs under an INTERNAL span, not a CLIENT span', () => {
    const spans = orderTrace();
    const verify = spans.find((s) => s.name === 'auth.verify')!;
    const rewired = spans.map((s) =>
      s.service === 'auth-service' && s.kind === 'SERVER' ? { ...s, parentSpanId: verify.spanId } : s,
    );
    const result = verifyTrace(evidence(rewired));
    const edge = check(result, 'edge api-gateway → auth-service');
    expect(edge.ok).toBe(false);
    expect(edge.message).toMatch(
      /expected the parent .* to be a CLIENT span of api-gateway, got api-gateway "auth.verify" \(INTERNAL\)/,
    );
  });

  it('a missing span names the span and the service', () => {
    const spans = orderTrace().filter((s) => s.name !== 'email.send');
    const result = verifyTrace(evidence(spans));
    expect(check(result, 'expected-spans').message).toBe(
      'notification-service: expected a span "email.send" (INTERNAL), found none',
    );
  });

  it('a missing attribute', () => {
    const spans = orderTrace().map((s) =>
      s.name === 'order.process' ? { ...s, attributes: { 'order.item_count': 2 } } : s,
    );
    expect(check(verifyTrace(evidence(spans)), 'expected-spans').message).toMatch(
      /"order.process" lacks attribute order.id/,
    );
  });

  it('the 401 flow fails when orders was called anyway', () => {
    const result = verifyTrace(evidence(orderTrace(), { flow: flows.unauthorized, status: 401 }));
    expect(check(result, 'services-present').message).toMatch(/order-service took part/);
  });

  it('a wrong HTTP status', () => {
    const result = verifyTrace(evidence(orderTrace(), { status: 500 }));
    expect(check(result, 'response-status').message).toBe(
      'Expected api-gateway to answer HTTP 201 for the order flow, got HTTP 500',
    );
  });
});

describe('verifyTrace is strict about what it counts', () => {
  it("the root must be polytrace's CLIENT span with its expected name", () => {
    const spans = orderTrace().map((s) =>
      s.service === 'polytrace' ? { ...s, name: 'GET', kind: 'INTERNAL' as const } : s,
    );
    const root = check(verifyTrace(evidence(spans)), 'single-root');
    expect(root.ok).toBe(false);
    expect(root.message).toMatch(
      /Expected the root to be polytrace's CLIENT span "POST", got polytrace "GET" \(INTERNAL\)/,
    );
  });

  it('two server spans for one request are double instrumentation at that service', () => {
    const spans = orderTrace();
    const server = spans.find((s) => s.service === 'order-service' && s.kind === 'SERVER')!;
    const twin = { ...server, spanId: 'feedfacefeedface', parentSpanId: server.spanId };
    const result = verifyTrace(evidence([...spans, twin]));
    expect(check(result, 'expected-spans').message).toMatch(
      /order-service: expected one "POST \/orders" \(SERVER\) span per request, got 2: double instrumentation at order-service/,
    );
  });

  it('an identical re-send of a span (an exporter retry) is one span, not a second root', () => {
    const spans = orderTrace();
    const root = spans.find((s) => !s.parentSpanId)!;
    const result = verifyTrace(evidence([...spans, { ...root }]));
    expect(failed(result)).toEqual([]);
    expect(result.spans).toHaveLength(spans.length);
  });

  it('two different spans under one span id are an error', () => {
    const spans = orderTrace();
    const email = spans.find((s) => s.name === 'email.send')!;
    const result = verifyTrace(evidence([...spans, { ...email, name: 'sms.send' }]));
    expect(check(result, 'unique-span-ids').ok).toBe(false);
    expect(check(result, 'unique-span-ids').message).toMatch(
      new RegExp(`span id ${email.spanId} arrived as 2 different spans: notification-service "email.send"`),
    );
  });

  it('a declared parent must be the direct parent, not any ancestor', () => {
    const spans = orderTrace();
    const process = spans.find((s) => s.name === 'order.process')!;
    const db = spans.find((s) => s.name === 'db.insert_order')!;
    const between = { ...db, spanId: 'abcdabcdabcdabcd', name: 'validate', parentSpanId: process.spanId };
    const rewired = spans.map((s) => (s === db ? { ...db, parentSpanId: between.spanId } : s));
    expect(check(verifyTrace(evidence([...rewired, between])), 'expected-spans').message).toMatch(
      /order-service: expected the parent of "db.insert_order" to be "order.process", got order-service "validate"/,
    );
  });
});

describe('the run id sent as baggage and tracestate reaches every hop', () => {
  it('a service that does not read baggage: lost at the hop into it, named as baggage-dropped', () => {
    const spans = orderTrace().map((s) =>
      ['order-service', 'notification-service'].includes(s.service)
        ? {
            ...s,
            attributes: Object.fromEntries(Object.entries(s.attributes).filter(([k]) => k !== 'polytrace.run_id')),
          }
        : s,
    );
    const result = verifyTrace(evidence(spans));
    expect(check(result, 'baggage')).toMatchObject({ ok: false, hop: 'api-gateway → order-service' });
    expect(check(result, 'baggage').message).toMatch(
      /api-gateway → order-service: the baggage polytrace.run_id=20261130T090000Z-4242 was lost there: \d+ spans of order-service, notification-service lack it/,
    );
    expect(result.diagnosis).toMatchObject({ hop: 'api-gateway → order-service', cause: 'baggage-dropped' });
  });

  it('a span that dropped the tracestate member: named with its hop', () => {
    const spans = orderTrace().map((s) => (s.service === 'notification-service' ? { ...s, traceState: '' } : s));
    const result = verifyTrace(evidence(spans));
    expect(check(result, 'tracestate')).toMatchObject({ ok: false, hop: 'order-service → notification-service' });
    expect(result.diagnosis).toMatchObject({
      hop: 'order-service → notification-service',
      cause: 'tracestate-dropped',
    });
  });

  it("other vendors' tracestate members beside polytrace's are fine", () => {
    const spans = orderTrace().map((s) => ({ ...s, traceState: `congo=t61rcWkgMzE,${s.traceState}` }));
    expect(check(verifyTrace(evidence(spans)), 'tracestate').ok).toBe(true);
  });
});

describe('clocks', () => {
  const shift = (spans: ReturnType<typeof orderTrace>, service: string, ms: number) =>
    spans.map((s) =>
      s.service === service
        ? {
            ...s,
            startTimeUnixNano: String(BigInt(s.startTimeUnixNano) + BigInt(ms) * 1_000_000n),
            endTimeUnixNano: String(BigInt(s.endTimeUnixNano) + BigInt(ms) * 1_000_000n),
          }
        : s,
    );

  it('a service whose clock runs 2 s ahead: the trace passes, with a warning naming it and the offset', () => {
    const result = verifyTrace(evidence(shift(orderTrace(), 'order-service', 2000)));
    expect(failed(result)).toEqual([]);
    expect(result.clockSkews).toHaveLength(1);
    expect(result.clockSkews[0]).toMatchObject({ service: 'order-service' });
    expect(Math.abs(result.clockSkews[0]!.offsetMs - 2000)).toBeLessThan(100);
    expect(result.clockSkews[0]!.message).toMatch(
      /order-service's clock is \+(1\.9\d|2\.0\d) s off polytrace's \(measured at api-gateway → order-service\)/,
    );
  });

  it('a clock behind, at the end of the flow', () => {
    const [skew] = verifyTrace(evidence(shift(orderTrace(), 'notification-service', -1500))).clockSkews;
    expect(skew).toMatchObject({ service: 'notification-service' });
    expect(skew!.message).toMatch(/−1\.[45]\d s/);
  });

  it('clocks that agree: no warning', () => {
    expect(verifyTrace(evidence(orderTrace())).clockSkews).toEqual([]);
  });
});
