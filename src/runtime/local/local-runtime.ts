// The local runtime: the Collector and the four services as processes on
// 127.0.0.1, built with the machine's own toolchains (Go, JDK + Maven,
// Python, Node) and cached between runs; RabbitMQ, for the flows that need
// it, from the machine's own package.
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { cacheDir, repoRoot } from '../../common/paths.js';
import { EnvironmentError } from '../../common/errors.js';
import { broker, collector, entryService, services } from '../../topology/chain.js';
import { brokerUrl, clockSkewEnvironment, serviceEnvironment, type Addressing } from '../../topology/environment.js';
import { portsInUse } from '../../topology/ports.js';
import { fakeTimeLibrary } from './fake-time.js';
import type { Service } from '../../topology/types.js';
import { assertPortsFree } from '../port-check.js';
import type { RunPlan, Runtime, StartedChain } from '../runtime.js';
import { installHints, missingToolchains } from '../toolchains.js';
import { buildComponent, buildDirFor, expandCommand, sourceDirFor, type BuildTarget } from './build.js';
import { childEnvironment } from './child-environment.js';
import { ManagedProcess, type ProcessSpec } from './managed-process.js';
import { awaitAmqpReady, awaitReady } from './readiness.js';
import { trackForExit } from './exit-guard.js';
import { recordProcess } from './process-ledger.js';
import { rabbitmqNode, rabbitmqServer } from './rabbitmq-node.js';
import { Reaper } from '../reaper/reaper.js';

const collectorTarget: BuildTarget = {
  name: collector.name,
  dir: join(repoRoot, collector.dir),
  recipe: collector.local,
};
const serviceTarget = (s: Service): BuildTarget => ({ name: s.name, dir: join(repoRoot, s.dir), recipe: s.local });
export const localTargets: BuildTarget[] = [collectorTarget, ...services.map(serviceTarget)];

export class LocalRuntime implements Runtime {
  readonly name = 'local';
  private readonly buildDirs = new Map<string, string>();

  constructor(private readonly cacheRoot = cacheDir()) {}

  async preflight(plan: RunPlan): Promise<void> {
    const missing = await missingToolchains(localTargets.flatMap((t) => t.recipe.toolchains));
    if (missing.length > 0) {
      const [first] = missing;
      throw new EnvironmentError(
        `the local runtime needs ${missing.join(', ')} on PATH: ${installHints[first!] ?? `install ${first}`} (or use --runtime docker)`,
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
          const built = await buildComponent(target, dir, plan.signal);
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
    const logPaths: Record<string, string> = {};
    const url = (port: number) => `http://127.0.0.1:${port}`;
    const port = (name: string) => plan.chain.ports[name]!;

    /** Starts one process in its own group, in the ledger, stopped by teardown (in reverse order). */
    const launch = async (spec: ProcessSpec): Promise<ManagedProcess> => {
      logPaths[spec.name] = spec.logPath;
      plan.chain.progress({ step: 'start', component: spec.name, message: `starting ${spec.name}…` });
      const child = await ManagedProcess.start(spec);
      const untrack = trackForExit(child);
      recordProcess(ledger, child.pid);
      plan.teardown.add(spec.name, async () => {
        plan.chain.progress({ step: 'stop', component: spec.name, message: `stopping ${spec.name}` });
        await child.stop();
        untrack();
      });
      return child;
    };
    const ready = (name: string, where: string) =>
      plan.chain.progress({ step: 'start', component: name, message: `${name} is ready on ${where}` });

    const startOne = async (
      target: BuildTarget,
      env: Record<string, string>,
      healthUrl: string,
      timeoutSeconds: number,
    ) => {
      const buildDir = this.buildDirs.get(target.name) ?? (await buildDirFor(target, this.cacheRoot));
      const { cmd, args, cwd } = expandCommand(target.recipe.start, buildDir, sourceDirFor(target, buildDir));
      const child = await launch({
        name: target.name,
        cmd,
        args,
        cwd,
        env: childEnvironment({ ...target.recipe.env, ...env }),
        logPath: join(logsDir, `${target.name}.log`),
      });
      await awaitReady(child, healthUrl, timeoutSeconds, plan.signal);
      ready(target.name, healthUrl.replace(/\/[^/]*$/, ''));
    };

    // The run's own RabbitMQ node, before the services, which connect to it as they start (and
    // after them in teardown, so they close their connections first).
    const startBroker = async () => {
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
        logsDir,
      });
      const epmd = await launch(node.epmd);
      // epmd binds its port at once; the node's own start checks that it answers.
      if (epmd.exited) throw new EnvironmentError(`${node.epmd.name} ${epmd.describeExit()} (log: ${node.epmd.logPath})`);
      const started = Date.now();
      const server = await launch(node.server);
      await awaitAmqpReady(server, ports.amqp, { user: broker.user, password: plan.otlpToken }, broker.startTimeoutSeconds, plan.signal);
      ready(broker.name, `amqp://127.0.0.1:${ports.amqp} (node started in ${((Date.now() - started) / 1000).toFixed(1)}s)`);
    };

    await startOne(
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
    );

    // The broker starts beside the services that do not use it (the JVM takes as long), and the
    // ones that do wait for it. Marked handled here: a failure still reaches those that await it.
    const brokerReady = plan.chain.environment.brokers?.includes(broker.name) ? startBroker() : Promise.resolve();
    brokerReady.catch(() => {});
    const usesBroker = (service: Service) => Object.values(service.upstreams ?? {}).includes(broker.name);

    const addressing: Addressing = {
      serviceUrl: (s) => url(port(s.name)),
      collectorGrpcUrl: url(port(`${collector.name}.grpc`)),
      collectorToken: plan.otlpToken,
      bindHost: '127.0.0.1',
      listenPort: (s) => port(s.name),
      brokerUrl: (b) => brokerUrl(b, '127.0.0.1', port(`${b.name}.amqp`), plan.otlpToken),
    };
    const skew = plan.chain.environment.clockSkew;
    const fakeTime = skew ? await fakeTimeLibrary() : undefined;
    await Promise.all(
      services.map(async (service) => {
        const env = serviceEnvironment(service, addressing, plan.chain.environment);
        if (skew?.service === service.name && fakeTime) Object.assign(env, clockSkewEnvironment(skew, fakeTime));
        if (service.dataFileVariable) env[service.dataFileVariable] = join(plan.runDir, `${service.name}.db`);
        if (usesBroker(service)) await brokerReady;
        return startOne(
          serviceTarget(service),
          env,
          `${url(port(service.name))}${service.healthPath}`,
          service.startTimeoutSeconds,
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
