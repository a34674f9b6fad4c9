// The shapes of the topology: what a service is, how it is built and started,
// which spans it must produce, and which calls link the services.
import type { BrokerName, ClientName, CollectorName, FlowName, ServiceName } from './names.js';

type Language = 'go' | 'java' | 'python' | 'nodejs';

export type SpanKind = 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER' | 'UNSPECIFIED';

/**
 * A command line in the topology. `{build}` stands for the component's build
 * cache folder and `{src}` for its source folder (or the copy of it that the
 * recipe builds from); it runs in `{src}` unless `cwd` says otherwise.
 */
export interface CommandLine {
  cmd: string;
  args: string[];
  cwd?: string;
}

/** How the local runtime builds and runs a component with the machine's toolchains. */
export interface LocalRecipe {
  /** Executables that must be on PATH; `doctor` and the local runtime check them. */
  toolchains: string[];
  /** Files (relative to the component's folder) whose content decides whether to rebuild. */
  inputs: string[];
  /**
   * Copy the input files to `{build}/src` and build and run that copy, for toolchains that write
   * next to the sources (Maven's `target/`, npm's `node_modules/`): the component's folder is then
   * only read, and may belong to an installed package.
   */
  buildFromCopy?: boolean;
  /** Steps run in order in `{src}`. */
  build: CommandLine[];
  /** What must exist after a build (relative to `{src}`, or under `{build}`). */
  outputs: string[];
  start: CommandLine;
  /** Extra environment for build steps and the process (e.g. GOTOOLCHAIN). */
  env?: Record<string, string>;
}

/** A base image of the chain's Dockerfiles (see base-images.ts); debian only underlies the stand-ins. */
export type BaseImageKind = 'debian' | ChainBaseKind;

/** The base images a chain Dockerfile names. */
export type ChainBaseKind = 'golang' | 'maven' | 'jre' | 'python' | 'node' | 'distroless-static' | 'rabbitmq';

/** How the docker runtime builds a component's image from its Dockerfile (the context is the component's `dir`). */
export interface DockerRecipe {
  /** Tag polytrace builds; fixed, so Docker's layer cache is reused between runs. */
  image: string;
  /**
   * The Dockerfile's base-image build arguments, each with the polytrace base image that stands in
   * for its default (an official image) when that one is not on the machine.
   */
  baseImages: Record<string, ChainBaseKind>;
}

interface ExpectedSpan {
  name: string;
  kind: SpanKind;
  /** Name of the expected parent span in the same service, when it has one there. */
  parent?: string;
  /** Attribute keys that must be present (values vary per request). */
  attributes?: string[];
  /** Made only in flows whose messages pass this broker (the spans of a message hop). */
  broker?: BrokerName;
}

export interface Service {
  name: ServiceName;
  language: Language;
  /** Human label of the stack, for `doctor`, docs and the waterfall legend. */
  stack: string;
  /** Folder of the service, relative to the repository root. */
  dir: string;
  port: number;
  version: string;
  /** Container hostname (and the default host other services use to reach it). */
  hostname: string;
  healthPath: string;
  /** Seconds to wait for the health endpoint (the JVM with its agent takes longest). */
  startTimeoutSeconds: number;
  /** Variable naming a data file the service writes; the runtime points it into the run's folder. */
  dataFileVariable?: string;
  local: LocalRecipe;
  docker: DockerRecipe;
  /** Spans this service produces on the full (authorized) order flow. */
  /**
   * The service's business counter (unit `1`): each request of a flow adds one, under that flow's
   * attributes (a flow missing here does not reach the counter).
   */
  counter: { name: string; byFlow: Partial<Record<FlowName, Record<string, string>>> };
  spans: ExpectedSpan[];
  /** Wiring variables this service reads: variable name → the service (or broker) it points at. */
  upstreams?: Record<string, ServiceName | BrokerName>;
  /**
   * The variables that turn this service's telemetry wholly off, the way its language does it:
   * no span or metric recorded or exported, and no instrumentation left in the request's path
   * (`polytrace bench` compares the chain with and without it).
   */
  telemetryOff: Record<string, string>;
}

/**
 * A call from one service to another, as seen in a trace: a CLIENT span in the caller parenting
 * the SERVER span in the callee, or, through a broker, a PRODUCER span parenting (or linked from)
 * the CONSUMER span.
 */
export interface Edge {
  from: ServiceName | ClientName;
  to: ServiceName;
  /** `METHOD /route` of the callee's server span; through a broker, the name of its CONSUMER span. */
  route: string;
  /** The caller's span that wraps the client call (the article's span names), or the PRODUCER span. */
  via?: string;
  /** The broker a message takes from `from` to `to` (see `Broker`): a message hop, not a call. */
  broker?: BrokerName;
}

/** A kind of request polytrace fires, and what its trace must contain. */
export interface Flow {
  name: FlowName;
  description: string;
  method: string;
  path: string;
  /** Authorization header sent, or undefined for none. */
  authorization?: string;
  expectedStatus: number;
  /** Services that must appear in the trace. */
  services: ServiceName[];
  /** Services that must not appear (e.g. orders on the 401 path). */
  absentServices: ServiceName[];
  edges: Edge[];
  /**
   * Where the flow fails on purpose: the spans (by service and name) that must end with status
   * ERROR, and the services whose code throws, each recording an `exception` event.
   */
  errorPath?: { spans: Array<{ service: ServiceName; name: string }>; throwing: ServiceName[] };
}

export interface Collector {
  name: CollectorName;
  dir: string;
  hostname: string;
  ports: { otlpGrpc: number; otlpHttp: number; health: number };
  local: LocalRecipe;
  docker: DockerRecipe & {
    /** Where the image's file exporter writes (config.yaml's default); the run's spans file is mounted there. */
    spansFile: string;
    /** Where its metrics file exporter writes; the run's metrics file is mounted there. */
    metricsFile: string;
  };
}

/**
 * A message broker between two services ("Common Pitfalls": async queues). It makes no spans of
 * its own; a run starts it only when its flow sends messages through it.
 */
export interface Broker {
  name: BrokerName;
  /** Folder of its image's Dockerfile (the docker runtime), relative to the repository root. */
  dir: string;
  /** Container hostname, and the host of its URL inside the docker network. */
  hostname: string;
  /** Its URL scheme, e.g. `amqp`. */
  scheme: string;
  /** The user each run creates on its fresh broker; the password is the run's secret. */
  user: string;
  /** The AMQP port; the local runtime also runs the Erlang distribution port and epmd, on loopback. */
  ports: { amqp: number; dist: number; epmd: number };
  /** The `messaging.system` its clients' spans name it by. */
  messagingSystem: string;
  startTimeoutSeconds: number;
  docker: DockerRecipe;
}

/** The CLI's own identity: it makes the root span of every trace. */
export interface Client {
  name: ClientName;
  language: Language;
  version: string;
  rootSpan: ExpectedSpan;
}
