// The one source of truth for the chain of the article ("How to Implement
// Distributed Tracing for Polyglot Architectures"): services, ports, languages,
// how each is built and started, the calls between them and the spans each
// must produce. Runtimes, the verifier, renderers and `doctor` read this file;
// nothing else repeats these facts.
import type { Broker, Client, Collector, Edge, Flow, Service } from './types.js';
import { serviceNames, type BrokerName, type FlowName, type ServiceName } from './names.js';

export const client: Client = {
  name: 'polytrace',
  language: 'nodejs',
  version: '0.1.0',
  // The CLI's own client span: it sends the traceparent, so it is the root.
  rootSpan: { name: 'POST', kind: 'CLIENT', attributes: ['http.request.method', 'url.full'] },
};

/**
 * The tracestate member and the baggage entry that carry the run's id with every request: each
 * service copies the baggage entry onto its spans (its language's baggage span processor), and
 * every span keeps the tracestate, so the verifier sees where either was lost.
 */
export const runIdKeys = { traceState: 'polytrace', baggage: 'polytrace.run_id' } as const;

/**
 * The request id polytrace sends with each request: every service records it on its SERVER span
 * (the captured-header attribute of the HTTP semantic conventions) and forwards it on its own
 * calls in application code, as real systems forward a request id. It survives what the trace
 * context may not (a lost traceparent, a propagator mismatch), so a trace that split off is tied
 * to its request without comparing anyone's clock.
 */
export const requestIdHeader = {
  name: 'x-request-id',
  attributes: [
    'http.request.header.x-request-id',
    // Python's instrumentation (opentelemetry-util-http) writes every "-" of a header name as "_".
    'http.request.header.x_request_id',
    // A message carries it in its own headers (put there by the publisher's code), and the
    // consumer records it on its CONSUMER span, named like a captured HTTP header.
    'messaging.message.header.x-request-id',
  ],
} as const;

/**
 * RabbitMQ, between order-service and notification-service in the async flow: order-service
 * publishes `order.created` after it stores an order, notification-service consumes it. Both
 * read its URL from AMQP_URL (their `upstreams`), which a run sets only when it starts the broker.
 */
export const broker: Broker = {
  name: 'rabbitmq',
  dir: 'docker/rabbitmq',
  hostname: 'rabbitmq',
  scheme: 'amqp',
  user: 'polytrace',
  ports: { amqp: 5672, dist: 25672, epmd: 4369 },
  messagingSystem: 'rabbitmq',
  // A fresh node on two busy cores takes about 10 s (Debian's 3.10 here).
  startTimeoutSeconds: 60,
  docker: { image: 'polytrace/rabbitmq:dev', baseImages: { RABBITMQ_IMAGE: 'rabbitmq' } },
};

export const services: Service[] = [
  {
    name: 'api-gateway',
    language: 'go',
    stack: 'Go net/http + otelhttp',
    dir: 'services/gateway-go',
    port: 8080,
    version: '1.5.0',
    hostname: 'api-gateway',
    healthPath: '/healthz',
    startTimeoutSeconds: 30,
    upstreams: { AUTH_SERVICE_URL: 'auth-service', ORDER_SERVICE_URL: 'order-service' },
    local: {
      toolchains: ['go'],
      inputs: ['go.mod', 'go.sum', '*.go'],
      // No VCS stamp: the sources may sit in an installed package inside someone else's repository.
      build: [{ cmd: 'go', args: ['build', '-buildvcs=false', '-o', '{build}/api-gateway', '.'] }],
      outputs: ['{build}/api-gateway'],
      start: { cmd: '{build}/api-gateway', args: [] },
      // The machine's Go is the one to use: never fetch another toolchain.
      env: { GOTOOLCHAIN: 'local' },
    },
    docker: {
      image: 'polytrace/api-gateway:dev',
      baseImages: { GO_IMAGE: 'golang', RUNTIME_IMAGE: 'distroless-static' },
    },
    counter: {
      name: 'gateway.requests',
      byFlow: {
        order: { outcome: 'forwarded' },
        unauthorized: { outcome: 'unauthorized' },
        'failed-order': { outcome: 'failed' },
      },
    },
    spans: [
      { name: 'POST /orders', kind: 'SERVER', attributes: ['http.request.method', 'http.route'] },
      { name: 'auth.verify', kind: 'INTERNAL', parent: 'POST /orders' },
      { name: 'orders.create', kind: 'INTERNAL', parent: 'POST /orders' },
    ],
    // The specification's switch; the Go SDK does not read it, so the gateway does (otel.go).
    telemetryOff: { OTEL_SDK_DISABLED: 'true' },
  },
  {
    name: 'auth-service',
    language: 'java',
    stack: 'Java 25 Spring Boot + OTel Java agent',
    dir: 'services/auth-java',
    port: 8081,
    version: '2.1.0',
    hostname: 'auth-service',
    healthPath: '/healthz',
    startTimeoutSeconds: 120,
    local: {
      toolchains: ['java', 'mvn'],
      inputs: ['pom.xml', 'src/**', 'otel-agent.properties', 'jvm.options'],
      // Maven writes target/ beside pom.xml: build a copy in the cache.
      buildFromCopy: true,
      build: [
        { cmd: 'mvn', args: ['-B', '-q', '-DskipTests', 'package'] },
        // Spring Boot's extracted layout (the application jar with its libraries beside it) starts
        // faster than the uber jar: no nested jars to open. The Dockerfile runs the same.
        {
          cmd: 'java',
          args: [
            '-Djarmode=tools',
            '-jar',
            'target/auth-service.jar',
            'extract',
            '--force',
            '--destination',
            'target/app',
          ],
        },
        // The AOT cache (JEP 483): one training run that loads and links the application's
        // classes as a start does, stored so that every start maps them instead. It is trained
        // without the agent, with the agent's jar already on the boot class path, as the agent
        // project says (the agent then leaves that path alone, which would void the cache). Spring
        // stops the run once its context is refreshed, before Tomcat listens; the address is only
        // there so nothing could ever bind beyond loopback. The Dockerfile trains the same way.
        {
          cmd: 'java',
          args: [
            '@jvm.options',
            '-Xbootclasspath/a:{src}/target/agent/opentelemetry-javaagent.jar',
            '-XX:+DisableAttachMechanism',
            '-XX:AOTCacheOutput=target/app/auth-service.aot',
            '-Dspring.context.exit=onRefresh',
            '-Dserver.address=127.0.0.1',
            '-Dserver.port=0',
            '-jar',
            '{src}/target/app/auth-service.jar',
          ],
        },
      ],
      outputs: [
        'target/app/auth-service.jar',
        'target/app/auth-service.aot',
        'target/agent/opentelemetry-javaagent.jar',
      ],
      start: {
        cmd: 'java',
        // Its JVM options (C1 only, a small heap) in one file, which its Dockerfile passes too.
        args: [
          '@{src}/jvm.options',
          // As in the training run: the agent's jar on the boot class path, and its AOT cache.
          '-Xbootclasspath/a:{src}/target/agent/opentelemetry-javaagent.jar',
          '-XX:AOTCache={src}/target/app/auth-service.aot',
          '-javaagent:{src}/target/agent/opentelemetry-javaagent.jar',
          // Only the agent instrumentations the service uses (its Dockerfile passes the same file).
          '-Dotel.javaagent.configuration-file={src}/otel-agent.properties',
          '-jar',
          '{src}/target/app/auth-service.jar',
        ],
      },
    },
    docker: { image: 'polytrace/auth-service:dev', baseImages: { BUILD_IMAGE: 'maven', RUNTIME_IMAGE: 'jre' } },
    counter: {
      name: 'auth.tokens.validated',
      byFlow: { order: { result: 'valid' }, unauthorized: { result: 'invalid' }, 'failed-order': { result: 'valid' } },
    },
    spans: [
      { name: 'GET /verify', kind: 'SERVER', attributes: ['http.request.method', 'http.route'] },
      {
        name: 'token.validate',
        kind: 'INTERNAL',
        parent: 'GET /verify',
        attributes: ['auth.token_type', 'auth.valid'],
      },
    ],
    // The agent's own switch for turning it off entirely (otel.javaagent.enabled, which it reads
    // from the environment too): no instrumentation, no SDK, nothing exported.
    telemetryOff: { OTEL_JAVAAGENT_ENABLED: 'false' },
  },
  {
    name: 'order-service',
    language: 'python',
    stack: 'Python Flask + OTel instrumentation',
    dir: 'services/orders-python',
    port: 8082,
    version: '3.2.0',
    hostname: 'order-service',
    healthPath: '/healthz',
    startTimeoutSeconds: 30,
    dataFileVariable: 'ORDERS_DB_PATH',
    upstreams: { NOTIFICATION_SERVICE_URL: 'notification-service', AMQP_URL: broker.name },
    local: {
      toolchains: ['python3'],
      // The venv is made from requirements.txt alone; the service's *.py run from its own folder
      // (`{src}`), so a change to them needs no new venv (a lab's save restarts it in seconds).
      inputs: ['requirements.txt'],
      build: [
        { cmd: 'python3', args: ['-m', 'venv', '--clear', '{build}/venv'] },
        { cmd: '{build}/venv/bin/pip', args: ['install', '--quiet', '-r', 'requirements.txt'] },
      ],
      outputs: ['{build}/venv/bin/python', '{build}/venv/bin/opentelemetry-instrument'],
      // The launcher sets up the SDK from OTEL_* and instruments Flask, requests, sqlite3 and pika, then
      // execs the venv's python (named by path: the venv is not on PATH) in its place, so SIGTERM
      // reaches app.py. Its Dockerfile starts it the same way and sets the same variable.
      start: { cmd: '{build}/venv/bin/opentelemetry-instrument', args: ['{build}/venv/bin/python', 'app.py'] },
      env: { PYTHONUNBUFFERED: '1', OTEL_PYTHON_FLASK_EXCLUDED_URLS: 'healthz' },
    },
    docker: { image: 'polytrace/order-service:dev', baseImages: { PYTHON_IMAGE: 'python' } },
    counter: {
      name: 'orders.created',
      byFlow: {
        order: { status: 'created' },
        'async-order': { status: 'created' },
        'failed-order': { status: 'failed' },
      },
    },
    spans: [
      { name: 'POST /orders', kind: 'SERVER', attributes: ['http.request.method', 'http.route'] },
      { name: 'order.process', kind: 'INTERNAL', parent: 'POST /orders', attributes: ['order.item_count', 'order.id'] },
      { name: 'db.insert_order', kind: 'INTERNAL', parent: 'order.process', attributes: ['db.system'] },
      // The pika instrumentation's span for the publish to the queue `order.created`.
      {
        name: 'order.created send',
        kind: 'PRODUCER',
        parent: 'order.process',
        attributes: ['messaging.system', 'messaging.destination'],
        broker: broker.name,
      },
      { name: 'notification.send', kind: 'INTERNAL', parent: 'order.process' },
    ],
    // OTEL_SDK_DISABLED makes the SDK's tracers and meters no-ops, but the launcher still applies
    // every instrumentation (their wrappers then call the no-op tracer): `*` skips them all.
    telemetryOff: { OTEL_SDK_DISABLED: 'true', OTEL_PYTHON_DISABLED_INSTRUMENTATIONS: '*' },
  },
  {
    name: 'notification-service',
    language: 'nodejs',
    stack: 'Node.js Express + OTel Node SDK',
    dir: 'services/notify-node',
    port: 8083,
    version: '1.0.0',
    hostname: 'notification-service',
    healthPath: '/healthz',
    startTimeoutSeconds: 30,
    upstreams: { AMQP_URL: broker.name },
    local: {
      toolchains: ['node', 'npm'],
      inputs: ['package.json', 'package-lock.json', '*.js'],
      // npm installs node_modules/ beside package.json, and Node resolves modules from the
      // script's own folder upwards: build and run a copy in the cache.
      buildFromCopy: true,
      build: [{ cmd: 'npm', args: ['ci', '--no-audit', '--no-fund', '--loglevel=error'] }],
      outputs: ['node_modules/@opentelemetry/sdk-trace-node/package.json'],
      // A 1 MiB young generation (the default is 16) and one V8 worker thread (the default is
      // one per core, up to 4): about 10 MiB less resident memory, and a demo's few requests at
      // a time never notice the more frequent scavenges. Without V8's optimizing compilers
      // (TurboFan, Maglev; the baseline one stays) it holds about 4 MiB less again and starts
      // no slower: a service that answers a few requests never runs hot enough to gain from
      // them. Its Dockerfile starts it the same way.
      start: {
        cmd: 'node',
        args: [
          '--max-semi-space-size=1',
          '--v8-pool-size=1',
          '--no-opt',
          '--no-maglev',
          '--require',
          '{src}/instrumentation.js',
          '{src}/app.js',
        ],
      },
    },
    docker: { image: 'polytrace/notification-service:dev', baseImages: { NODE_IMAGE: 'node' } },
    counter: {
      name: 'notifications.sent',
      byFlow: {
        order: { channel: 'email', result: 'sent' },
        'async-order': { channel: 'email', result: 'sent' },
        'failed-order': { channel: 'email', result: 'failed' },
      },
    },
    spans: [
      {
        name: 'POST /notify',
        kind: 'SERVER',
        attributes: ['http.request.method', 'http.route', 'notification.type', 'notification.order_id'],
      },
      { name: 'email.send', kind: 'INTERNAL', parent: 'POST /notify', attributes: ['email.template'] },
      // The amqplib instrumentation's span for each delivery from the queue `order.created`.
      {
        name: 'order.created process',
        kind: 'CONSUMER',
        attributes: ['messaging.system', 'messaging.message.header.x-request-id'],
        broker: broker.name,
      },
      {
        name: 'receipt.record',
        kind: 'INTERNAL',
        parent: 'order.created process',
        attributes: ['receipt.order_id'],
        broker: broker.name,
      },
    ],
    // instrumentation.js then starts no provider and makes no instrumentation, so none patches
    // http or express either.
    telemetryOff: { OTEL_SDK_DISABLED: 'true' },
  },
];

export const collector: Collector = {
  name: 'otel-collector',
  dir: 'docker/collector',
  hostname: 'otel-collector',
  ports: { otlpGrpc: 4317, otlpHttp: 4318, health: 13133 },
  local: {
    toolchains: ['go'],
    inputs: ['builder-config.yaml'],
    // The builder writes to `output_path` (./_build) relative to where it runs: the cache folder.
    build: [
      {
        cmd: 'go',
        args: ['run', 'go.opentelemetry.io/collector/cmd/builder@v0.162.0', '--config', '{src}/builder-config.yaml'],
        cwd: '{build}',
      },
    ],
    outputs: ['{build}/_build/otelcol-polytrace'],
    start: { cmd: '{build}/_build/otelcol-polytrace', args: ['--config', 'config.yaml'] },
    // GOFLAGS=-e: the builder's `go mod tidy` also loads the file exporter's tests, whose
    // imports the Go module proxy here refuses; `go build` still fails on anything missing.
    env: { GOTOOLCHAIN: 'local', GOFLAGS: '-e' },
  },
  docker: {
    image: 'polytrace/otel-collector:dev',
    baseImages: { GO_IMAGE: 'golang', RUNTIME_IMAGE: 'distroless-static' },
    spansFile: '/var/run/polytrace/spans.jsonl',
    metricsFile: '/var/run/polytrace/metrics.jsonl',
  },
};

/**
 * One service by its name. A name from outside the topology (a span's `service.name`, a flag)
 * may name no service: check it with `isServiceName` first.
 */
export function serviceNamed(name: ServiceName): Service {
  const service = services.find((s) => s.name === name);
  if (!service) throw new Error(`Expected a service named ${name} in the topology, found none`);
  return service;
}

const gatewayToAuth: Edge = { from: 'api-gateway', to: 'auth-service', route: 'GET /verify', via: 'auth.verify' };
/** The service polytrace sends its requests to. */
export const entryService: ServiceName = 'api-gateway';

const clientToGateway: Edge = { from: client.name, to: entryService, route: 'POST /orders' };

/** The calls of an authorized order, through every service. */
const orderEdges: Edge[] = [
  clientToGateway,
  gatewayToAuth,
  { from: 'api-gateway', to: 'order-service', route: 'POST /orders', via: 'orders.create' },
  { from: 'order-service', to: 'notification-service', route: 'POST /notify', via: 'notification.send' },
];

/** The `order.created` message: order-service's PRODUCER span, notification-service's CONSUMER span. */
const orderCreatedEdge: Edge = {
  from: 'order-service',
  to: 'notification-service',
  route: 'order.created process',
  via: 'order.created send',
  broker: broker.name,
};

const order: Flow & { name: 'order' } = {
  name: 'order',
  description: 'POST /orders with a bearer token: every service takes part',
  method: 'POST',
  path: '/orders',
  authorization: 'Bearer polytrace-demo-token',
  expectedStatus: 201,
  services: [...serviceNames],
  absentServices: [],
  edges: orderEdges,
};

/** Every flow, keyed by its own name. */
export const flows: { readonly [N in FlowName]: Flow & { name: N } } = {
  order,
  // The same request; the order event crosses the broker too.
  'async-order': {
    ...order,
    name: 'async-order',
    description:
      'POST /orders with a bearer token; order-service also publishes order.created to RabbitMQ, and notification-service consumes it',
    edges: [...orderEdges, orderCreatedEdge],
  },
  'failed-order': {
    name: 'failed-order',
    description: "POST /orders while notification-service's email provider fails: the error comes back up the chain",
    method: 'POST',
    path: '/orders',
    authorization: 'Bearer polytrace-demo-token',
    expectedStatus: 502,
    services: [...serviceNames],
    absentServices: [],
    edges: orderEdges,
    errorPath: {
      spans: [
        { service: 'notification-service', name: 'email.send' },
        { service: 'notification-service', name: 'POST /notify' },
        { service: 'order-service', name: 'notification.send' },
        { service: 'order-service', name: 'order.process' },
        { service: 'order-service', name: 'POST /orders' },
        { service: 'api-gateway', name: 'orders.create' },
        { service: 'api-gateway', name: 'POST /orders' },
      ],
      throwing: ['notification-service', 'order-service'],
    },
  },
  unauthorized: {
    name: 'unauthorized',
    description: 'POST /orders without a token: auth says 401, orders is never called',
    method: 'POST',
    path: '/orders',
    expectedStatus: 401,
    services: ['api-gateway', 'auth-service'],
    absentServices: ['order-service', 'notification-service'],
    edges: [clientToGateway, gatewayToAuth],
  },
};

/**
 * The spans a flow expects from one service: on the 401 path the gateway never reaches
 * orders.create, and only a flow through a broker has the spans of its message hop.
 */
export function expectedSpans(service: Service, flow: Flow) {
  const reached = new Set(flow.edges.map((e) => e.via).filter(Boolean));
  const allVias = new Set(flows.order.edges.map((e) => e.via).filter(Boolean));
  const brokers = new Set(brokersOf(flow));
  return service.spans.filter(
    (span) => (!allVias.has(span.name) || reached.has(span.name)) && (!span.broker || brokers.has(span.broker)),
  );
}

/**
 * `--links`: the consumer starts each message's work as the root of a new trace with a span link
 * to the producer's span, instead of as its child (both are allowed by the messaging semantic
 * conventions). notification-service reads the switch and hands it to its amqplib
 * instrumentation (`useLinksForConsume`).
 */
export const consumerLinks: { service: ServiceName; settings: Record<string, string> } = {
  service: 'notification-service',
  settings: { NOTIFY_LINK_CONSUMER_SPANS: '1' },
};

/** Whether a service connects to the broker (it is one of its upstreams): its start waits for the broker's. */
export const connectsToBroker = (service: Service): boolean =>
  Object.values(service.upstreams ?? {}).includes(broker.name);

/** The brokers a flow's messages pass: a run starts them, and only them. */
export function brokersOf(flow: Flow): BrokerName[] {
  return [...new Set(flow.edges.flatMap((e) => (e.broker ? [e.broker] : [])))];
}
