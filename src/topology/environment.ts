// The environment every service gets: the same standard OTEL_* variables for
// all four languages (services/README.md lists the contract), plus the wiring
// that points each service at the others. Both runtimes call this; only the
// addresses differ (127.0.0.1 ports locally, container hostnames in Docker).
import type { Broker, Service } from './types.js';
import { broker, serviceNamed, services } from './chain.js';
import { isServiceName, type ServiceName } from './names.js';

export interface Addressing {
  /** Base URL at which the other services reach a service, e.g. http://127.0.0.1:8081. */
  serviceUrl(service: Service): string;
  /** OTLP gRPC endpoint of the Collector as the services see it. */
  collectorGrpcUrl: string;
  /** The run's secret, without which the Collector refuses an export. */
  collectorToken: string;
  /** Interface the service binds to. */
  bindHost: string;
  /** Port the service listens on (inside its container, or on the host). */
  listenPort(service: Service): number;
  /** Where libfaketime is for the services, when a clock skew asks for it. */
  fakeTimeLibrary?: string;
  /** URL at which the services reach a broker the run started, with the run's credentials. */
  brokerUrl(broker: Broker): string;
}

/** OTEL_* variables by service name: what a scenario changes, what each SDK ran with. */
export type OtelSettings<Value = string> = Record<string, Record<string, Value>>;

export interface ClockSkewSetting {
  service: string;
  seconds: number;
}

/**
 * What runs a service with its clock set off: Debian's libfaketime, preloaded, shifts the wall
 * clock (CLOCK_REALTIME) by a fixed offset and leaves the monotonic clock alone, so timeouts
 * still work. A static Go binary makes its own system calls and ignores it.
 */
function clockSkewEnvironment(skew: ClockSkewSetting, library: string): Record<string, string> {
  return {
    LD_PRELOAD: library,
    FAKETIME: `${skew.seconds >= 0 ? '+' : ''}${skew.seconds}`,
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
  };
}

export interface EnvironmentOptions {
  /** `deployment.environment` on every resource. */
  deploymentEnvironment: string;
  /**
   * Batch span processor delay, in ms: short, since the verdict waits for the last export (with
   * the Collector's own batch and file flush after it, the spans are in within about 100 ms).
   */
  batchDelayMs: number;
  /** Periodic metric export interval, in ms: short so a run's metrics reach the Collector before it ends. */
  metricExportIntervalMs: number;
  /** Turns on POST /w3c/test (the W3C Trace Context test-service endpoint). */
  conformance: boolean;
  /** The OTEL_* settings a scenario changes, per service; `undefined` removes the variable. */
  otelSettings?: OtelSettings<string | undefined>;
  /** Plain (not OTEL_*) variables a scenario gives a service, e.g. a failing email provider. */
  appSettings?: Record<string, Record<string, string>>;
  /** One service's clock set off by this many seconds, through libfaketime (see `clockSkewEnvironment`). */
  clockSkew?: ClockSkewSetting;
  /** The brokers the run starts (its flow's messages pass them): only they reach the services' environment. */
  brokers?: string[];
}

export const defaultEnvironmentOptions: EnvironmentOptions = {
  deploymentEnvironment: 'polytrace',
  batchDelayMs: 50,
  metricExportIntervalMs: 1000,
  conformance: false,
};

/**
 * The longest attribute value a span keeps, in characters: a request id (a UUID is 36), a
 * tracestate (at most 512) or a URL fits whole; anything a caller sends beyond it is cut.
 */
export const attributeValueLengthLimit = 1024;

/** The OpenTelemetry settings every SDK reads, before a scenario changes them. */
function telemetryBase(service: Service, options: EnvironmentOptions): Record<string, string> {
  return {
    OTEL_SERVICE_NAME: service.name,
    OTEL_RESOURCE_ATTRIBUTES: `service.version=${service.version},deployment.environment=${options.deploymentEnvironment}`,
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    OTEL_PROPAGATORS: 'tracecontext,baggage',
    OTEL_TRACES_SAMPLER: 'parentbased_always_on',
    OTEL_BSP_SCHEDULE_DELAY: String(options.batchDelayMs),
    OTEL_SEMCONV_STABILITY_OPT_IN: 'http',
    // Metrics go the same way as spans (OTLP to the Collector, which keeps them in the run's
    // folder); every SDK also exports once more when it shuts down. Logs stay off.
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_METRIC_EXPORT_INTERVAL: String(options.metricExportIntervalMs),
    OTEL_LOGS_EXPORTER: 'none',
    // A caller's header becomes a span attribute (the request id): the SDK cuts every value, so a
    // 1 MiB header cannot become megabytes of trace. Both names: the Go SDK reads only the span one.
    OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: String(attributeValueLengthLimit),
    OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: String(attributeValueLengthLimit),
    ...(service.language === 'python' ? pythonHeaderCapture : {}),
  };
}

/**
 * The server span records the caller's X-Request-Id, by which the verifier ties a trace that split
 * off to the request that caused it. Only the Python instrumentations read this variable (the Java
 * agent's own switch is in otel-agent.properties, the others' in code), and name the attribute
 * http.request.header.x_request_id: they write the header name's `-` as `_`.
 */
const pythonHeaderCapture = { OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_REQUEST: 'x-request-id' };

function withScenarioSettings(
  service: Service,
  env: Record<string, string>,
  options: EnvironmentOptions,
): Record<string, string> {
  const merged: Record<string, string | undefined> = { ...env, ...options.otelSettings?.[service.name] };
  return Object.fromEntries(
    Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** A broker's URL with the run's credentials, e.g. amqp://polytrace:<secret>@127.0.0.1:5672/%2F (vhost "/"). */
export function brokerUrl(
  target: Broker,
  { host, port, secret }: { host: string; port: number; secret: string },
): string {
  return `${target.scheme}://${target.user}:${encodeURIComponent(secret)}@${host}:${port}/%2F`;
}

/** What each service's SDK is told in a run (scenario included): the verifier words its causes with it. */
export function otelSettings(options: EnvironmentOptions = defaultEnvironmentOptions): OtelSettings {
  return Object.fromEntries(
    services.map((service) => [service.name, withScenarioSettings(service, telemetryBase(service, options), options)]),
  );
}

export function serviceEnvironment(
  service: Service,
  addressing: Addressing,
  options: EnvironmentOptions = defaultEnvironmentOptions,
): Record<string, string> {
  const env: Record<string, string> = {
    ...telemetryBase(service, options),
    OTEL_EXPORTER_OTLP_ENDPOINT: addressing.collectorGrpcUrl,
    // The header value is percent-encoded, as the OTLP exporter specification asks of this variable.
    OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${addressing.collectorToken}`,
    HOST: addressing.bindHost,
    PORT: String(addressing.listenPort(service)),
    ...(options.conformance ? { POLYTRACE_CONFORMANCE: '1' } : {}),
  };
  for (const [variable, target] of Object.entries(service.upstreams ?? {})) {
    if (isServiceName(target)) env[variable] = addressing.serviceUrl(serviceNamed(target));
    // A broker only when the run started it: without the variable a service talks to no broker.
    if (target === broker.name && options.brokers?.includes(target)) env[variable] = addressing.brokerUrl(broker);
  }
  Object.assign(env, options.appSettings?.[service.name]);
  const skew = options.clockSkew;
  if (skew?.service === service.name && addressing.fakeTimeLibrary) {
    Object.assign(env, clockSkewEnvironment(skew, addressing.fakeTimeLibrary));
  }
  return withScenarioSettings(service, env, options);
}

/** An addressing that is the same for both sides of a comparison: only the settings may differ. */
const comparedAddressing: Addressing = {
  serviceUrl: (s) => `http://${s.hostname}:${s.port}`,
  collectorGrpcUrl: 'http://collector',
  collectorToken: 'token',
  bindHost: 'host',
  listenPort: (s) => s.port,
  fakeTimeLibrary: 'libfaketime.so.1',
  brokerUrl: (b) => `${b.scheme}://${b.hostname}:${b.ports.amqp}`,
};

/**
 * The services whose environment differs between two sets of options (another scenario's
 * settings, or its clock skew): what must restart to switch from one to the other, and nothing else.
 */
export function servicesChanged(from: EnvironmentOptions, to: EnvironmentOptions): ServiceName[] {
  return services
    .filter(
      (service) =>
        JSON.stringify(serviceEnvironment(service, comparedAddressing, from)) !==
        JSON.stringify(serviceEnvironment(service, comparedAddressing, to)),
    )
    .map((s) => s.name);
}
