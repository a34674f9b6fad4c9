// The scenarios `--scenario` accepts, in the order `polytrace scenarios` lists
// them. The broken ones are the "Common Pitfalls" of "How to
// Implement Distributed Tracing for Polyglot Architectures", each caused by
// the one setting a real team gets wrong.
import { flows } from '../topology/chain.js';
import type { Scenario } from './scenario.js';

export const scenarios: Scenario[] = [
  {
    name: 'happy',
    summary: 'one connected trace per request across Go, Java, Python and Node',
    flow: flows.order,
  },
  {
    name: 'unauthorized',
    summary: 'no token: auth answers 401, the gateway stops; one connected trace without order-service',
    flow: flows.unauthorized,
  },
  {
    name: 'propagator-mismatch',
    summary: 'notification-service reads only B3 headers: the trace splits at order-service → notification-service',
    flow: flows.order,
    otelSettings: { 'notification-service': { OTEL_PROPAGATORS: 'b3' } },
    breaks: { hop: 'order-service → notification-service', cause: 'propagator-mismatch' },
  },
  {
    name: 'sampling-mismatch',
    summary: 'order-service samples 10% on its own: most traces lose order-service and notification-service',
    flow: flows.order,
    otelSettings: { 'order-service': { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' } },
    breaks: { hop: 'api-gateway → order-service', cause: 'not-sampled' },
    // 10% are kept whole: with 5 requests, all 5 pass by chance once in 100,000 runs.
    defaultRequests: 5,
  },
  {
    name: 'missing-service-name',
    summary: 'order-service has no OTEL_SERVICE_NAME: its spans arrive as unknown_service…',
    flow: flows.order,
    otelSettings: { 'order-service': { OTEL_SERVICE_NAME: undefined } },
    breaks: { hop: 'api-gateway → order-service', cause: 'missing-service-name' },
  },
  {
    name: 'lost-context',
    summary: "order-service's HTTP client is not instrumented: notification-service starts a new trace",
    flow: flows.order,
    otelSettings: { 'order-service': { OTEL_PYTHON_DISABLED_INSTRUMENTATIONS: 'requests' } },
    breaks: { hop: 'order-service → notification-service', cause: 'uninstrumented-call' },
  },
  {
    name: 'downstream-error',
    summary:
      "notification-service's email provider fails: Node and Python throw, every span on the error path is ERROR, one connected trace, HTTP 502",
    flow: flows['failed-order'],
    appSettings: { 'notification-service': { NOTIFY_EMAIL_PROVIDER: 'failing' } },
  },
  {
    name: 'semconv-mismatch',
    summary:
      'order-service runs without the HTTP semantic-convention opt-in: its server metric is the old http.server.duration in ms',
    flow: flows.order,
    otelSettings: { 'order-service': { OTEL_SEMCONV_STABILITY_OPT_IN: undefined } },
    breaks: { hop: 'order-service', cause: 'semconv-mismatch' },
  },
  {
    name: 'clock-skew',
    summary:
      "order-service's clock runs 2 s ahead (libfaketime): the trace stays whole, and polytrace warns with the offset",
    flow: flows.order,
    clockSkew: { service: 'order-service', seconds: 2 },
  },
  {
    name: 'async',
    summary:
      'order-service also publishes order.created to RabbitMQ; notification-service consumes it: one trace through the broker (--links: a new trace, linked)',
    flow: flows['async-order'],
  },
  {
    name: 'queue-context-dropped',
    summary:
      "order-service's publisher is not instrumented (pika): the message carries no trace context, and notification-service's consumer starts a new trace",
    flow: flows['async-order'],
    otelSettings: { 'order-service': { OTEL_PYTHON_DISABLED_INSTRUMENTATIONS: 'pika' } },
    breaks: { hop: 'order-service → rabbitmq → notification-service', cause: 'context-not-injected' },
  },
  {
    name: 'baggage-dropped',
    summary: "order-service propagates only the traceparent: the run's baggage stops at api-gateway → order-service",
    flow: flows.order,
    otelSettings: { 'order-service': { OTEL_PROPAGATORS: 'tracecontext' } },
    breaks: { hop: 'api-gateway → order-service', cause: 'baggage-dropped' },
  },
];

export function findScenario(name: string): Scenario | undefined {
  return scenarios.find((s) => s.name === name);
}
