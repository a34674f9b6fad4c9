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
      'one-trace-id',
      'single-root',
      'no-orphans',
      'services-present',
      'edge polytrace → api-gateway',
      'edge api-gateway → auth-service',
      'edge api-gateway → order-service',
      'edge order-service → notification-service',
      'expected-spans',
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
      /order-service called notification-service \(its client span is there\) but no span of notification-service arrived/,
    );
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
