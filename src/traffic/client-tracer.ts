// polytrace's own tracer. Each request it fires starts with polytrace's own
// CLIENT span, exported through the Collector like every other span, so the
// trace has exactly one root and polytrace knows its trace ID up front.
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span as ApiSpan } from '@opentelemetry/api';
import { TraceState, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SamplingDecision,
  type Sampler,
  type SamplingResult,
} from '@opentelemetry/sdk-trace-base';
import { client, runIdKeys } from '../topology/chain.js';

/** What polytrace records on its own span of a request: what the request carried. */
export const sentAttributes = { flow: 'polytrace.flow', requestId: 'polytrace.request_id' } as const;

export interface ClientTracer {
  /** Starts the root span and returns the headers (traceparent) that carry it. */
  /**
   * `flow` and `requestId` are recorded on the span (polytrace.flow, and the request id it sent), so a run read back later (`view`) knows which flow
   * each request was from what it sent, not from the answer it got.
   */
  startRequest(
    method: string,
    url: string,
    sent: { flow: string; requestId: string },
  ): { span: ApiSpan; headers: Record<string, string>; traceId: string };
  finishRequest(span: ApiSpan, status: number | undefined, error?: unknown): void;
  /** Exports what is buffered now. */
  flush(): Promise<void>;
  /** Exports what is buffered and stops; call before the Collector stops. */
  shutdown(): Promise<void>;
}

/**
 * Runs `make` with no OTEL_* variable in the environment. The JS SDK reads the sampler, the
 * batch settings and the exporter's headers, endpoint and timeout from OTEL_* variables when it
 * is constructed; polytrace's own span is the verdict's anchor, so a shell's
 * OTEL_TRACES_SAMPLER=always_off or OTEL_EXPORTER_OTLP_HEADERS must not reach it.
 */
function withoutOtelEnvironment<T>(make: () => T): T {
  const saved = Object.entries(process.env).filter(([key]) => key.startsWith('OTEL_'));
  for (const [key] of saved) delete process.env[key];
  try {
    return make();
  } finally {
    for (const [key, value] of saved) process.env[key] = value;
  }
}

/**
 * Records every request polytrace fires, whatever a sampler elsewhere says, and starts each trace
 * with the run's tracestate member: the root span carries it, and the traceparent's companion
 * header takes it to every hop.
 */
function runSampler(runId: string): Sampler {
  const traceState = new TraceState().set(runIdKeys.traceState, runId);
  return {
    shouldSample: (): SamplingResult => ({ decision: SamplingDecision.RECORD_AND_SAMPLED, traceState }),
    toString: () => `polytrace(${runIdKeys.traceState}=${runId})`,
  };
}

/** Where polytrace's own spans go, and what marks them as this run's. */
interface ClientTracerOptions {
  collectorHttpUrl: string;
  deploymentEnvironment: string;
  runId: string;
  /** Sent with every export: the run's secret, which the Collector asks for. */
  exportHeaders?: Record<string, string>;
}

export function createClientTracer({
  collectorHttpUrl,
  deploymentEnvironment,
  runId,
  exportHeaders = {},
}: ClientTracerOptions): ClientTracer {
  const provider = withoutOtelEnvironment(
    () =>
      new BasicTracerProvider({
        sampler: runSampler(runId),
        resource: defaultResource().merge(
          resourceFromAttributes({
            'service.name': client.name,
            'service.version': client.version,
            'deployment.environment': deploymentEnvironment,
          }),
        ),
        spanProcessors: [
          new BatchSpanProcessor(
            new OTLPTraceExporter({
              url: `${collectorHttpUrl}/v1/traces`,
              headers: exportHeaders,
              timeoutMillis: 10_000,
            }),
            { scheduledDelayMillis: 100, maxQueueSize: 2048, maxExportBatchSize: 512, exportTimeoutMillis: 10_000 },
          ),
        ],
      }),
  );
  const tracer = provider.getTracer('polytrace');
  // Not the global propagator: the services' configuration must not change what polytrace sends.
  const traceContext = new W3CTraceContextPropagator();
  const baggage = new W3CBaggagePropagator();
  const withRunBaggage = propagation.setBaggage(
    context.active(),
    propagation.createBaggage({ [runIdKeys.baggage]: { value: runId } }),
  );

  return {
    startRequest(method, url, carried) {
      const span = tracer.startSpan(method, {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': method,
          'url.full': url,
          [sentAttributes.flow]: carried.flow,
          [sentAttributes.requestId]: carried.requestId,
        },
      });
      const headers: Record<string, string> = {};
      const setter = {
        set: (carrier: Record<string, string>, key: string, value: string) => {
          carrier[key] = value;
        },
      };
      const sent = trace.setSpan(withRunBaggage, span);
      traceContext.inject(sent, headers, setter);
      baggage.inject(sent, headers, setter);
      return { span, headers, traceId: span.spanContext().traceId };
    },
    finishRequest(span, status, error) {
      if (status !== undefined) span.setAttribute('http.response.status_code', status);
      if (error !== undefined) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
      } else if (status !== undefined && status >= 400) {
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
