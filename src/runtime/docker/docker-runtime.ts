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
import { dockerCacheDir } from '../../common/paths.js';
import { broker, collector, entryService, services } from '../../topology/chain.js';
import { portsInUse } from '../../topology/ports.js';
import type { Service } from '../../topology/types.js';
import { brokerUrl, clockSkewEnvironment, serviceEnvironment, type Addressing } from '../../topology/environment.js';
import { logTail } from '../../common/log-tail.js';
import { assertPortsFree, busyPortsError } from '../port-check.js';
import type { RunPlan, Runtime, StartedChain } from '../runtime.js';
import { chooseBaseImages, componentsOfRun, ensureChainImages, type BaseChoice } from './chain-images.js';
import { ChainContainer, type PortMapping } from './chain-container.js';
import { connectEngine, dockerode, type Engine } from './engine.js';
import { amqpConnectionWait, ContainerExited, healthEndpointWait, NotReady } from './readiness.js';
import { runLabels } from './labels.js';
import { Reaper } from '../reaper/reaper.js';

/** Seconds a container gets between SIGTERM and SIGKILL: time for its SDK to flush its spans. */
const stopGraceMs = 10_000;

export class DockerRuntime implements Runtime {
  readonly name = 'docker';
  private engine?: Engine;
  private base?: BaseChoice;

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
    plan.teardown.add('network', () => engine.network.remove(network));

    /** How to wait for a started component, and where it is then ready: its health URL (a broker: its AMQP port). */
    const httpReady = (healthUrl: string) => ({
      where: () => healthUrl.replace(/\/[^/]*$/, ''),
      wait: healthEndpointWait(healthUrl, plan.signal),
    });

    const startOne = async (
      name: string,
      hostname: string,
      image: string,
      ports: PortMapping[],
      ready: { where: () => string; wait: WaitStrategy },
      timeoutSeconds: number,
      configure: (container: ChainContainer) => ChainContainer = (c) => c,
    ) => {
      const logPath = join(logsDir, `${name}.log`);
      logPaths[name] = logPath;
      await writeFile(logPath, '');
      let containerId: string | undefined;
      let started: StartedTestContainer | undefined;
      let logDone: Promise<unknown> = Promise.resolve();
      plan.teardown.add(name, async () => {
        plan.chain.progress({ step: 'stop', component: name, message: `stopping ${name}` });
        if (started) await started.stop({ timeout: stopGraceMs });
        else if (containerId) await docker.getContainer(containerId).remove({ force: true }).catch(() => {});
      });
      plan.chain.progress({ step: 'start', component: name, message: `starting ${name} (${image})…` });
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
          .onCreated((id) => (containerId = id)),
      );
      try {
        started = await container.start();
      } catch (error) {
        plan.signal.throwIfAborted();
        // The log stream ends once the container is gone; wait a moment so its tail is complete.
        await Promise.race([logDone, new Promise((resolve) => setTimeout(resolve, 2000))]);
        const tail = await logTail(logPath);
        if (error instanceof ContainerExited) throw new EnvironmentError(`${name} ${error.how} before it was ready (log: ${logPath})`, tail);
        if (error instanceof NotReady) throw new EnvironmentError(`${name} ${error.message}`, tail);
        // Another program took a port between the check and the start (another run, say).
        const bind = /Bind for 127\.0\.0\.1:(\d+) failed: port is already allocated/.exec((error as Error).message);
        if (bind) {
          const busy = Object.entries(plan.chain.ports).filter(([, p]) => p === Number(bind[1]));
          throw busyPortsError(busy.length > 0 ? busy : [[name, Number(bind[1])]]);
        }
        throw new EnvironmentError(`${name} could not be started: ${(error as Error).message}`, tail);
      }
      plan.chain.progress({ step: 'start', component: name, message: `${name} is ready on ${ready.where()}` });
    };

    // The Collector runs as the user who started polytrace, so the spans and metrics files stay
    // theirs alone (0600, made by the run): nothing in them is world-writable.
    const user = `${process.getuid?.() ?? 65532}:${process.getgid?.() ?? 65532}`;
    await startOne(
      collector.name,
      collector.hostname,
      collector.docker.image,
      [
        { container: collector.ports.otlpGrpc, host: port(`${collector.name}.grpc`) },
        { container: collector.ports.otlpHttp, host: port(`${collector.name}.http`) },
        { container: collector.ports.health, host: port(`${collector.name}.health`) },
      ],
      httpReady(`${url(port(`${collector.name}.health`))}/`),
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

    // Inside the network every service listens on its own port, and reaches the others by hostname.
    const addressing: Addressing = {
      serviceUrl: (s) => `http://${s.hostname}:${s.port}`,
      collectorGrpcUrl: `http://${collector.hostname}:${collector.ports.otlpGrpc}`,
      collectorToken: plan.otlpToken,
      bindHost: '0.0.0.0',
      listenPort: (s) => s.port,
      brokerUrl: (b) => brokerUrl(b, b.hostname, b.ports.amqp, plan.otlpToken),
    };
    // RabbitMQ, for a flow through it: a fresh broker whose one user is the run's (the file is
    // copied in before it starts, so the password appears in no image and no environment).
    // It starts beside the services that do not use it; those that do wait for it.
    const startBroker = async () => {
      const amqpPort = port(`${broker.name}.amqp`);
      const credentials = { user: broker.user, password: plan.otlpToken };
      const started = Date.now();
      await startOne(
        broker.name,
        broker.hostname,
        broker.docker.image,
        [{ container: broker.ports.amqp, host: amqpPort }],
        {
          where: () => `amqp://127.0.0.1:${amqpPort} (container started in ${((Date.now() - started) / 1000).toFixed(1)}s)`,
          wait: amqpConnectionWait(amqpPort, credentials, plan.signal),
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
    };
    const brokerReady = plan.chain.environment.brokers?.includes(broker.name) ? startBroker() : Promise.resolve();
    // Marked handled here: a failure still reaches the services that await it.
    brokerReady.catch(() => {});
    const usesBroker = (service: Service) => Object.values(service.upstreams ?? {}).includes(broker.name);

    await Promise.all(
      services.map(async (service) => {
        if (usesBroker(service)) await brokerReady;
        return startOne(
          service.name,
          service.hostname,
          service.docker.image,
          [{ container: service.port, host: port(service.name) }],
          httpReady(`${url(port(service.name))}${service.healthPath}`),
          service.startTimeoutSeconds,
          (c) => {
            const env = serviceEnvironment(service, addressing, plan.chain.environment);
            const skew = plan.chain.environment.clockSkew;
            // The service images carry Debian's libfaketime at this path (see their Dockerfiles).
            if (skew?.service === service.name) Object.assign(env, clockSkewEnvironment(skew, '/usr/local/lib/libfaketime.so.1'));
            return c.withEnvironment(env);
          },
        );
      }),
    );

    return {
      gatewayUrl: url(port(entryService)),
      collectorHttpUrl: url(port(`${collector.name}.http`)),
      serviceUrls: Object.fromEntries(services.map((s) => [s.name, url(port(s.name))])),
      logPaths,
    };
  }
}
