// OpenTelemetry setup for the notification-service.
//
// Started with `node --require ./instrumentation.js app.js`, so the SDK is
// running before app.js requires http and express: the instrumentations can
// only patch modules that are loaded after them.
//
// The SDK is put together from its pieces, as in the OpenTelemetry JS
// documentation's manual setup (a NodeTracerProvider, a MeterProvider with a
// PeriodicExportingMetricReader, registerInstrumentations), not with NodeSDK
// from @opentelemetry/sdk-node: requiring sdk-node loads every exporter and
// propagator it could build from OTEL_* (OTLP over HTTP, protobuf and gRPC for
// traces, metrics and logs, Prometheus, Zipkin, Jaeger, B3, the logs SDK)
// whether or not they are used. A bare `require('@opentelemetry/sdk-node')`
// leaves Node 20 at about 65 MiB resident, the tracing and metrics SDKs with
// the two OTLP gRPC exporters at about 56 MiB; in polytrace's chain this
// service went from about 71 to about 65 MiB. What NodeSDK read from OTEL_*
// is still read here, the same way (README.md, "OpenTelemetry setup").
const { diag, DiagConsoleLogger, metrics } = require('@opentelemetry/api');
const { BaggageSpanProcessor } = require('@opentelemetry/baggage-span-processor');
const { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } = require('@opentelemetry/core');
const { OTLPMetricExporter } = require('@opentelemetry/exporter-metrics-otlp-grpc');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-grpc');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { AmqplibInstrumentation } = require('@opentelemetry/instrumentation-amqplib');
const { ExpressInstrumentation, ExpressLayerType } = require('@opentelemetry/instrumentation-express');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { B3InjectEncoding, B3Propagator } = require('@opentelemetry/propagator-b3');
const { ConsoleMetricExporter, MeterProvider, PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');
// NodeTracerProvider from @opentelemetry/sdk-trace-node, and the OTEL_* helpers
// of @opentelemetry/core, as each SDK line has them (sdk-lines.js).
const {
  ConsoleSpanExporter,
  TracerProvider: NodeTracerProvider,
  batchSpanProcessor,
  detectedResource,
  diagLogLevelFromString,
  getBooleanFromEnv,
  getNumberFromEnv,
  getStringFromEnv,
  getStringListFromEnv,
  registerGlobally,
  simpleSpanProcessor,
  spanLimitsFromEnv,
} = require('./sdk-lines');

// polytrace sends `baggage: polytrace.run_id=<id>` and checks that the run id
// reached every hop. BaggageSpanProcessor copies the baggage members its
// predicate allows from each span's parent context onto the span as it starts
// (server and internal spans alike); only this key is copied, other baggage
// members are propagated but not recorded.
const RUN_ID_KEY = 'polytrace.run_id';

// The resource every span and metric carries: the SDK's own attributes
// (telemetry.sdk.*, and service.name `unknown_service:<process>` when nothing
// names the service), then OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES,
// the process and the host: the detectors NodeSDK runs by default.
function resourceFromEnv() {
  return detectedResource();
}

// OTLP over gRPC (OTEL_EXPORTER_OTLP_ENDPOINT and _HEADERS, the Collector's
// bearer token among them) through a BatchSpanProcessor (OTEL_BSP_*), or the
// console exporter with OTEL_TRACES_EXPORTER=console, for a look by hand.
function exportingSpanProcessor() {
  if (getStringFromEnv('OTEL_TRACES_EXPORTER')?.trim() === 'console') {
    return simpleSpanProcessor(new ConsoleSpanExporter());
  }
  return batchSpanProcessor(new OTLPTraceExporter());
}

// OTEL_PROPAGATORS, as the specification defines it: unset means
// `tracecontext,baggage`, `none` registers no propagator (the API's no-op one
// stays). The propagator-mismatch scenario gives this service `b3` alone.
const propagatorsByName = {
  tracecontext: () => new W3CTraceContextPropagator(),
  baggage: () => new W3CBaggagePropagator(),
  b3: () => new B3Propagator(),
  b3multi: () => new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }),
};

function propagatorFromEnv() {
  const names = [...new Set(getStringListFromEnv('OTEL_PROPAGATORS') ?? ['tracecontext', 'baggage'])];
  if (names.includes('none')) return null;
  const propagators = names.flatMap((name) => {
    if (name in propagatorsByName) return [propagatorsByName[name]()];
    diag.warn(`OTEL_PROPAGATORS: expected one of ${Object.keys(propagatorsByName).join(', ')} or none, got "${name}"`);
    return [];
  });
  return propagators.length > 0 ? new CompositePropagator({ propagators }) : null;
}

// A setting that must be a positive number of milliseconds; anything else
// leaves the default.
function positiveMillisFromEnv(name) {
  const value = getNumberFromEnv(name);
  return value > 0 ? value : undefined;
}

// OTEL_METRICS_EXPORTER: `otlp` (the default) and `console`, each read by a
// PeriodicExportingMetricReader every OTEL_METRIC_EXPORT_INTERVAL ms
// (polytrace sets 1000, so a run's metrics reach the Collector before it
// ends); `none` leaves metrics off. The OTLP exporter is the gRPC one, like the
// trace exporter, with the same OTEL_EXPORTER_OTLP_* settings.
function metricReadersFromEnv() {
  const names = new Set(getStringListFromEnv('OTEL_METRICS_EXPORTER') ?? ['otlp']);
  if (names.has('none')) return [];
  const exportIntervalMillis = positiveMillisFromEnv('OTEL_METRIC_EXPORT_INTERVAL') ?? 60_000;
  // The reader refuses a timeout longer than its interval, and the default
  // timeout (30 s) is: it is cut to the interval, as NodeSDK does.
  const exportTimeoutMillis = Math.min(
    positiveMillisFromEnv('OTEL_METRIC_EXPORT_TIMEOUT') ?? 30_000,
    exportIntervalMillis,
  );
  const exporters = { otlp: () => new OTLPMetricExporter(), console: () => new ConsoleMetricExporter() };
  return [...names].flatMap((name) => {
    if (!(name in exporters)) {
      diag.warn(`OTEL_METRICS_EXPORTER: expected otlp, console or none, got "${name}"`);
      return [];
    }
    return [
      new PeriodicExportingMetricReader({ exporter: exporters[name](), exportIntervalMillis, exportTimeoutMillis }),
    ];
  });
}

function instrumentations() {
  return [
    new HttpInstrumentation({
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
      ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.REQUEST_HANDLER, ExpressLayerType.ROUTER],
    }),
    // RabbitMQ (order-events.js): extracts the publisher's trace context from
    // each message's headers and makes the CONSUMER span, a child of the
    // publisher's PRODUCER span. NOTIFY_LINK_CONSUMER_SPANS=1 makes it the
    // root of a new trace with a span link to the publisher's span instead,
    // as the messaging semantic conventions allow for a consumer that runs
    // apart from its producer.
    new AmqplibInstrumentation({ useLinksForConsume: process.env.NOTIFY_LINK_CONSUMER_SPANS === '1' }),
  ];
}

/** Starts tracing and metrics; returns what flushes and stops both. */
function startTelemetry() {
  const resource = resourceFromEnv();

  // The sampler comes from OTEL_TRACES_SAMPLER and _ARG (parentbased_always_on
  // when unset): NodeTracerProvider reads them itself, as it does the span
  // limits. register() makes it the global tracer provider, with an
  // AsyncLocalStorage context manager and the propagator above. (On 3.x the
  // provider reads no OTEL_*: its sampler is that same default, and
  // sdk-lines.js gives it the limits and the batch delay.)
  const tracerProvider = new NodeTracerProvider({
    resource,
    ...spanLimitsFromEnv(),
    spanProcessors: [new BaggageSpanProcessor((key) => key === RUN_ID_KEY), exportingSpanProcessor()],
  });
  registerGlobally(tracerProvider, propagatorFromEnv());

  // app.js takes its meter (notifications.sent) from the global API, so the
  // meter provider is registered there too; without a reader there is no
  // provider and the API's no-op meters stay.
  const readers = metricReadersFromEnv();
  const meterProvider = readers.length > 0 ? new MeterProvider({ resource, readers }) : undefined;
  if (meterProvider) metrics.setGlobalMeterProvider(meterProvider);

  // After both providers, so each instrumentation gets them: the HTTP one
  // records http.server.request.duration with the meter provider's meter.
  registerInstrumentations({ instrumentations: instrumentations(), tracerProvider, meterProvider });

  return async function shutdownTelemetry() {
    await Promise.all([tracerProvider.shutdown(), meterProvider?.shutdown()]);
  };
}

// OTEL_LOG_LEVEL (e.g. debug) prints the SDK's own diagnostics, such as an
// export the Collector refused.
const logLevel = getStringFromEnv('OTEL_LOG_LEVEL');
if (logLevel) diag.setLogger(new DiagConsoleLogger(), { logLevel: diagLogLevelFromString(logLevel) });

// OTEL_SDK_DISABLED=true (polytrace bench's "off" configuration) starts
// nothing: no provider, no exporter, and no instrumentation is even made, since
// one patches its module as soon as it is constructed, and with the SDK off
// every request would still run through the patched, no-op code.
const shutdownTelemetry = getBooleanFromEnv('OTEL_SDK_DISABLED') ? async () => {} : startTelemetry();

// app.js calls it on SIGTERM: the spans waiting in the batch processor are
// exported, and the metrics once more.
module.exports = { shutdownTelemetry };
