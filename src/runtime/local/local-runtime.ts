// The local runtime: the Collector and the four services as processes on
// 127.0.0.1, built with the machine's own toolchains (Go, JDK + Maven,
// Python, Node) and cached between runs; RabbitMQ, for the flows that need
// it, from the machine's own package.
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { cacheDir, repoRoot } from '../../common/paths.js';
import { EnvironmentError } from '../../common/errors.js';
import { allOrFirstError } from '../../common/abort.js';
import { broker, collector, connectsToBroker, entryService, services } from '../../topology/chain.js';
import { brokerUrl, serviceEnvironment, type Addressing } from '../../topology/environment.js';
import { portsInUse } from '../../topology/ports.js';
import { fakeTimeLibrary } from './fake-time.js';
import type { Service } from '../../topology/types.js';
import { assertPortsFree } from '../port-check.js';
import { runHasBroker, type RunPlan, type Runtime, type StartedChain } from '../runtime.js';
import { installHints, missingToolchains, toolchainEnvironment } from '../toolchains.js';
import { buildComponent, buildDirFor, expandCommand, sourceDirFor, type BuildTarget } from './build.js';
import { childEnvironment } from './child-environment.js';
import { ManagedProcess, type ProcessSpec } from './managed-process.js';
import { awaitAmqpReady, awaitReady } from './readiness.js';
import { trackForExit } from './exit-guard.js';
import { recordProcess } from './process-ledger.js';
import { processGroupUsage } from './process-usage.js';
import { epmdName, rabbitmqNode, rabbitmqServer } from './rabbitmq-node.js';
import { Reaper } from '../reaper/reaper.js';
import { addChainTeardown } from '../stop-components.js';

const collectorTarget: BuildTarget = {
  name: collector.name,
  dir: join(repoRoot, collector.dir),
  recipe: collector.local,
};
const serviceTarget = (s: Service): BuildTarget => ({ name: s.name, dir: join(repoRoot, s.dir), recipe: s.local });
export const localTargets: BuildTarget[] = [collectorTarget, ...services.map(serviceTarget)];

const url = (port: number) => `http://127.0.0.1:${port}`;

/** What a started chain keeps to stop or restart each of its processes. */
interface StartedRun {
  logsDir: string;
  ledger: string;
  logPaths: Record<string, string>;
  /** Each component's process (group leader) now: what `usage` reads and a restart replaces. */
  processes: Map<string, { pid: number | undefined; stop(): Promise<void> }>;
  /** The broker's start, once a run (or a scenario switched to) needs it; services that use it wait for it. */
  brokerReady?: Promise<void>;
}

export class LocalRuntime implements Runtime {
  readonly name = 'local';
  private readonly buildDirs = new Map<string, string>();
  private run?: StartedRun;

  constructor(private readonly cacheRoot = cacheDir()) {}

  async preflight(plan: RunPlan): Promise<void> {
    const missing = await missingToolchains(localTargets.flatMap((t) => t.recipe.toolchains));
    if (missing.length > 0) {
      const [first] = missing;
      throw new EnvironmentError(
        `the local runtime needs ${missing.join(', ')}: ${installHints[first!] ?? `install ${first}`} (or use --runtime docker)`,
      );
    }
    const brokers = plan.chain.environment.brokers ?? [];
    // Said before anything is built: RabbitMQ is the one component the machine may lack.
    if (brokers.includes(broker.name)) await rabbitmqServer();
    await assertPortsFree(portsInUse(plan.chain.ports, brokers, 'local'));
  }

  async build(plan: RunPlan): Promise<void> {
    // Builds run side by side: most of their time is spent waiting on package registries.
    await Promise.all(
      localTargets.map(async (target) => {
        const dir = await buildDirFor(target, this.cacheRoot);
        this.buildDirs.set(target.name, dir);
        const started = Date.now();
        const announce = setTimeout(
          () =>
            plan.chain.progress({
              step: 'build',
              component: target.name,
              message: `building ${target.name} (${target.recipe.toolchains.join(' + ')}; first time takes a while)…`,
            }),
          300,
        );
        try {
          const built = await buildComponent(
            target,
            dir,
            plan.signal,
            await toolchainEnvironment(target.recipe.toolchains),
          );
          const seconds = ((Date.now() - started) / 1000).toFixed(1);
          plan.chain.progress({
            step: 'build',
            component: target.name,
            message: built ? `built ${target.name} in ${seconds}s` : `${target.name} is up to date`,
          });
        } finally {
          clearTimeout(announce);
        }
      }),
    );
  }

  async start(plan: RunPlan): Promise<StartedChain> {
    const logsDir = join(plan.runDir, 'logs');
    await mkdir(logsDir, { recursive: true });
    // Every process group started is written here; the reaper stops them if polytrace is killed.
    const ledger = join(plan.runDir, 'processes.txt');
    // Registered first, so it is the last thing teardown stops.
    const reaper = Reaper.start(
      new URL('../reaper/local-main.js', import.meta.url),
      [ledger],
      join(logsDir, 'reaper.log'),
    );
    plan.teardown.add('reaper', () => reaper.stop());
    const run: StartedRun = { logsDir, ledger, logPaths: {}, processes: new Map() };
    this.run = run;
    const port = (name: string) => plan.chain.ports[name]!;
    const withBroker = runHasBroker(plan);
    // The broker's node, then its own epmd.
    addChainTeardown(plan, (name) => run.processes.get(name), withBroker ? [broker.name, epmdName(broker)] : []);

    // Everything starts at once: a service needs the Collector only when it first exports, after
    // its first request, and waits only for the broker it connects to at start.
    await allOrFirstError(plan.signal, [
      (signal) =>
        this.launch(
          run,
          { ...plan, signal },
          collectorTarget,
          {
            POLYTRACE_OTLP_GRPC_ENDPOINT: `127.0.0.1:${port(`${collector.name}.grpc`)}`,
            POLYTRACE_OTLP_HTTP_ENDPOINT: `127.0.0.1:${port(`${collector.name}.http`)}`,
            POLYTRACE_HEALTH_ENDPOINT: `127.0.0.1:${port(`${collector.name}.health`)}`,
            POLYTRACE_SPANS_FILE: plan.spansPath,
            POLYTRACE_METRICS_FILE: plan.metricsPath,
            POLYTRACE_OTLP_TOKEN: plan.otlpToken,
          },
          `${url(port(`${collector.name}.health`))}/`,
          60,
        ),
      ...(withBroker ? [(signal: AbortSignal) => this.startBroker(run, { ...plan, signal })] : []),
      ...services.map((service) => (signal: AbortSignal) => this.launchService(run, { ...plan, signal }, service)),
    ]);

    return {
      gatewayUrl: url(port(entryService)),
      collectorHttpUrl: url(port(`${collector.name}.http`)),
      serviceUrls: Object.fromEntries(services.map((s) => [s.name, url(port(s.name))])),
      logPaths: run.logPaths,
      usage: async () =>
        processGroupUsage(
          Object.fromEntries([...run.processes].flatMap(([name, p]) => (p.pid ? [[name, p.pid] as const] : []))),
        ),
    };
  }

  /**
   * Stops one service (SIGTERM: its SDK flushes) and starts it again with the environment the plan
   * now gives it, on the same port, its output appended to the same log.
   */
  async restart(serviceName: string, plan: RunPlan): Promise<void> {
    const service = services.find((s) => s.name === serviceName);
    const run = this.run;
    if (!service || !run) throw new Error(`restart(${serviceName}): not a started service of this run`);
    plan.chain.progress({ step: 'stop', component: service.name, message: `stopping ${service.name} to restart it` });
    await run.processes.get(service.name)?.stop();
    await this.launchService(run, plan, service);
  }

  /**
   * The run's own RabbitMQ node (epmd, then the server), started once per run when the first
   * service that uses it needs it. Registered before the services, so teardown stops it after
   * them: they close their connections first.
   */
  private startBroker(run: StartedRun, plan: RunPlan): Promise<void> {
    run.brokerReady ??= (async () => {
      const port = (name: string) => plan.chain.ports[name]!;
      const ports = {
        amqp: port(`${broker.name}.amqp`),
        dist: port(`${broker.name}.dist`),
        epmd: port(`${broker.name}.epmd`),
      };
      const node = await rabbitmqNode({
        broker,
        runId: basename(plan.runDir),
        runDir: plan.runDir,
        ports,
        password: plan.otlpToken,
        baseEnv: childEnvironment(),
        logsDir: run.logsDir,
      });
      const epmd = await this.launchProcess(run, plan, node.epmd);
      // epmd binds its port at once; the node's own start checks that it answers.
      if (epmd.exited)
        throw new EnvironmentError(`${node.epmd.name} ${epmd.describeExit()} (log: ${node.epmd.logPath})`);
      const started = Date.now();
      const startMs = plan.chain.timeline?.now();
      const server = await this.launchProcess(run, plan, node.server);
      await awaitAmqpReady(
        server,
        ports.amqp,
        { user: broker.user, password: plan.otlpToken },
        broker.startTimeoutSeconds,
        plan.signal,
      );
      if (startMs !== undefined) plan.chain.timeline?.since(`start ${broker.name}`, startMs);
      plan.chain.progress({
        step: 'start',
        component: broker.name,
        message: `${broker.name} is ready on amqp://127.0.0.1:${ports.amqp} (node started in ${((Date.now() - started) / 1000).toFixed(1)}s)`,
      });
    })();
    return run.brokerReady;
  }

  private async launchService(run: StartedRun, plan: RunPlan, service: Service): Promise<void> {
    const port = (name: string) => plan.chain.ports[name]!;
    const addressing: Addressing = {
      serviceUrl: (s) => url(port(s.name)),
      collectorGrpcUrl: url(port(`${collector.name}.grpc`)),
      collectorToken: plan.otlpToken,
      bindHost: '127.0.0.1',
      listenPort: (s) => port(s.name),
      ...(plan.chain.environment.clockSkew?.service === service.name
        ? { fakeTimeLibrary: await fakeTimeLibrary() }
        : {}),
      brokerUrl: (b) => brokerUrl(b, { host: '127.0.0.1', port: port(`${b.name}.amqp`), secret: plan.otlpToken }),
    };
    const env = serviceEnvironment(service, addressing, plan.chain.environment);
    if (service.dataFileVariable) env[service.dataFileVariable] = join(plan.runDir, `${service.name}.db`);
    if (connectsToBroker(service) && runHasBroker(plan)) await this.startBroker(run, plan);
    await this.launch(
      run,
      plan,
      serviceTarget(service),
      env,
      `${url(port(service.name))}${service.healthPath}`,
      service.startTimeoutSeconds,
    );
  }

  /** Starts one component and waits until it answers its health URL. */
  private async launch(
    run: StartedRun,
    plan: RunPlan,
    target: BuildTarget,
    env: Record<string, string>,
    healthUrl: string,
    timeoutSeconds: number,
  ): Promise<void> {
    const startMs = plan.chain.timeline?.now();
    const buildDir = this.buildDirs.get(target.name) ?? (await buildDirFor(target, this.cacheRoot));
    const { cmd, args, cwd } = expandCommand(target.recipe.start, buildDir, sourceDirFor(target, buildDir));
    const child = await this.launchProcess(run, plan, {
      name: target.name,
      cmd,
      args,
      cwd,
      env: childEnvironment({
        ...(await toolchainEnvironment(target.recipe.toolchains)),
        ...target.recipe.env,
        ...env,
      }),
      logPath: join(run.logsDir, `${target.name}.log`),
    });
    await awaitReady(child, healthUrl, timeoutSeconds, plan.signal);
    if (startMs !== undefined) plan.chain.timeline?.since(`start ${target.name}`, startMs);
    plan.chain.progress({
      step: 'start',
      component: target.name,
      message: `${target.name} is ready on ${healthUrl.replace(/\/[^/]*$/, '')}`,
    });
  }

  /** Starts one process in its own group, in the ledger, where teardown (or a restart) finds it. */
  private async launchProcess(run: StartedRun, plan: RunPlan, spec: ProcessSpec): Promise<ManagedProcess> {
    run.logPaths[spec.name] = spec.logPath;
    plan.chain.progress({ step: 'start', component: spec.name, message: `starting ${spec.name}…` });
    const child = await ManagedProcess.start(spec);
    const untrack = trackForExit(child);
    recordProcess(run.ledger, child.pid);
    run.processes.set(spec.name, {
      pid: child.pid,
      stop: async () => {
        await child.stop();
        untrack();
      },
    });
    return child;
  }
}
