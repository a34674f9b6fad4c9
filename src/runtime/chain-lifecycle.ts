// A chain's lifecycle, the same in both runtimes: what starts, in what order
// and with what waiting, the broker started once a run, a service restarted,
// and the order in which teardown stops it all. A runtime supplies only how
// one component is started, probed and stopped (runtime.ts: BuiltRuntime).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { allOrFirstError } from '../common/abort.js';
import { timed } from '../common/timeline.js';
import { broker, collector, connectsToBroker, entryService, serviceNamed, services } from '../topology/chain.js';
import { isServiceName } from '../topology/names.js';
import type { Service } from '../topology/types.js';
import { Reaper } from './reaper/reaper.js';
import {
  runHasBroker,
  type BuiltRuntime,
  type ComponentStart,
  type PreparedRuntime,
  type RunComponents,
  type RunningPart,
  type RunPlan,
  type StartedChain,
} from './runtime.js';

type Start = (signal: AbortSignal, running?: () => void) => Promise<void>;

/**
 * Starts the run's reaper, before anything else of the run starts (its builds included), and
 * registers it first in the teardown, so that it is the last thing teardown stops.
 */
export async function startReaper(runtime: PreparedRuntime, plan: RunPlan): Promise<void> {
  const logsDir = join(plan.runDir, 'logs');
  await mkdir(logsDir, { recursive: true });
  const { main, args } = runtime.reaper(plan);
  const reaper = Reaper.start(main, args, join(logsDir, 'reaper.log'));
  plan.teardown.add('reaper', () => reaper.stop());
}

/**
 * Starts the chain (its reaper already runs): what the runtime readies for the run, then the Collector, the
 * broker when the run has one, and the services, and waits until all are ready. Everything it
 * starts is registered in the plan's teardown as it starts.
 */
export async function startChain<Part extends RunningPart>(
  runtime: BuiltRuntime<Part>,
  plan: RunPlan,
): Promise<StartedChain> {
  const logsDir = join(plan.runDir, 'logs');
  await mkdir(logsDir, { recursive: true });
  const components = await runtime.open(plan, logsDir);
  const chain = new ChainParts(components);
  const withBroker = runHasBroker(plan);
  chain.addTeardown(plan, withBroker);

  // Everything starts at once: a service needs the Collector only when it first exports, after
  // its first request, and waits only for the broker it connects to at start.
  const starts: Array<[name: string, start: Start]> = [
    [collector.name, (signal) => chain.startCollector({ ...plan, signal })],
  ];
  if (withBroker) starts.push([broker.name, (signal) => chain.startBroker({ ...plan, signal })]);
  for (const service of services) {
    starts.push([service.name, (signal, running) => chain.startService(service, { ...plan, signal }, running)]);
  }
  await allOrFirstError(plan.signal, components.slowestFirst ? slowestFirst(starts) : starts.map(([, start]) => start));

  const url = (port: number) => `http://127.0.0.1:${port}`;
  const port = (name: string) => plan.options.ports[name]!;
  return {
    gatewayUrl: url(port(entryService)),
    collectorHttpUrl: url(port(`${collector.name}.http`)),
    serviceUrls: Object.fromEntries(services.map((s) => [s.name, url(port(s.name))])),
    logPaths: chain.logPaths,
    usage: () => components.usage(chain.current()),
    restart: (name, environment) => chain.restart({ name, environment, plan }),
    rebuildAndRestart: (name, environment) => chain.restart({ name, environment, plan, rebuild: true }),
  };
}

/** The slowest service (the one the topology gives the most time, the JVM) first, the others once its process runs. */
function slowestFirst(
  starts: ReadonlyArray<[name: string, start: Start]>,
): Array<(signal: AbortSignal) => Promise<void>> {
  const slowest = services.reduce((a, b) => (b.startTimeoutSeconds > a.startTimeoutSeconds ? b : a));
  let slowestRuns = () => {};
  const slowestRunning = new Promise<void>((resolve) => (slowestRuns = resolve));
  return starts.map(([name, start]) =>
    name === slowest.name
      ? async (signal) => {
          try {
            await start(signal, slowestRuns);
          } finally {
            // Failed before it ran: the others go on, and are stopped with it.
            slowestRuns();
          }
        }
      : async (signal) => {
          await slowestRunning;
          await start(signal);
        },
  );
}

/** Runs `work` the first time it is called; every later call gets that first call's promise. */
function once<Arg>(work: (arg: Arg) => Promise<void>): (arg: Arg) => Promise<void> {
  let started: Promise<void> | undefined;
  return (arg) => (started ??= work(arg));
}

/** The parts of a run's components as they are now (a restart replaces a service's), and how each starts and stops. */
class ChainParts<Part extends RunningPart> {
  readonly logPaths: Record<string, string> = {};
  private readonly parts = new Map<string, Part[]>();

  constructor(private readonly components: RunComponents<Part>) {}

  current(): Part[] {
    return [...this.parts.values()].flat();
  }

  /** Starts one component, where teardown (or a restart) finds it, and says when it is ready and where. */
  private async launch({
    name,
    plan,
    how,
    running = () => {},
  }: {
    name: string;
    plan: RunPlan;
    how: (start: ComponentStart<Part>) => Promise<string>;
    running?: (() => void) | undefined;
  }): Promise<void> {
    const parts: Part[] = [];
    this.parts.set(name, parts);
    const startMs = plan.options.timeline?.now();
    const where = await how({
      plan,
      running,
      track: (part) => {
        parts.push(part);
        this.logPaths[part.name] = part.logPath;
      },
    });
    if (startMs !== undefined) plan.options.timeline?.since(`start ${name}`, startMs);
    plan.options.progress({ step: 'start', component: name, message: `${name} is ready on ${where}` });
  }

  startCollector(plan: RunPlan): Promise<void> {
    return this.launch({ name: collector.name, plan, how: (s) => this.components.startCollector(s) });
  }

  /** The broker, started once per run, when the first service that uses it needs it (or with the run). */
  readonly startBroker = once((plan: RunPlan) =>
    this.launch({ name: broker.name, plan, how: (s) => this.components.startBroker(s) }),
  );

  async startService(service: Service, plan: RunPlan, running?: () => void): Promise<void> {
    if (connectsToBroker(service) && runHasBroker(plan)) await this.startBroker(plan);
    await this.launch({
      name: service.name,
      plan,
      how: (s) => this.components.startService(service, s),
      running,
    });
  }

  /**
   * Stops one service and starts it again with another environment, on the same port and log;
   * with `rebuild`, builds it from its sources first, while the old process still serves.
   */
  async restart({
    name,
    environment,
    plan,
    rebuild = false,
  }: {
    name: string;
    environment: RunPlan['options']['environment'];
    plan: RunPlan;
    rebuild?: boolean;
  }): Promise<void> {
    // The compiler checks the name; a name from outside its sight (a page's request) may still be none.
    if (!isServiceName(name)) throw new Error(`restart(${name}): not a started service of this run`);
    const service = serviceNamed(name);
    const { progress } = plan.options;
    if (rebuild) {
      progress({ step: 'build', component: name, message: `building ${name}…` });
      progress({ step: 'build', component: name, message: await this.components.rebuildService(service, plan) });
    }
    progress({ step: 'stop', component: service.name, message: `stopping ${service.name} to restart it` });
    await this.stop(service.name);
    await this.startService(service, { ...plan, options: { ...plan.options, environment } });
  }

  /** Stops a component's parts, the last started first (the broker's node before its epmd). */
  async stop(name: string, each: (part: Part) => Promise<void> = (part) => part.stop()): Promise<void> {
    for (const part of [...(this.parts.get(name) ?? [])].reverse()) await each(part);
  }

  /**
   * Registers the chain's stop in this order, whatever order things started in: the services
   * together (each SDK flushes on SIGTERM), then the broker's parts (when the run has one), then the
   * Collector once its senders are gone, so it writes what they flushed before it stops. Teardown
   * runs the last registered first.
   */
  addTeardown(plan: RunPlan, withBroker: boolean): void {
    const { progress, timeline } = plan.options;
    const stop = (name: string) =>
      this.stop(name, async (part) => {
        progress({ step: 'stop', component: part.name, message: `stopping ${part.name}` });
        await timed(timeline, `stop ${part.name}`, () => part.stop());
      });
    plan.teardown.add(collector.name, () => stop(collector.name));
    if (withBroker) plan.teardown.add(broker.name, () => stop(broker.name));
    plan.teardown.add('services', async () => {
      await Promise.all(services.map((s) => stop(s.name)));
    });
  }
}
