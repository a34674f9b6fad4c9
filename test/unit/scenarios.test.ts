// Each broken scenario's span shape, as the real chain produces it, must be
// diagnosed as that scenario's cause at that scenario's hop.
import { describe, expect, it } from 'vitest';
import { otelSettings } from '../../src/topology/environment.js';
import { scenarioEnvironment } from '../../src/scenarios/scenario.js';
import { judgeExpectedBreak } from '../../src/scenarios/expected-break.js';
import type { Span } from '../../src/intake/span.js';
import { findScenario, scenarios } from '../../src/scenarios/catalog.js';
import type { Evidence } from '../../src/verify/checks.js';
import { verifyTrace } from '../../src/verify/verify-trace.js';
import { asyncOrderTrace, evidence, orderTrace, splitAt } from './fixtures/synthetic-trace.js';

const scenario = (name: string) => findScenario(name)!;
const settingsOf = (name: string) => otelSettings(scenarioEnvironment(scenario(name)));

/** What each scenario does to the spans of one order, mirroring what the real SDKs do. */
const shapes: Record<string, () => { spans: Span[]; strays: Span[] }> = {
  // notification-service reads only B3: it ignores the traceparent and starts a new trace.
  'propagator-mismatch': () => {
    const { kept, strays } = splitAt(orderTrace(), 'notification-service');
    return { spans: kept, strays };
  },
  // requests is not instrumented: no client span, no traceparent, a new trace downstream.
  'lost-context': () => {
    const { kept, strays } = splitAt(orderTrace(), 'notification-service');
    return { spans: kept.filter((s) => !(s.service === 'order-service' && s.kind === 'CLIENT')), strays };
  },
  // order-service drops the trace and propagates sampled=0: nothing from it or after it.
  'sampling-mismatch': () => ({
    spans: orderTrace().filter((s) => !['order-service', 'notification-service'].includes(s.service)),
    strays: [],
  }),
  // order-service reads and sends no baggage: its spans and those after it lack the run id.
  'baggage-dropped': () => ({
    spans: orderTrace().map((s) =>
      ['order-service', 'notification-service'].includes(s.service)
        ? {
            ...s,
            attributes: Object.fromEntries(Object.entries(s.attributes).filter(([k]) => k !== 'polytrace.run_id')),
          }
        : s,
    ),
    strays: [],
  }),
  // pika is not instrumented: no PRODUCER span, no context in the message; the consumer starts a new trace.
  'queue-context-dropped': () => {
    const { spans, strays } = asyncOrderTrace({ uninstrumentedPublisher: true });
    return { spans, strays };
  },
  // Without OTEL_SERVICE_NAME the Python SDK reports unknown_service:python.
  'missing-service-name': () => ({
    spans: orderTrace().map((s) => (s.service === 'order-service' ? { ...s, service: 'unknown_service:python' } : s)),
    strays: [],
  }),
};

// The scenarios whose break shows in the traces (semconv-mismatch shows in the metrics: test/unit/metrics.test.ts).
const broken = scenarios.filter((s) => s.breaks && s.breaks.cause !== 'semconv-mismatch');

describe('scenarios', () => {
  it('lists twelve: seven break something on purpose, one fails downstream, one skews a clock, one goes through a broker', () => {
    expect(scenarios.map((s) => s.name)).toEqual([
      'happy',
      'unauthorized',
      'propagator-mismatch',
      'sampling-mismatch',
      'missing-service-name',
      'lost-context',
      'downstream-error',
      'semconv-mismatch',
      'clock-skew',
      'async',
      'queue-context-dropped',
      'baggage-dropped',
    ]);
    expect(Object.keys(shapes).sort()).toEqual(broken.map((s) => s.name).sort());
  });

  it.each(broken.map((s) => s.name))('%s is diagnosed at its hop, as its cause', (name) => {
    const { spans, strays } = shapes[name]!();
    const { flow } = scenario(name);
    const result = verifyTrace(
      evidence(spans, { flow, strays, otelSettings: settingsOf(name) } satisfies Partial<Evidence>),
    );
    expect(result.ok).toBe(false);
    expect(result.diagnosis).toMatchObject(scenario(name).breaks!);
  });

  it('propagator-mismatch says who sent what and who expects what', () => {
    const { spans, strays } = shapes['propagator-mismatch']!();
    const result = verifyTrace(evidence(spans, { strays, otelSettings: settingsOf('propagator-mismatch') }));
    expect(result.diagnosis!.message).toBe(
      'notification-service started a new trace: order-service sent W3C traceparent headers but notification-service expects B3 single-header (OTEL_PROPAGATORS: order-service "tracecontext,baggage", notification-service "b3")',
    );
  });

  it('lost-context names the uninstrumented client', () => {
    const { spans, strays } = shapes['lost-context']!();
    const result = verifyTrace(evidence(spans, { strays, otelSettings: settingsOf('lost-context') }));
    expect(result.diagnosis!.message).toMatch(
      /order-service made no client span for the call and sent no traceparent.*OTEL_PYTHON_DISABLED_INSTRUMENTATIONS=requests/,
    );
  });

  it('sampling-mismatch names the sampler and its ratio', () => {
    const { spans } = shapes['sampling-mismatch']!();
    const result = verifyTrace(evidence(spans, { otelSettings: settingsOf('sampling-mismatch') }));
    expect(result.diagnosis!.message).toMatch(/OTEL_TRACES_SAMPLER=traceidratio with ratio 0.1/);
  });

  it.each(broken.map((s) => s.name))('%s: the spans alone decide the cause, with the settings withheld', (name) => {
    const { spans, strays } = shapes[name]!();
    const { flow } = scenario(name);
    expect(verifyTrace(evidence(spans, { flow, strays })).diagnosis).toMatchObject(scenario(name).breaks!);
  });

  it('a service that traced the request but did not export: the services after it still did', () => {
    // order-service's spans are gone, notification-service's arrived, their parent missing.
    const spans = orderTrace().filter((s) => s.service !== 'order-service');
    const settings = settingsOf('sampling-mismatch');
    for (const otelSettings of [settings, undefined]) {
      expect(verifyTrace(evidence(spans, otelSettings ? { otelSettings } : {})).diagnosis).toMatchObject({
        hop: 'api-gateway → order-service',
        cause: 'not-exported',
      });
    }
  });

  it('without the settings, the span shape alone still names the hop', () => {
    const { spans, strays } = shapes['propagator-mismatch']!();
    const result = verifyTrace(evidence(spans, { strays }));
    expect(result.diagnosis).toMatchObject({
      hop: 'order-service → notification-service',
      cause: 'propagator-mismatch',
    });
    expect(result.diagnosis!.message).toMatch(/different propagators, or something between them drops the header/);
  });

  it('happy and unauthorized break nothing: no diagnosis on a good trace', () => {
    expect(verifyTrace(evidence(orderTrace(), { otelSettings: settingsOf('happy') })).diagnosis).toBeUndefined();
  });
});

describe('--expect-broken', () => {
  const run = (name: string) => {
    const { spans, strays } = shapes[name]!();
    return verifyTrace(evidence(spans, { flow: scenario(name).flow, strays, otelSettings: settingsOf(name) }));
  };

  it('passes when every broken trace shows the expected cause at the expected hop', () => {
    const judged = judgeExpectedBreak(scenario('lost-context'), [run('lost-context'), run('lost-context')]);
    expect(judged).toEqual({
      met: true,
      message:
        'The expected break was found and explained in 2/2 traces: order-service → notification-service (uninstrumented-call)',
    });
  });

  it('tolerates traces a sampled break left whole', () => {
    const whole = verifyTrace(evidence(orderTrace(), { otelSettings: settingsOf('sampling-mismatch') }));
    expect(judgeExpectedBreak(scenario('sampling-mismatch'), [whole, run('sampling-mismatch')]).met).toBe(true);
  });

  it('fails when nothing broke', () => {
    const judged = judgeExpectedBreak(scenario('lost-context'), [verifyTrace(evidence(orderTrace()))]);
    expect(judged.met).toBe(false);
    expect(judged.message).toMatch(/but all 1 traces passed/);
  });

  it('fails when it broke for another reason', () => {
    const judged = judgeExpectedBreak(scenario('lost-context'), [run('propagator-mismatch')]);
    expect(judged).toEqual({
      met: false,
      message:
        'Expected the break at order-service → notification-service (uninstrumented-call), got order-service → notification-service (propagator-mismatch)',
    });
  });
});
