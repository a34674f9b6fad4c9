// The async pitfall on synthetic spans shaped like the real chain's: an order
// event through RabbitMQ, whose context crosses only when the producer injects
// it and the consumer extracts it (as a child, or as a new trace with a link).
import { describe, expect, it } from 'vitest';
import { evidenceFor } from '../../src/core/collect.js';
import type { Span } from '../../src/intake/span.js';
import { dependencyMap } from '../../src/report/dependency-map.js';
import { renderDependencyTable } from '../../src/report/dependency-table.js';
import { renderJson } from '../../src/report/json.js';
import { colorsFor } from '../../src/report/style.js';
import { renderWaterfall } from '../../src/report/waterfall.js';
import { scenarioEnvironment } from '../../src/scenarios/scenario.js';
import { findScenario } from '../../src/scenarios/catalog.js';
import { expectedSpans, flows, serviceNamed } from '../../src/topology/chain.js';
import { otelSettings } from '../../src/topology/environment.js';
import type { Evidence } from '../../src/verify/checks.js';
import { verifyTrace } from '../../src/verify/verify-trace.js';
import { checkResult } from './fixtures/run-result.js';
import { asyncOrderTrace, evidence, fixtureRequestId } from './fixtures/synthetic-trace.js';

const hop = 'order-service → rabbitmq → notification-service';
const plain = colorsFor(false);
const asyncEvidence = (parts: { spans: Span[]; linked?: Span[]; strays?: Span[] }, extra: Partial<Evidence> = {}) =>
  evidence(parts.spans, {
    flow: flows['async-order'],
    strays: parts.strays ?? [],
    ...(parts.linked?.length ? { linked: parts.linked } : {}),
    ...extra,
  });
const checkOf = (result: ReturnType<typeof verifyTrace>, name: string) => result.checks.find((c) => c.name === name)!;

describe('the message hop order-service → rabbitmq → notification-service', () => {
  it('passes when the CONSUMER span is the child of the PRODUCER span (the instrumentations default)', () => {
    const result = verifyTrace(asyncEvidence(asyncOrderTrace()));
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(checkOf(result, `edge ${hop}`)).toMatchObject({
      ok: true,
      hop,
      message: `${hop}: the PRODUCER span "order.created send" of order-service is the parent of the CONSUMER span "order.created process" of notification-service: the context crossed the broker in the message headers`,
    });
  });

  it('passes when the consumer starts a new trace with a span link to the producer, and says the trace continues by link', () => {
    const parts = asyncOrderTrace({ links: true });
    const result = verifyTrace(asyncEvidence(parts));
    expect(result.ok, JSON.stringify(result.checks.filter((c) => !c.ok))).toBe(true);
    expect(checkOf(result, `edge ${hop}`).message).toMatch(
      new RegExp(
        `^${hop}: the trace continues by link: the CONSUMER span "order.created process" of notification-service starts trace [0-9a-f]{8}… with a span link to the PRODUCER span "order.created send" of order-service$`,
      ),
    );
    expect(checkOf(result, 'one-trace-id').message).toMatch(
      /share trace [0-9a-f]{32}; the trace continues by link in trace [0-9a-f]{8}… \(notification-service "order.created process" \(CONSUMER\) links it\)/,
    );
    // The consumer's own trace is neither a split nor a second root of the request's trace.
    expect(result.strays).toEqual([]);
    expect(result.linked).toHaveLength(2);
  });

  it('names the hop and "context not injected into the message headers" when the publisher is not instrumented', () => {
    const scenario = findScenario('queue-context-dropped')!;
    const settings = otelSettings(scenarioEnvironment(scenario));
    const result = verifyTrace(
      asyncEvidence(asyncOrderTrace({ uninstrumentedPublisher: true }), { otelSettings: settings }),
    );
    expect(result.ok).toBe(false);
    expect(result.diagnosis).toMatchObject({ hop, cause: 'context-not-injected' });
    expect(result.diagnosis!.message).toContain('context not injected into the message headers');
    expect(result.diagnosis!.message).toContain('OTEL_PYTHON_DISABLED_INSTRUMENTATIONS=pika');
    expect(checkOf(result, 'one-trace-id')).toMatchObject({ ok: false, hop });
  });

  it('says the consumer did not extract when the producer injected but the consumer started a new trace anyway', () => {
    const { spans } = asyncOrderTrace();
    const consumerIds = new Set(
      spans
        .filter((s) => s.service === 'notification-service' && /order\.created|receipt/.test(s.name))
        .map((s) => s.spanId),
    );
    const split = spans
      .filter((s) => consumerIds.has(s.spanId))
      .map((s) => ({
        ...s,
        traceId: 'f'.repeat(32),
        parentSpanId: consumerIds.has(s.parentSpanId) ? s.parentSpanId : '',
      }));
    const result = verifyTrace(
      asyncEvidence({ spans: spans.filter((s) => !consumerIds.has(s.spanId)), strays: split }),
    );
    expect(result.diagnosis).toMatchObject({ hop, cause: 'propagator-mismatch' });
    expect(result.diagnosis!.message).toMatch(
      /injected its context into the message headers: notification-service did not extract it/,
    );
  });

  it('says the message was not consumed when only the producer is there', () => {
    const { spans } = asyncOrderTrace();
    const result = verifyTrace(
      asyncEvidence({ spans: spans.filter((s) => !/order\.created process|receipt\.record/.test(s.name)) }),
    );
    expect(result.diagnosis).toMatchObject({ hop, cause: 'not-recorded' });
  });

  it('refuses a linked consumer whose link points elsewhere than the producer', () => {
    const parts = asyncOrderTrace({ links: true });
    const gateway = parts.spans.find((s) => s.service === 'api-gateway')!;
    const linked = parts.linked.map((s) =>
      s.links ? { ...s, links: [{ traceId: gateway.traceId, spanId: gateway.spanId }] } : s,
    );
    const result = verifyTrace(asyncEvidence({ ...parts, linked }));
    expect(result.diagnosis).toMatchObject({ hop, cause: 'wrong-parent' });
  });

  it('calls two PRODUCER spans for one publish double instrumentation', () => {
    const { spans } = asyncOrderTrace();
    const producer = spans.find((s) => s.kind === 'PRODUCER')!;
    const inner = { ...producer, spanId: 'abcdef0123456789', parentSpanId: producer.spanId };
    const result = verifyTrace(asyncEvidence({ spans: [...spans, inner] }));
    expect(checkOf(result, 'expected-spans').message).toMatch(
      /expected one "order.created send" \(PRODUCER\) span per request, got 2: double instrumentation at order-service/,
    );
  });

  it('expects the message spans only in a flow through the broker', () => {
    const notify = serviceNamed('notification-service');
    expect(expectedSpans(notify, flows.order).map((s) => s.name)).toEqual(['POST /notify', 'email.send']);
    expect(expectedSpans(notify, flows['async-order']).map((s) => s.name)).toEqual([
      'POST /notify',
      'email.send',
      'order.created process',
      'receipt.record',
    ]);
  });
});

describe('collecting the evidence of a message hop', () => {
  const request = (traceId: string) => ({
    flow: flows['async-order'],
    traceId,
    requestId: fixtureRequestId,
    status: 201,
    startedAt: 0,
    endedAt: 0,
  });

  it('follows a span link into the consumer trace, with no request id needed', () => {
    const parts = asyncOrderTrace({ links: true });
    const unmarked = parts.linked.map((s) => ({ ...s, attributes: {} }));
    const [found] = evidenceFor([request(parts.spans[0]!.traceId)], [...parts.spans, ...unmarked]);
    expect(found!.linked!.map((s) => s.name)).toEqual(['order.created process', 'receipt.record']);
    expect(found!.strays).toEqual([]);
  });

  it('ties a consumer trace that lost the context to its request by the request id the message carried', () => {
    const parts = asyncOrderTrace({ uninstrumentedPublisher: true });
    const other = asyncOrderTrace({ uninstrumentedPublisher: true }).strays.map((s) => ({
      ...s,
      attributes: { ...s.attributes, 'messaging.message.header.x-request-id': ['another-request'] },
    }));
    const [found] = evidenceFor([request(parts.spans[0]!.traceId)], [...parts.spans, ...parts.strays, ...other]);
    expect(found!.strays.map((s) => s.spanId).sort()).toEqual(parts.strays.map((s) => s.spanId).sort());
    expect(found!.linked).toEqual([]);
  });
});

describe('the hop in the reports', () => {
  it('the waterfall names the hop above the consumer', () => {
    const text = renderWaterfall(asyncOrderTrace().spans, { width: 100, colors: plain });
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.includes(`⇣ ${hop}`));
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(/order\.created process +notification-service/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('the waterfall draws a linked trace below a rule that says the trace continues by link', () => {
    const parts = asyncOrderTrace({ links: true });
    const text = renderWaterfall(parts.spans, { width: 120, colors: plain, linked: parts.linked });
    expect(text).toContain(`┄┄ continues by link: ${hop}, in a trace of its own ┄┄`);
    expect(text.indexOf('continues by link')).toBeLessThan(text.indexOf('order.created process'));
  });

  it.each([false, true])('the dependency map has the message edge through rabbitmq (links: %s)', (links) => {
    const parts = asyncOrderTrace({ links });
    const trace = { ...verifyTrace(asyncEvidence(parts)) };
    const map = dependencyMap([trace]);
    const message = map.edges.find((e) => e.via);
    expect(message).toMatchObject({
      from: 'order-service',
      to: 'notification-service',
      via: 'rabbitmq',
      requests: 1,
      errors: 0,
    });
    // The HTTP call between the same two services stays its own edge.
    expect(map.edges.filter((e) => e.from === 'order-service' && e.to === 'notification-service')).toHaveLength(2);
    const table = renderDependencyTable(map, { colors: plain });
    expect(table).toContain(hop);
    for (const line of table.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('--json lists the linked spans, with their links', () => {
    const parts = asyncOrderTrace({ links: true });
    const trace = verifyTrace(asyncEvidence(parts));
    const json = JSON.parse(renderJson(checkResult([trace]))) as {
      traces: Array<{ linked: Array<{ name: string; links?: Array<{ spanId: string }> }> }>;
    };
    const [consumer] = json.traces[0]!.linked;
    expect(consumer!.name).toBe('order.created process');
    expect(consumer!.links).toEqual([
      { traceId: parts.spans[0]!.traceId, spanId: parts.spans.find((s) => s.kind === 'PRODUCER')!.spanId },
    ]);
  });
});
