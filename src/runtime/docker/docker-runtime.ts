// The docker runtime: the Collector and the four services as containers, via
// testcontainers, on one network under the article's hostnames, their ports
// published on 127.0.0.1 only, configured through the same OTEL_* environment
// as the local runtime (both from src/topology/environment.ts).
import { mkdir, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { basename, join } from 'node:path';
import type { StartedTestContainer, WaitStrategy } from 'testcontainers';
import { EnvironmentError } from '../../common/errors.js';
import { allOrFirstError } from '../../common/abort.js';
import { timed } from '../../common/timeline.js';
import { dockerCacheDir } from '../../common/paths.js';
import { broker, collector, connectsToBroker, entryService, services } from '../../topology/chain.js';
import { brokerUrl, serviceEnvironment, type Addressing } from '../../topology/environment.js';
import { portsInUse } from '../../topology/ports.js';
import { logTail } from '../../common/log-tail.js';
import { assertPortsFree, busyPortsError } from '../port-check.js';
import { runHasBroker, type RunPlan, type Runtime, type StartedChain } from '../runtime.js';
import type { Service } from '../../topology/types.js';
import { chooseBaseImages, componentsOfRun, ensureChainImages, type BaseChoice } from './chain-images.js';
import { ChainContainer, type PortMapping } from './chain-container.js';
import { connectEngine, dockerode, type Engine } from './engine.js';
import { amqpConnectionWait, ContainerExited, healthEndpointWait, NotReady } from './readiness.js';
import { runLabels } from './labels.js';
import { containerUsage } from './container-usage.js';
import { Reaper } from '../reaper/reaper.js';
import { addChainTeardown } from '../stop-components.js';

/** Seconds a container gets between SIGTERM and SIGKILL: time for its SDK to flush its spans. */
const stopGraceMs = 10_000;

type StartArgs = [
  name: string,
  hostname: string,
  image: string,
  ports: PortMapping[],
  ready: Readiness,
  timeoutSeconds: number,
  configure?: (container: ChainContainer) => ChainContainer,
];

/** How to wait for a started container, and where it is then ready (said in the progress line). */
interface Readiness {
  wait: WaitStrategy;
  where(): string;
}

/** Ready when its health URL answers 200; ready "on" that URL's origin. */
function httpReady(healthUrl: string, signal: AbortSignal): Readiness {
  return { wait: healthEndpointWait(healthUrl, signal), where: () => healthUrl.replace(/\/[^/]*$/, '') };
}

/** What a started chain keeps to stop or replace each of its containers. */
interface StartedRun {
  docker: ReturnType<typeof dockerode>;
  runId: string;
  networkName: string;
  logsDir: string;
  logPaths: Record<string, string>;
  /**
   * Each component's container now (a restart replaces it): `stop` sends SIGTERM and waits (the
   * grace period at most) until it exits, its SDK flushed; `remove` removes it, stopped or not.
   */
  containers: Map<string, { stop(): Promise<void>; remove(): Promise<void> }>;
  /** Each component's container id now (a restart replaces it): what `usage` reads. */
  ids: Map<string, string>;
  /** The broker's start, once a run (or a scenario switched to) needs it; services that use it wait for it. */
  brokerReady?: Promise<void>;
}

export class DockerRuntime implements Runtime {
  readonly name = 'docker';
  private engine?: Engine;
  private base?: BaseChoice;
  private run?: StartedRun;

  async preflight(plan: RunPlan): Promise<void> {
    this.engine = await connectEngine();
    const brokers = plan.chain.environment.brokers ?? [];
    await assertPortsFree(portsInUse(plan.chain.ports, brokers, 'docker'));
    this.base = await chooseBaseImages(dockerode(this.engine), componentsOfRun(brokers));
    plan.chain.progress({
      step: 'build',
      message:
        this.base.kind === 'stand-ins'
          ? "base images: polytrace's local stand-ins (polytrace-base/*, from `polytrace images prepare`)"
          : "base images: the Dockerfiles' official ones (pulled if missing; `polytrace images prepare` makes local stand-ins where no registry answers)",
    });
  }

  async build(plan: RunPlan): Promise<void> {
    const engine = this.engine ?? (await connectEngine());
    const components = componentsOfRun(plan.chain.environment.brokers ?? []);
    const base = this.base ?? (await chooseBaseImages(dockerode(engine), components));
    await ensureChainImages(engine, {
      components,
      base,
      baseImageOverrides: plan.chain.baseImages,
      logDir: join(dockerCacheDir(), 'logs'),
      progress: plan.chain.progress,
      signal: plan.signal,
    });
  }

  async start(plan: RunPlan): Promise<StartedChain> {
    const engine = this.engine ?? (await connectEngine());
    const docker = dockerode(engine);
    const runId = basename(plan.runDir);
    const logsDir = join(plan.runDir, 'logs');
    await mkdir(logsDir, { recursive: true });
    const logPaths: Record<string, string> = {};
    const url = (port: number) => `http://127.0.0.1:${port}`;
    const port = (name: string) => plan.chain.ports[name]!;

    // Registered first, so it is the last thing teardown stops.
    const reaper = Reaper.start(new URL('../reaper/docker-main.js', import.meta.url), [runId], join(logsDir, 'reaper.log'));
    plan.teardown.add('reaper', () => reaper.stop());

    const networkName = `polytrace-${runId}`;
    const network = await engine.network.create({
      Name: networkName,
      Driver: 'bridge',
      CheckDuplicate: true,
      Labels: runLabels(runId, 'network'),
    });
    plan.teardown.add('network', () => timed(plan.chain.timeline, 'remove network', () => engine.network.remove(network)));

    const run: StartedRun = { docker, runId, networkName, logsDir, logPaths, containers: new Map(), ids: new Map() };
    this.run = run;

    // Removed together once all have stopped: a stop does not wait for a removal.
    plan.teardown.add('containers', () =>
      timed(plan.chain.timeline, 'remove containers', async () => {
        await Promise.all([...run.containers.values()].map((c) => c.remove()));
      }),
    );

    // The Collector runs as the user who started polytrace, so the spans and metrics files stay
    // theirs alone (0600, made by the run): nothing in them is world-writable.
    const user = `${process.getuid?.() ?? 65532}:${process.getgid?.() ?? 65532}`;
    const withBroker = runHasBroker(plan);
    addChainTeardown(plan, (name) => run.containers.get(name), withBroker ? [broker.name] : []);

    // Everything is created and started at once: a service needs the Collector only when it first
    // exports, after its first request, and waits only for the broker it connects to at start.
    const startCollector = (signal: AbortSignal) => this.startContainer(
      run,
      { ...plan, signal },
      collector.name,
      collector.hostname,
      collector.docker.image,
      [
        { container: collector.ports.otlpGrpc, host: port(`${collector.name}.grpc`) },
        { container: collector.ports.otlpHttp, host: port(`${collector.name}.http`) },
        { container: collector.ports.health, host: port(`${collector.name}.health`) },
      ],
      httpReady(`${url(port(`${collector.name}.health`))}/`, signal),
      60,
      (c) =>
        c
          .withUser(user)
          .withEnvironment({ POLYTRACE_OTLP_TOKEN: plan.otlpToken })
          .withBindMounts([
            { source: plan.spansPath, target: collector.docker.spansFile, mode: 'rw' },
            { source: plan.metricsPath, target: collector.docker.metricsFile, mode: 'rw' },
          ]),
    );

    // The engine sets up one container's network and ports at a time: the slowest to start (the
    // service the topology gives the most time, the JVM) is created first, the others once its
    // process runs. They are ready long before it is.
    const slowest = services.reduce((a, b) => (b.startTimeoutSeconds > a.startTimeoutSeconds ? b : a));
    let slowestRuns = () => {};
    const slowestRunning = new Promise<void>((resolve) => (slowestRuns = resolve));
    const afterSlowest =
      (task: (signal: AbortSignal) => Promise<void>) =>
      async (signal: AbortSignal): Promise<void> => {
        await slowestRunning;
        await task(signal);
      };
    await allOrFirstError(plan.signal, [
      async (signal) => {
        try {
          await this.startService(run, { ...plan, signal }, slowest, slowestRuns);
        } finally {
          // Failed before it ran: the others go on, and are stopped with it.
          slowestRuns();
        }
      },
      afterSlowest(startCollector),
      ...(withBroker ? [afterSlowest((signal) => this.startBroker(run, { ...plan, signal }))] : []),
      ...services
        .filter((service) => service !== slowest)
        .map((service) => afterSlowest((signal) => this.startService(run, { ...plan, signal }, service))),
    ]);

    return {
      gatewayUrl: url(port(entryService)),
      collectorHttpUrl: url(port(`${collector.name}.http`)),
      serviceUrls: Object.fromEntries(services.map((s) => [s.name, url(port(s.name))])),
      logPaths,
      usage: () => containerUsage(docker, run.ids),
    };
  }

  /**
   * Stops one service's container (SIGTERM, then the grace period: its SDK flushes) and starts a
   * new one in its place with the environment the plan now gives it: same name, hostname, network
   * and port, its output appended to the same log.
   */
  async restart(serviceName: string, plan: RunPlan): Promise<void> {
    const service = services.find((s) => s.name === serviceName);
    const run = this.run;
    if (!service || !run) throw new Error(`restart(${serviceName}): not a started service of this run`);
    plan.chain.progress({ step: 'stop', component: service.name, message: `stopping ${service.name} to restart it` });
    const replaced = run.containers.get(service.name);
    await replaced?.stop();
    // Its successor takes its name.
    await replaced?.remove();
    await this.startService(run, plan, service);
  }

  /**
   * RabbitMQ, for a flow through it: a fresh broker whose one user is the run's (the file is
   * copied in before it starts, so the password appears in no image and no environment). Started
   * once per run, when the first service that uses it starts.
   */
  private startBroker(run: StartedRun, plan: RunPlan): Promise<void> {
    run.brokerReady ??= (async () => {
      const amqpPort = plan.chain.ports[`${broker.name}.amqp`]!;
      const credentials = { user: broker.user, password: plan.otlpToken };
      const started = Date.now();
      await this.startContainer(
        run,
        plan,
        broker.name,
        broker.hostname,
        broker.docker.image,
        [{ container: broker.ports.amqp, host: amqpPort }],
        {
          wait: amqpConnectionWait(amqpPort, credentials, plan.signal),
          where: () => `amqp://127.0.0.1:${amqpPort} (container started in ${((Date.now() - started) / 1000).toFixed(1)}s)`,
        },
        broker.startTimeoutSeconds,
        (c) =>
          c.withCopyContentToContainer([
            {
              content: `default_user = ${broker.user}\ndefault_pass = ${plan.otlpToken}\n`,
              target: '/etc/rabbitmq/conf.d/90-polytrace-run.conf',
              // Read by the broker's own user in the container.
              mode: 0o644,
            },
          ]),
      );
    })();
    return run.brokerReady;
  }

  private async startService(run: StartedRun, plan: RunPlan, service: Service, onRunning?: () => void): Promise<void> {
    // Inside the network every service listens on its own port, and reaches the others by hostname.
    const addressing: Addressing = {
      serviceUrl: (s) => `http://${s.hostname}:${s.port}`,
      collectorGrpcUrl: `http://${collector.hostname}:${collector.ports.otlpGrpc}`,
      collectorToken: plan.otlpToken,
      bindHost: '0.0.0.0',
      listenPort: (s) => s.port,
      // The service images carry Debian's libfaketime at this path (see their Dockerfiles).
      fakeTimeLibrary: '/usr/local/lib/libfaketime.so.1',
      brokerUrl: (b) => brokerUrl(b, { host: b.hostname, port: b.ports.amqp, secret: plan.otlpToken }),
    };
    if (connectsToBroker(service) && runHasBroker(plan)) await this.startBroker(run, plan);
    const hostPort = plan.chain.ports[service.name]!;
    await this.startContainer(
      run,
      plan,
      service.name,
      service.hostname,
      service.docker.image,
      [{ container: service.port, host: hostPort }],
      httpReady(`http://127.0.0.1:${hostPort}${service.healthPath}`, plan.signal),
      service.startTimeoutSeconds,
      (c) => {
        const configured = c.withEnvironment(serviceEnvironment(service, addressing, plan.chain.environment));
        return onRunning ? configured.onRunning(onRunning) : configured;
      },
    );
  }

  /** Starts one container, where teardown (or a restart) finds it, and waits until it is ready. */
  private async startContainer(
    run: StartedRun,
    plan: RunPlan,
    ...[name, hostname, image, ports, ready, timeoutSeconds, configure = (c) => c]: StartArgs
  ): Promise<void> {
    const { docker, runId, networkName, logsDir, logPaths } = run;
    const logPath = join(logsDir, `${name}.log`);
    logPaths[name] = logPath;
    // A restart appends to the log of the container it replaces.
    if (!run.containers.has(name)) await writeFile(logPath, '');
    let containerId: string | undefined;
    let started: StartedTestContainer | undefined;
    let logDone: Promise<unknown> = Promise.resolve();
    run.containers.set(name, {
      stop: async () => {
        if (started) await started.stop({ timeout: stopGraceMs, remove: false });
      },
      remove: async () => {
        if (containerId) await docker.getContainer(containerId).remove({ force: true, v: true }).catch(() => {});
      },
    });
    plan.chain.progress({ step: 'start', component: name, message: `starting ${name} (${image})…` });
    const startMs = plan.chain.timeline?.now();
    const container = configure(
      new ChainContainer(image)
        .withName(`polytrace-${runId}-${name}`)
        .withLabels(runLabels(runId, name))
        .withNetworkHostname(networkName, hostname)
        .withLoopbackPorts(ports)
        .withLogConsumer((stream) => {
          const file = createWriteStream(logPath, { flags: 'a' });
          stream.pipe(file);
          logDone = finished(file).catch(() => {});
        })
        .withWaitStrategy(ready.wait)
        .withStartupTimeout(timeoutSeconds * 1000)
        .onCreated((id) => {
          containerId = id;
          run.ids.set(name, id);
        }),
    );
    try {
      started = await container.start();
    } catch (error) {
      plan.signal.throwIfAborted();
      // The log stream ends once the container is gone; wait a moment so its tail is complete.
      await Promise.race([logDone, new Promise((resolve) => setTimeout(resolve, 2000))]);
      const tail = await logTail(logPath);
      if (error instanceof ContainerExited) throw new EnvironmentError(`${name} ${error.how} before it was ready (log: ${logPath})`, { detail: tail, cause: error });
      if (error instanceof NotReady) throw new EnvironmentError(`${name} ${error.message}`, { detail: tail, cause: error });
      // Another program took a port between the check and the start (another run, say).
      const bind = /Bind for 127\.0\.0\.1:(\d+) failed: port is already allocated/.exec((error as Error).message);
      if (bind) {
        const busy = Object.entries(plan.chain.ports).filter(([, p]) => p === Number(bind[1]));
        throw busyPortsError(busy.length > 0 ? busy : [[name, Number(bind[1])]]);
      }
      throw new EnvironmentError(`${name} could not be started: ${(error as Error).message}`, {
        detail: tail,
        cause: error,
      });
    }
    if (startMs !== undefined) plan.chain.timeline?.since(`start ${name}`, startMs);
    plan.chain.progress({ step: 'start', component: name, message: `${name} is ready on ${ready.where()}` });
  }
}
