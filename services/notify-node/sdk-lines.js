// What differs between the OpenTelemetry JS lines this service runs on (1.x,
// 2.x, 3.x), kept here so that instrumentation.js reads as the 2.x setup.
// Each shim takes the line's own API where it has one and falls back only
// where an older or newer line changed it.
const { context, propagation, trace, DiagLogLevel } = require('@opentelemetry/api');
const core = require('@opentelemetry/core');
const resources = require('@opentelemetry/resources');

// The OTEL_* helpers came with 2.0; 1.x reads the same variables from process.env.
const getStringFromEnv = core.getStringFromEnv ?? ((name) => process.env[name]?.trim() || undefined);
const getStringListFromEnv =
  core.getStringListFromEnv ??
  ((name) =>
    getStringFromEnv(name)
      ?.split(',')
      .map((value) => value.trim())
      .filter(Boolean));
const getNumberFromEnv =
  core.getNumberFromEnv ??
  ((name) => {
    const value = Number(getStringFromEnv(name));
    return Number.isFinite(value) ? value : undefined;
  });
const getBooleanFromEnv = core.getBooleanFromEnv ?? ((name) => getStringFromEnv(name)?.toLowerCase() === 'true');
const diagLogLevelFromString =
  core.diagLogLevelFromString ?? ((value) => DiagLogLevel[String(value).toUpperCase()] ?? DiagLogLevel.INFO);

// 2.x and 3.x: defaultResource() and detectResources(); 1.x: Resource.default()
// and the synchronous detectors.
function detectedResource() {
  if (resources.defaultResource) {
    const { defaultResource, detectResources, envDetector, hostDetector, processDetector } = resources;
    return defaultResource().merge(detectResources({ detectors: [envDetector, processDetector, hostDetector] }));
  }
  const { Resource, detectResourcesSync, envDetectorSync, hostDetectorSync, processDetectorSync } = resources;
  return Resource.default().merge(
    detectResourcesSync({ detectors: [envDetectorSync, processDetectorSync, hostDetectorSync] }),
  );
}

// 3.x folded @opentelemetry/sdk-trace-node into @opentelemetry/sdk-trace,
// whose TracerProvider reads no OTEL_* variable and registers nothing itself.
function loadTraceSdk() {
  try {
    return require('@opentelemetry/sdk-trace-node');
  } catch (error) {
    if (error.code !== 'MODULE_NOT_FOUND') throw error;
    return require('@opentelemetry/sdk-trace');
  }
}
const traceSdk = loadTraceSdk();
const TracerProvider = traceSdk.NodeTracerProvider ?? traceSdk.TracerProvider;

// What 1.x and 2.x read from OTEL_* themselves, given explicitly (to the same
// effect there) for 3.x: the batch delay and the attribute length limit.
const positive = (name) => {
  const value = getNumberFromEnv(name);
  return value > 0 ? value : undefined;
};
function batchOptionsFromEnv() {
  const scheduledDelayMillis = positive('OTEL_BSP_SCHEDULE_DELAY');
  return scheduledDelayMillis ? { scheduledDelayMillis } : {};
}
function spanLimitsFromEnv() {
  const attributeValueLengthLimit =
    positive('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT') ?? positive('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT');
  return attributeValueLengthLimit ? { spanLimits: { attributeValueLengthLimit } } : {};
}

// 3.x takes a span processor's exporter inside its options; 1.x and 2.x as
// the first argument, before them.
const optionsHoldExporter = !traceSdk.NodeTracerProvider;
const batchSpanProcessor = (exporter) =>
  optionsHoldExporter
    ? new traceSdk.BatchSpanProcessor({ exporter, ...batchOptionsFromEnv() })
    : new traceSdk.BatchSpanProcessor(exporter, batchOptionsFromEnv());
const simpleSpanProcessor = (exporter) =>
  optionsHoldExporter ? new traceSdk.SimpleSpanProcessor({ exporter }) : new traceSdk.SimpleSpanProcessor(exporter);

// NodeTracerProvider.register() (1.x, 2.x) sets the global tracer provider,
// an AsyncLocalStorage context manager and the propagator; on 3.x the API
// calls it made are made here.
function registerGlobally(tracerProvider, propagator) {
  if (typeof tracerProvider.register === 'function') {
    tracerProvider.register({ propagator });
    return;
  }
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  if (propagator) propagation.setGlobalPropagator(propagator);
  trace.setGlobalTracerProvider(tracerProvider);
}

module.exports = {
  TracerProvider,
  ConsoleSpanExporter: traceSdk.ConsoleSpanExporter,
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
};
