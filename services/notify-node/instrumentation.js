// OpenTelemetry setup for the notification-service.
//
// Started with `node --require ./instrumentation.js app.js`, so the SDK is
// running before app.js requires http and express: the instrumentations can
// only patch modules that are loaded after them.
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { BaggageSpanProcessor } = require('@opentelemetry/baggage-span-processor');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-grpc');
const {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
} = require('@opentelemetry/sdk-trace-base');
const { AmqplibInstrumentation } = require('@opentelemetry/instrumentation-amqplib');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const {
  ExpressInstrumentation,
  ExpressLayerType,
} = require('@opentelemetry/instrumentation-express');

// polytrace sends `baggage: polytrace.run_id=<id>` and checks that the run id
// reached every hop. BaggageSpanProcessor copies the baggage members its
// predicate allows from each span's parent context onto the span as it starts
// (server and internal spans alike); only this key is copied, other baggage
// members are propagated but not recorded.
const RUN_ID_KEY = 'polytrace.run_id';

// Passing spanProcessors replaces the exporter pipeline NodeSDK would build
// from OTEL_TRACES_EXPORTER, so it is built here, still from OTEL_*:
// OTLPTraceExporter reads OTEL_EXPORTER_OTLP_ENDPOINT (gRPC, what polytrace
// sets with OTEL_EXPORTER_OTLP_PROTOCOL=grpc) and BatchSpanProcessor reads
// OTEL_BSP_*. OTEL_TRACES_EXPORTER=console prints spans instead, for a look
// by hand.
function exportingSpanProcessor() {
  if (process.env.OTEL_TRACES_EXPORTER?.trim() === 'console') {
    return new SimpleSpanProcessor(new ConsoleSpanExporter());
  }
  return new BatchSpanProcessor(new OTLPTraceExporter());
}

// No resource, sampler or propagator is set here on purpose: NodeSDK reads
// them from the standard OTEL_* variables (OTEL_SERVICE_NAME,
// OTEL_RESOURCE_ATTRIBUTES, OTEL_PROPAGATORS, OTEL_TRACES_SAMPLER), the same
// way every other service in the chain is configured.
//
// Nor a metric reader: without `metricReaders`, NodeSDK builds one from
// OTEL_METRICS_EXPORTER (spanProcessors changes only the trace pipeline). For
// `otlp` it is a PeriodicExportingMetricReader (OTEL_METRIC_EXPORT_INTERVAL)
// around the OTLP exporter OTEL_EXPORTER_OTLP_PROTOCOL names (gRPC here, with
// OTEL_EXPORTER_OTLP_ENDPOINT and _HEADERS), and it hands the meter provider
// to the instrumentations: the HTTP one records http.server.request.duration.
//
// Each instrumentation is made with `enabled: false`: by default one patches
// its module as soon as it is constructed, before NodeSDK decides anything, so
// with OTEL_SDK_DISABLED=true (NodeSDK then starts nothing) http and express
// would still run through the patched, no-op instrumentation. sdk.start()
// enables them (registerInstrumentations), and only when the SDK is on.
const sdk = new NodeSDK({
  spanProcessors: [
    new BaggageSpanProcessor((key) => key === RUN_ID_KEY),
    exportingSpanProcessor(),
  ],
  instrumentations: [
    new HttpInstrumentation({
      enabled: false,
      // Readiness probes poll /healthz; tracing them would bury the real traces.
      ignoreIncomingRequestHook: (req) => req.url.split('?')[0] === '/healthz',
      // The server span records the caller's X-Request-Id as
      // http.request.header.x-request-id (a list of strings), the semantic
      // conventions' name for a captured request header. The order service
      // forwards that header itself, so polytrace can tie this span to the
      // request that caused it even when the trace context was lost.
      headersToSpanAttributes: { server: { requestHeaders: ['x-request-id'] } },
    }),
    // Kept for the route: it names the server span "POST /notify" and sets
    // http.route. Its per-layer spans are switched off because the handler
    // would otherwise run inside a "request handler" span, so
    // trace.getActiveSpan() in app.js would not be the server span that the
    // notification.* attributes and email.send belong to.
    new ExpressInstrumentation({
      enabled: false,
      ignoreLayersType: [
        ExpressLayerType.MIDDLEWARE,
        ExpressLayerType.REQUEST_HANDLER,
        ExpressLayerType.ROUTER,
      ],
    }),
    // RabbitMQ (order-events.js): extracts the publisher's trace context from
    // each message's headers and makes the CONSUMER span, a child of the
    // publisher's PRODUCER span. NOTIFY_LINK_CONSUMER_SPANS=1 makes it the
    // root of a new trace with a span link to the publisher's span instead,
    // as the messaging semantic conventions allow for a consumer that runs
    // apart from its producer.
    new AmqplibInstrumentation({ useLinksForConsume: process.env.NOTIFY_LINK_CONSUMER_SPANS === '1' }),
  ],
});

sdk.start();

// app.js needs the same SDK instance to flush spans on shutdown.
module.exports = { sdk };
