// polytrace's own tracer. Each request it fires starts with polytrace's own
// CLIENT span, exported through the Collector like every other span, so the
// trace has exactly one root and polytrace knows its trace ID up front.
import { context, SpanKind, SpanStatusCode, trace, type Span as ApiSpan } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { client } from '../topology/chain.js';

export interface ClientTracer {
  /** Starts the root span and returns the headers (traceparent) that carry it. */
  startRequest(method: string, url: string): { span: ApiSpan; headers: Record<string, string>; traceId: string };
  finishRequest(span: ApiSpan, status: number | undefined, error?: unknown): void;
  /** Exports what is buffered now. */
  flush(): Promise<void>;
  /** Exports what is buffered and stops; call before the Collector stops. */
  shutdown(): Promise<void>;
}

export function createClientTracer(collectorHttpUrl: string, deploymentEnvironment: string): ClientTracer {
  const provider = new BasicTracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({
        'service.name': client.name,
        'service.version': client.version,
        'deployment.environment': deploymentEnvironment,
      }),
    ),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${collectorHttpUrl}/v1/traces` }), {
        scheduledDelayMillis: 100,
      }),
    ],
  });
  const tracer = provider.getTracer('polytrace');
  // Not the global propagator: the services' configuration must not change what polytrace sends.
  const propagator = new W3CTraceContextPropagator();

  return {
    startRequest(method, url) {
      const span = tracer.startSpan(method, {
        kind: SpanKind.CLIENT,
        attributes: { 'http.request.method': method, 'url.full': url },
      });
      const headers: Record<string, string> = {};
      propagator.inject(trace.setSpan(context.active(), span), headers, {
        set: (carrier, key, value) => {
          carrier[key] = value;
        },
      });
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
