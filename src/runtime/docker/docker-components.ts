// How the docker runtime starts, probes and stops one component: a container
// of the chain's image on the run's network under its hostname, its port
// published on 127.0.0.1, labelled for the reaper, its output in the run's
// logs/<name>.log. A stopped container stays until teardown removes them all.
import { writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { basename, join } from 'node:path';
import type { StartedTestContainer, WaitStrategy } from 'testcontainers';
import { EnvironmentError } from '../../common/errors.js';
import { timed } from '../../common/timeline.js';
import { broker, collector } from '../../topology/chain.js';
import { brokerUrl, serviceEnvironment, type Addressing } from '../../topology/environment.js';
import type { Service } from '../../topology/types.js';
import { logTail } from '../../common/log-tail.js';
import { busyPortsError } from '../port-check.js';
import type { BuiltRuntime, ComponentStart, RunComponents, RunningPart, RunPlan } from '../runtime.js';
import { ChainContainer, type PortMapping } from './chain-container.js';
import { dockerode, type Dockerode, type Engine } from './engine.js';
import type { RunImages } from './chain-images.js';
import type { WorkspaceRebuild } from './workspace-images.js';
import { amqpConnectionWait, ContainerExited, healthEndpointWait, NotReady } from './readiness.js';
import { runLabels } from './labels.js';
import { containerUsage } from './container-usage.js';

/** Seconds a container gets between SIGTERM and SIGKILL: time for its SDK to flush its spans. */
const stopGraceMs = 10_000;

/**
 * A container of the run: `stop` sends SIGTERM and waits (the grace period at most) until it
 * exits, its SDK flushed; `remove` removes it, stopped or not. Its id is known once it exists.
 */
interface ContainerPart extends RunningPart {
  readonly id: string | undefined;
  remove(): Promise<void>;
}

/** How to wait for a started container, and where it is then ready (said in the progress line). */
interface Readiness {
  wait: WaitStrategy;
  where(): string;
}

/** Ready when its health URL answers 200; ready "on" that URL's origin. */
function httpReady(healthUrl: string, signal: AbortSignal): Readiness {
  return { wait: healthEndpointWait(healthUrl, signal), where: () => healthUrl.replace(/\/[^/]*$/, '') };
}

/** One container to start: what it runs, where on the network, and how it is known to be ready. */
interface ContainerSpec {
  name: string;
  hostname: string;
  image: string;
  ports: PortMapping[];
  ready: Readiness;
  timeoutSeconds: number;
  configure?: (container: ChainContainer) => ChainContainer;
}

/** The docker runtime once its images are built. */
export class BuiltDockerRuntime implements BuiltRuntime<ContainerPart> {
  constructor(
    private readonly engine: Engine,
    private readonly images: RunImages,
    private readonly rebuild: WorkspaceRebuild,
  ) {}

  /** The run's network, removed after its containers, which are removed together once all have stopped. */
  async open(plan: RunPlan, logsDir: string): Promise<RunComponents<ContainerPart>> {
    const { engine } = this;
    const runId = basename(plan.runDir);
    const networkName = `polytrace-${runId}`;
    const network = await engine.network.create({
      Name: networkName,
      Driver: 'bridge',
      CheckDuplicate: true,
      Labels: runLabels(runId, 'network'),
    });
    const { timeline } = plan.options;
    plan.teardown.add('network', () => timed(timeline, 'remove network', () => engine.network.remove(network)));
    const containers = new Map<string, ContainerPart>();
    // A stop does not wait for a removal.
    plan.teardown.add('containers', () =>
      timed(timeline, 'remove containers', async () => {
        await Promise.all([...containers.values()].map((c) => c.remove()));
      }),
    );
    return new DockerComponents({
      docker: dockerode(engine),
      runId,
      networkName,
      logsDir,
      containers,
      images: this.images,
      rebuild: this.rebuild,
    });
  }
}

class DockerComponents implements RunComponents<ContainerPart> {
  // The engine sets up one container's network and ports at a time: the slowest to start is
  // created first, the others once its process runs. They are ready long before it is.
  readonly slowestFirst = true;

  constructor(
    private readonly run: {
      docker: Dockerode;
      runId: string;
      networkName: string;
      logsDir: string;
      /** Each component's container now (a restart replaces it): what teardown removes. */
      containers: Map<string, ContainerPart>;
      /** The image each component starts from. */
      images: RunImages;
      /** Builds a lab's workspace image again: the one image a save changes. */
      rebuild: WorkspaceRebuild;
    },
  ) {}

  private imageOf(component: { name: string; docker: { image: string } }): string {
    return this.run.images.get(component.name) ?? component.docker.image;
  }

  startCollector(start: ComponentStart<ContainerPart>): Promise<string> {
    const { plan } = start;
    const port = (name: string) => plan.options.ports[name]!;
    // The Collector runs as the user who started polytrace, so the spans and metrics files stay
    // theirs alone (0600, made by the run): nothing in them is world-writable.
    const user = `${process.getuid?.() ?? 65532}:${process.getgid?.() ?? 65532}`;
    return this.startContainer(start, {
      name: collector.name,
      hostname: collector.hostname,
      image: this.imageOf(collector),
      ports: [
        { container: collector.ports.otlpGrpc, host: port(`${collector.name}.grpc`) },
        { container: collector.ports.otlpHttp, host: port(`${collector.name}.http`) },
        { container: collector.ports.health, host: port(`${collector.name}.health`) },
      ],
      ready: httpReady(`http://127.0.0.1:${port(`${collector.name}.health`)}/`, plan.signal),
      timeoutSeconds: 60,
      configure: (c) =>
        c
          .withUser(user)
          .withEnvironment({ POLYTRACE_OTLP_TOKEN: plan.otlpToken })
          .withBindMounts([
            { source: plan.spansPath, target: collector.docker.spansFile, mode: 'rw' },
            { source: plan.metricsPath, target: collector.docker.metricsFile, mode: 'rw' },
          ]),
    });
  }

  /**
   * RabbitMQ, for a flow through it: a fresh broker whose one user is the run's (the file is
   * copied in before it starts, so the password appears in no image and no environment).
   */
  startBroker(start: ComponentStart<ContainerPart>): Promise<string> {
    const { plan } = start;
    const amqpPort = plan.options.ports[`${broker.name}.amqp`]!;
    const credentials = { user: broker.user, password: plan.brokerPassword };
    const started = Date.now();
    return this.startContainer(start, {
      name: broker.name,
      hostname: broker.hostname,
      image: this.imageOf(broker),
      ports: [{ container: broker.ports.amqp, host: amqpPort }],
      ready: {
        wait: amqpConnectionWait(amqpPort, credentials, plan.signal),
        where: () => `amqp://127.0.0.1:${amqpPort} (container started in ${((Date.now() - started) / 1000).toFixed(1)}s)`,
      },
      timeoutSeconds: broker.startTimeoutSeconds,
      configure: (c) =>
        c.withCopyContentToContainer([
          {
            content: `default_user = ${broker.user}\ndefault_pass = ${plan.brokerPassword}\n`,
            target: '/etc/rabbitmq/conf.d/90-polytrace-run.conf',
            // Read by the broker's own user in the container.
            mode: 0o644,
          },
        ]),
    });
  }

  startService(service: Service, start: ComponentStart<ContainerPart>): Promise<string> {
    const { plan } = start;
    // Inside the network every service listens on its own port, and reaches the others by hostname.
    const addressing: Addressing = {
      serviceUrl: (s) => `http://${s.hostname}:${s.port}`,
      collectorGrpcUrl: `http://${collector.hostname}:${collector.ports.otlpGrpc}`,
      collectorToken: plan.otlpToken,
      bindHost: '0.0.0.0',
      listenPort: (s) => s.port,
      // The service images carry Debian's libfaketime at this path (see their Dockerfiles).
      fakeTimeLibrary: '/usr/local/lib/libfaketime.so.1',
      brokerUrl: (b) => brokerUrl(b, { host: b.hostname, port: b.ports.amqp, secret: plan.brokerPassword }),
    };
    const hostPort = plan.options.ports[service.name]!;
    return this.startContainer(start, {
      name: service.name,
      hostname: service.hostname,
      image: this.imageOf(service),
      ports: [{ container: service.port, host: hostPort }],
      ready: httpReady(`http://127.0.0.1:${hostPort}${service.healthPath}`, plan.signal),
      timeoutSeconds: service.startTimeoutSeconds,
      configure: (c) => c.withEnvironment(serviceEnvironment(service, addressing, plan.options.environment)),
    });
  }

  // A lab's save: its workspace image is built again while the old container still serves; the
  // restart that follows starts the new one from the same tag.
  rebuildService(service: Service, plan: RunPlan): Promise<string> {
    return this.run.rebuild(service, plan);
  }

  usage(parts: readonly ContainerPart[]) {
    return containerUsage(this.run.docker, new Map(parts.flatMap((p) => (p.id ? [[p.name, p.id] as const] : []))));
  }

  /**
   * Starts one container, where teardown (or a restart) finds it, and waits until it is ready. A
   * container that replaces a stopped one (a restart) takes its name, so that one is removed
   * first, and appends to its log.
   */
  private async startContainer(start: ComponentStart<ContainerPart>, spec: ContainerSpec): Promise<string> {
    const { plan } = start;
    const { docker, runId, networkName, logsDir, containers } = this.run;
    const { name, image, ready, configure = (c) => c } = spec;
    const logPath = join(logsDir, `${name}.log`);
    const replaced = containers.get(name);
    if (replaced) await replaced.remove();
    else await writeFile(logPath, '');
    let containerId: string | undefined;
    let started: StartedTestContainer | undefined;
    let logDone: Promise<unknown> = Promise.resolve();
    const part: ContainerPart = {
      name,
      logPath,
      get id() {
        return containerId;
      },
      stop: async () => {
        if (started) await started.stop({ timeout: stopGraceMs, remove: false });
      },
      remove: async () => {
        if (containerId) await docker.getContainer(containerId).remove({ force: true, v: true }).catch(() => {});
      },
    };
    containers.set(name, part);
    start.track(part);
    plan.options.progress({ step: 'start', component: name, message: `starting ${name} (${image})…` });
    const container = configure(
      new ChainContainer(image)
        .withName(`polytrace-${runId}-${name}`)
        .withLabels(runLabels(runId, name))
        .withNetworkHostname(networkName, spec.hostname)
        .withLoopbackPorts(spec.ports)
        .withLogConsumer((stream) => {
          const file = createWriteStream(logPath, { flags: 'a' });
          stream.pipe(file);
          logDone = finished(file).catch(() => {});
        })
        .withWaitStrategy(ready.wait)
        .withStartupTimeout(spec.timeoutSeconds * 1000)
        .onCreated((id) => (containerId = id))
        .onRunning(start.running),
    );
    try {
      started = await container.start();
    } catch (error) {
      plan.signal.throwIfAborted();
      // The log stream ends once the container is gone; wait a moment so its tail is complete.
      await Promise.race([logDone, new Promise((resolve) => setTimeout(resolve, 2000))]);
      const tail = await logTail(logPath);
      if (error instanceof ContainerExited) {
        throw new EnvironmentError(`${name} ${error.how} before it was ready (log: ${logPath})`, {
          detail: tail,
          cause: error,
        });
      }
      if (error instanceof NotReady) throw new EnvironmentError(`${name} ${error.message}`, { detail: tail, cause: error });
      // Another program took a port between the check and the start (another run, say).
      const bind = /Bind for 127\.0\.0\.1:(\d+) failed: port is already allocated/.exec((error as Error).message);
      if (bind) {
        const busy = Object.entries(plan.options.ports).filter(([, p]) => p === Number(bind[1]));
        throw busyPortsError(busy.length > 0 ? busy : [[name, Number(bind[1])]]);
      }
      throw new EnvironmentError(`${name} could not be started: ${(error as Error).message}`, {
        detail: tail,
        cause: error,
      });
    }
    return ready.where();
  }
}
