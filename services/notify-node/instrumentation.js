// OpenTelemetry setup for the notification-service.
//
// Started with `node --require ./instrumentation.js app.js`, so the SDK is
// running before app.js requires http and express: the instrumentations can
// only patch modules that are loaded after them.
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const {
  ExpressInstrumentation,
  ExpressLayerType,
} = require('@opentelemetry/instrumentation-express');

// No exporter, resource, sampler or propagator is set here on purpose: NodeSDK
// reads them from the standard OTEL_* variables (OTEL_TRACES_EXPORTER,
// OTEL_EXPORTER_OTLP_PROTOCOL/ENDPOINT, OTEL_SERVICE_NAME,
// OTEL_RESOURCE_ATTRIBUTES, OTEL_PROPAGATORS, OTEL_TRACES_SAMPLER,
// OTEL_BSP_*), the same way every other service in the chain is configured.
const sdk = new NodeSDK({
  instrumentations: [
    new HttpInstrumentation({
      // Readiness probes poll /healthz; tracing them would bury the real traces.
      ignoreIncomingRequestHook: (req) => req.url.split('?')[0] === '/healthz',
    }),
    // Kept for the route: it names the server span "POST /notify" and sets
    // http.route. Its per-layer spans are switched off because the handler
    // would otherwise run inside a "request handler" span, so
    // trace.getActiveSpan() in app.js would not be the server span that the
    // notification.* attributes and email.send belong to.
    new ExpressInstrumentation({
      ignoreLayersType: [
        ExpressLayerType.MIDDLEWARE,
        ExpressLayerType.REQUEST_HANDLER,
        ExpressLayerType.ROUTER,
      ],
    }),
  ],
});

sdk.start();

// app.js needs the same SDK instance to flush spans on shutdown.
module.exports = { sdk };
