// The one interface both runtimes implement. The orchestrator (src/core)
// talks only to this; it never imports execa or testcontainers.
import { broker } from '../topology/chain.js';
import type { EnvironmentOptions } from '../topology/environment.js';
import type { BaseImageOverrides } from '../topology/base-images.js';
import type { PortMap } from '../topology/ports.js';
import type { Progress } from '../common/progress.js';
import type { Teardown } from '../common/teardown.js';
import type { Timeline } from '../common/timeline.js';

type RuntimeName = 'local' | 'docker';

export type RuntimeChoice = RuntimeName | 'auto';

/** What the user asked of the chain: parsed once by the command, read as it is by the runtime. */
export interface ChainOptions {
  runtime: RuntimeChoice;
  ports: PortMap;
  /** The user's own base images for the docker runtime's builds (`--base-image`). */
  baseImages: BaseImageOverrides;
  /** Parent folder of run folders. */
  outDir: string;
  environment: EnvironmentOptions;
  progress: Progress;
  /** Where the run records its phases (`bench --timeline`); none otherwise. */
  timeline?: Timeline;
}

export interface RunPlan {
  chain: ChainOptions;
  /** The run's folder: logs and the Collector's spans and metrics files live here. */
  runDir: string;
  /** Where the Collector writes OTLP JSON (inside runDir). */
  spansPath: string;
  /** Where the Collector writes the services' metrics, OTLP JSON too (inside runDir). */
  metricsPath: string;
  /** The run's secret: the Collector accepts an export only with it, so only this run writes evidence. */
  otlpToken: string;
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

/** What a started chain offers: the addresses on 127.0.0.1 the CLI uses. */
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
}

export interface Runtime {
  readonly name: RuntimeName;
  /** Fails fast with an EnvironmentError when the machine cannot run the chain (toolchains, ports, engine). */
  preflight(plan: RunPlan): Promise<void>;
  /** Builds what is missing or stale; cached between runs. */
  build(plan: RunPlan): Promise<void>;
  /** Starts the Collector, then the services, and waits until all are healthy. */
  start(plan: RunPlan): Promise<StartedChain>;
  /**
   * After start: stops one service and starts it again with the environment `plan.chain` gives it
   * now (a scenario's settings), on the same port, and waits until it is healthy.
   */
  restart(service: string, plan: RunPlan): Promise<void>;
}

/** Whether this run starts the broker: its flow (or the scenario switched to) passes through it. */
export const runHasBroker = (plan: RunPlan): boolean => plan.chain.environment.brokers?.includes(broker.name) ?? false;
