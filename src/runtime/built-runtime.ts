// What a built runtime supplies the chain's lifecycle (chain-lifecycle.ts):
// how one component is started, probed and stopped, as a process or as a
// container. Which components start, in what order, and how they stop is the
// lifecycle's, the same for both.
import type { Service } from '../topology/types.js';
import type { ProcessUsage, RunPlan } from './runtime.js';

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
  /** The usage now of each part, by its name. */
  usage(parts: readonly Part[]): Promise<Record<string, ProcessUsage>>;
}

/** A runtime whose components are built: what the lifecycle needs to start a chain with it. */
export interface BuiltRuntime<Part extends RunningPart = RunningPart> {
  /** The reaper's program for this runtime (beside the caller), and what it is told of the run. */
  reaper(plan: RunPlan): { main: URL; args: string[] };
  /**
   * Readies the run once its reaper runs (the docker runtime: its network), registering in the
   * plan's teardown whatever must go after the components have stopped.
   */
  open(plan: RunPlan, logsDir: string): Promise<RunComponents<Part>>;
}
