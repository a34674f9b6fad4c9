// The one interface both runtimes implement, a type per state of it: a
// runtime as chosen, prepared (the machine checked), built, and the chain it
// started; and what a built runtime supplies the chain's lifecycle
// (chain-lifecycle.ts): how one component is started, probed and stopped. The
// orchestrator (src/core) talks only to these; it never imports execa or
// testcontainers.
import { broker } from '../topology/chain.js';
import type { EnvironmentOptions } from '../topology/environment.js';
import type { ServiceName } from '../topology/names.js';
import type { Service } from '../topology/types.js';
import type { BaseImageOverrides } from '../topology/base-images.js';
import type { PortMap } from '../topology/ports.js';
import type { SdkRequest } from '../topology/sdk-versions.js';
import type { Progress } from '../common/progress.js';
import type { Teardown } from '../common/teardown.js';
import type { Timeline } from '../common/timeline.js';

type RuntimeName = 'local' | 'docker';

export type RuntimeChoice = RuntimeName | 'auto';

/** What the user asked of a run: parsed once by the command, read as it is by the runtime. */
export interface RunOptions {
  runtime: RuntimeChoice;
  ports: PortMap;
  /** The user's own base images for the docker runtime's builds (`--base-image`). */
  baseImages: BaseImageOverrides;
  /** Parent folder of run folders. */
  outDir: string;
  environment: EnvironmentOptions;
  /** The OpenTelemetry versions asked for with `--sdk`; a line not named keeps its manifest's. */
  sdk: SdkRequest;
  progress: Progress;
  /** Where the run records its phases (`bench --timeline`); none otherwise. */
  timeline?: Timeline;
  /**
   * Services built from a folder other than their own in polytrace's tree (a lab's workspace copy
   * of one service's sources), by name; every other service is built from the tree.
   */
  serviceSources?: Partial<Record<ServiceName, string>>;
}

export interface RunPlan {
  options: RunOptions;
  /** The run's folder: logs and the Collector's spans and metrics files live here. */
  runDir: string;
  /** Where the Collector writes OTLP JSON (inside runDir). */
  spansPath: string;
  /** Where the Collector writes the services' metrics, OTLP JSON too (inside runDir). */
  metricsPath: string;
  /** The run's secret: the Collector accepts an export only with it, so only this run writes evidence. */
  otlpToken: string;
  /**
   * The password of the run's broker user: a secret of its own, so a broker port that leaks it
   * gives nothing towards the run's evidence (the OTLP token).
   */
  brokerPassword: string;
  signal: AbortSignal;
  /** Every start registers its stop here. */
  teardown: Teardown;
}

/** What one component's processes use at a moment. */
export interface ProcessUsage {
  /** Resident memory now. */
  rssBytes: number;
  /** CPU time (user + system) since the component started. */
  cpuSeconds: number;
}

/**
 * A chain whose components all answered: the addresses on 127.0.0.1 the CLI uses, and what may be
 * done to a running chain. Its stop is in the run's teardown, registered as each part started, so
 * that a chain that failed halfway is stopped too.
 */
export interface StartedChain {
  gatewayUrl: string;
  collectorHttpUrl: string;
  serviceUrls: Record<string, string>;
  logPaths: Record<string, string>;
  /**
   * Each component's usage now, by name (the Collector's too). Local: its process group's, from
   * /proc (resident memory). Docker: its container's, from the engine (memory as `docker stats`
   * counts it: the cgroup's usage less its inactive file pages).
   */
  usage?: () => Promise<Record<string, ProcessUsage>>;
  /**
   * Stops one service and starts it again with another environment (a scenario's settings), on
   * the same port, and waits until it is healthy. Teardown stops it as it stops the others.
   */
  restart(service: ServiceName, environment: EnvironmentOptions): Promise<void>;
  /**
   * Builds one service again from its sources as they are now (a lab's workspace after a save),
   * then restarts it as `restart` does. The build runs while the old process still serves: a
   * build that fails leaves it running and throws the build's error.
   */
  rebuildAndRestart(service: ServiceName, environment: EnvironmentOptions): Promise<void>;
}

/** A runtime as chosen: nothing checked, nothing built. */
export interface Runtime {
  readonly name: RuntimeName;
  /** Fails fast with an EnvironmentError when the machine cannot run the chain (toolchains, ports, engine). */
  preflight(plan: RunPlan): Promise<PreparedRuntime>;
}

/** A runtime the machine can run: what it needs is there (the docker runtime: an engine, base images chosen). */
export interface PreparedRuntime {
  /**
   * The reaper's program for this runtime (beside the caller), and what it is told of the run. It
   * starts before the build, so that what the build starts is stopped too if polytrace is killed.
   */
  reaper(plan: RunPlan): { main: URL; args: string[] };
  /** Builds what is missing or stale; cached between runs. */
  build(plan: RunPlan): Promise<BuiltRuntime>;
}

/** One process or container of a component, as teardown and a restart find it. */
export interface RunningPart {
  /** The component's name, or for a component of several processes, the part's (`rabbitmq-epmd`). */
  readonly name: string;
  readonly logPath: string;
  /** Stops it and waits until it has (SIGTERM first: an SDK flushes its spans). */
  stop(): Promise<void>;
}

/** What the lifecycle hands a runtime to start one component. */
export interface ComponentStart<Part extends RunningPart> {
  /** The run's plan; its signal ends the start when another component's failed. */
  plan: RunPlan;
  /** Called as each process or container of the component exists, before it is ready. */
  track(part: Part): void;
  /** Called once the component's process runs, before it is ready. */
  running(): void;
}

/**
 * A run's components as one runtime starts them. Each start returns once the component is ready,
 * with where it is ready (said in the progress line), and fails with an EnvironmentError that
 * carries the tail of its log.
 */
export interface RunComponents<Part extends RunningPart> {
  /** Whether the slowest service is to be started before the rest, which wait until its process runs. */
  readonly slowestFirst: boolean;
  startCollector(start: ComponentStart<Part>): Promise<string>;
  startBroker(start: ComponentStart<Part>): Promise<string>;
  startService(service: Service, start: ComponentStart<Part>): Promise<string>;
  /** Builds one service again from its sources as they are now; says what it did (built, or up to date). */
  rebuildService(service: Service, plan: RunPlan): Promise<string>;
  /** The usage now of each part, by its name. */
  usage(parts: readonly Part[]): Promise<Record<string, ProcessUsage>>;
}

/** A runtime whose components are built: what the lifecycle needs to start a chain with it. */
export interface BuiltRuntime<Part extends RunningPart = RunningPart> {
  /**
   * Readies the run once its reaper runs (the docker runtime: its network), registering in the
   * plan's teardown whatever must go after the components have stopped.
   */
  open(plan: RunPlan, logsDir: string): Promise<RunComponents<Part>>;
}

/** Whether this run starts the broker: its flow (or the scenario switched to) passes through it. */
export const runHasBroker = (plan: RunPlan): boolean =>
  plan.options.environment.brokers?.includes(broker.name) ?? false;
