// How the local runtime starts, probes and stops one component: a process
// group on 127.0.0.1, run from its build folder with the machine's own
// toolchains, in the run's ledger (what the reaper stops if polytrace is
// killed), its output in the run's logs/<name>.log.
import { basename, join } from 'node:path';
import { EnvironmentError } from '../../common/errors.js';
import { broker, collector } from '../../topology/chain.js';
import { brokerUrl, serviceEnvironment, type Addressing } from '../../topology/environment.js';
import type { Service } from '../../topology/types.js';
import type { BuiltRuntime, ComponentStart, RunComponents, RunningPart, RunPlan } from '../runtime.js';
import { toolchainEnvironment } from '../toolchains.js';
import { buildInCache, expandCommand, sourceDirFor, type BuildTarget } from './build.js';
import { childEnvironment } from './child-environment.js';
import { trackForExit } from './exit-guard.js';
import { fakeTimeLibrary } from './fake-time.js';
import { ManagedProcess, type ProcessSpec } from './managed-process.js';
import { ledgerOf, recordProcess } from './process-ledger.js';
import { processGroupUsage } from './process-usage.js';
import { rabbitmqNode } from './rabbitmq-node.js';
import { awaitAmqpReady, awaitReady } from './readiness.js';

/** A process group of the run: its leader's pid is what `usage` reads. */
interface ProcessPart extends RunningPart {
  readonly pid: number | undefined;
}

const url = (port: number) => `http://127.0.0.1:${port}`;

/** One component as the run built it: the target (its recipe pinned to the run's versions) and its cache folder. */
export interface LocalBuild {
  target: BuildTarget;
  dir: string;
}

/** The local runtime once built: each component's build folder is known. */
export class BuiltLocalRuntime implements BuiltRuntime<ProcessPart> {
  constructor(
    private readonly builds: Map<string, LocalBuild>,
    private readonly cacheRoot: string,
  ) {}

  async open(plan: RunPlan, logsDir: string): Promise<RunComponents<ProcessPart>> {
    return new LocalComponents({
      builds: this.builds,
      cacheRoot: this.cacheRoot,
      logsDir,
      ledger: ledgerOf(plan.runDir),
    });
  }
}

class LocalComponents implements RunComponents<ProcessPart> {
  // The processes start side by side: the machine runs them as they come.
  readonly slowestFirst = false;

  constructor(
    private readonly run: {
      /** Each component's build; a rebuild replaces a service's, and its next start runs the new one. */
      builds: Map<string, LocalBuild>;
      cacheRoot: string;
      logsDir: string;
      ledger: string;
    },
  ) {}

  startCollector(start: ComponentStart<ProcessPart>): Promise<string> {
    const { plan } = start;
    const port = (name: string) => plan.options.ports[name]!;
    return this.launch(start, {
      name: collector.name,
      env: {
        POLYTRACE_OTLP_GRPC_ENDPOINT: `127.0.0.1:${port(`${collector.name}.grpc`)}`,
        POLYTRACE_OTLP_HTTP_ENDPOINT: `127.0.0.1:${port(`${collector.name}.http`)}`,
        POLYTRACE_HEALTH_ENDPOINT: `127.0.0.1:${port(`${collector.name}.health`)}`,
        POLYTRACE_SPANS_FILE: plan.spansPath,
        POLYTRACE_METRICS_FILE: plan.metricsPath,
        POLYTRACE_OTLP_TOKEN: plan.otlpToken,
      },
      healthUrl: `${url(port(`${collector.name}.health`))}/`,
      timeoutSeconds: 60,
    });
  }

  /** The run's own RabbitMQ node: epmd, then the server, ready once an AMQP connection opens. */
  async startBroker(start: ComponentStart<ProcessPart>): Promise<string> {
    const { plan } = start;
    const port = (name: string) => plan.options.ports[name]!;
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
      password: plan.brokerPassword,
      baseEnv: childEnvironment(),
      logsDir: this.run.logsDir,
    });
    const epmd = await this.startProcess(start, node.epmd);
    // epmd binds its port at once; the node's own start checks that it answers.
    if (epmd.exited) throw new EnvironmentError(`${node.epmd.name} ${epmd.describeExit()} (log: ${node.epmd.logPath})`);
    const started = Date.now();
    const server = await this.startProcess(start, node.server);
    start.running();
    await awaitAmqpReady({
      child: server,
      port: ports.amqp,
      credentials: { user: broker.user, password: plan.brokerPassword },
      timeoutSeconds: broker.startTimeoutSeconds,
      signal: plan.signal,
    });
    return `amqp://127.0.0.1:${ports.amqp} (node started in ${((Date.now() - started) / 1000).toFixed(1)}s)`;
  }

  async startService(service: Service, start: ComponentStart<ProcessPart>): Promise<string> {
    const { plan } = start;
    const port = (name: string) => plan.options.ports[name]!;
    const addressing: Addressing = {
      serviceUrl: (s) => url(port(s.name)),
      collectorGrpcUrl: url(port(`${collector.name}.grpc`)),
      collectorToken: plan.otlpToken,
      bindHost: '127.0.0.1',
      listenPort: (s) => port(s.name),
      ...(plan.options.environment.clockSkew?.service === service.name
        ? { fakeTimeLibrary: await fakeTimeLibrary() }
        : {}),
      brokerUrl: (b) => brokerUrl(b, { host: '127.0.0.1', port: port(`${b.name}.amqp`), secret: plan.brokerPassword }),
    };
    const env = serviceEnvironment(service, addressing, plan.options.environment);
    if (service.dataFileVariable) env[service.dataFileVariable] = join(plan.runDir, `${service.name}.db`);
    return this.launch(start, {
      name: service.name,
      env,
      healthUrl: `${url(port(service.name))}${service.healthPath}`,
      timeoutSeconds: service.startTimeoutSeconds,
    });
  }

  async rebuildService(service: Service, plan: RunPlan): Promise<string> {
    const { target } = this.run.builds.get(service.name)!;
    const started = Date.now();
    const { dir, built } = await buildInCache({
      target,
      cacheRoot: this.run.cacheRoot,
      signal: plan.signal,
      ledger: this.run.ledger,
    });
    this.run.builds.set(service.name, { target, dir });
    return built
      ? `built ${service.name} in ${((Date.now() - started) / 1000).toFixed(1)}s`
      : `${service.name} is up to date`;
  }

  async usage(parts: readonly ProcessPart[]) {
    return processGroupUsage(Object.fromEntries(parts.flatMap((p) => (p.pid ? [[p.name, p.pid] as const] : []))));
  }

  /** Starts one component from its build folder and waits until it answers its health URL. */
  private async launch(
    start: ComponentStart<ProcessPart>,
    how: { name: string; env: Record<string, string>; healthUrl: string; timeoutSeconds: number },
  ): Promise<string> {
    const { healthUrl } = how;
    const { target, dir: buildDir } = this.run.builds.get(how.name)!;
    const { cmd, args, cwd } = expandCommand(target.recipe.start, buildDir, sourceDirFor(target, buildDir));
    const child = await this.startProcess(start, {
      name: target.name,
      cmd,
      args,
      cwd,
      env: childEnvironment({
        ...(await toolchainEnvironment(target.recipe.toolchains)),
        ...target.recipe.env,
        ...how.env,
      }),
      logPath: join(this.run.logsDir, `${target.name}.log`),
    });
    start.running();
    await awaitReady({ child, healthUrl, timeoutSeconds: how.timeoutSeconds, signal: start.plan.signal });
    return healthUrl.replace(/\/[^/]*$/, '');
  }

  /** Starts one process in its own group, in the ledger, where teardown (or a restart) finds it. */
  private async startProcess(start: ComponentStart<ProcessPart>, spec: ProcessSpec): Promise<ManagedProcess> {
    start.plan.options.progress({ step: 'start', component: spec.name, message: `starting ${spec.name}…` });
    const child = await ManagedProcess.start(spec);
    const untrack = trackForExit(child);
    recordProcess(this.run.ledger, child.pid);
    start.track({
      name: spec.name,
      logPath: spec.logPath,
      pid: child.pid,
      stop: async () => {
        await child.stop();
        untrack();
      },
    });
    return child;
  }
}
