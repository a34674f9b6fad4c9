// The local runtime: the Collector and the four services as processes on
// 127.0.0.1, built with the machine's own toolchains (Go, JDK + Maven,
// Python, Node) and cached between runs; RabbitMQ, for the flows that need
// it, from the machine's own package. Here: checking the machine and
// building; local-components.ts starts each process.
import { cacheDir } from '../../common/paths.js';
import { EnvironmentError } from '../../common/errors.js';
import { broker } from '../../topology/chain.js';
import { portsInUse } from '../../topology/ports.js';
import { assertPortsFree } from '../port-check.js';
import type { PreparedRuntime, RunPlan, Runtime } from '../runtime.js';
import { installHints, missingToolchains, toolchainEnvironment } from '../toolchains.js';
import { buildComponent, buildDirFor } from './build.js';
import { localTargets, localTargetsFor } from './build-targets.js';
import { BuiltLocalRuntime, type LocalBuild } from './local-components.js';
import { resolveRequestedSdks } from '../sdk/sdk-context.js';
import type { SdkSet } from '../../topology/sdk-versions.js';
import { describeSdkSet } from '../sdk/describe-sdk-set.js';
import { rabbitmqServer } from './rabbitmq-node.js';
import { chooseJdk, passedOverLine } from '../jdk.js';
import { ledgerOf } from './process-ledger.js';
import { offlineBuildError, offlineNotice, targetsForCache } from '../offline/offline-build.js';

export class LocalRuntime implements Runtime {
  readonly name = 'local';

  constructor(private readonly cacheRoot = cacheDir()) {}

  async preflight(plan: RunPlan): Promise<PreparedRuntime> {
    const missing = await missingToolchains(localTargets.flatMap((t) => t.recipe.toolchains));
    if (missing.length > 0) {
      const [first] = missing;
      throw new EnvironmentError(
        `the local runtime needs ${missing.join(', ')}: ${installHints[first!] ?? `install ${first}`} (or use --runtime docker)`,
      );
    }
    // A JDK the user pointed at (JAVA_HOME, PATH) and polytrace passed over is said at once.
    const java = await chooseJdk();
    const passedOver = passedOverLine(java);
    if (passedOver && java.jdk) {
      plan.options.progress({
        step: 'runtime',
        message: `java: JDK ${java.jdk.version} (${java.jdk.home}); passed over: ${passedOver}`,
      });
    }
    const brokers = plan.options.environment.brokers ?? [];
    // Said before anything is built: RabbitMQ is the one component the machine may lack.
    if (brokers.includes(broker.name)) await rabbitmqServer();
    await assertPortsFree(portsInUse(plan.options.ports, brokers, 'local'));
    // Before anything is built: a version the registry lacks is the user's to fix (exit 2).
    const sdks = await resolveRequestedSdks(plan.options.sdk, { signal: plan.signal });
    const pinned = describeSdkSet(sdks);
    if (pinned) plan.options.progress({ step: 'build', message: `versions: ${pinned}` });
    return new PreparedLocalRuntime(this.cacheRoot, sdks);
  }
}

/** The machine has the toolchains (and RabbitMQ, when the run needs it), and the ports are free. */
class PreparedLocalRuntime implements PreparedRuntime {
  constructor(
    private readonly cacheRoot: string,
    private readonly sdks: SdkSet,
  ) {}

  reaper(plan: RunPlan): { main: URL; args: string[] } {
    return { main: new URL('../reaper/local-main.js', import.meta.url), args: [ledgerOf(plan.runDir)] };
  }

  /** Builds each component into its cache folder, unless it is current there. */
  async build(plan: RunPlan): Promise<BuiltLocalRuntime> {
    const { cacheRoot } = this;
    const builds = new Map<string, LocalBuild>();
    const offline = offlineNotice(cacheRoot);
    if (offline) plan.options.progress({ step: 'build', message: offline });
    // Builds run side by side: most of their time is spent waiting on package registries.
    await Promise.all(
      targetsForCache(localTargetsFor(this.sdks, plan.options.serviceSources), cacheRoot).map(async (target) => {
        const dir = await buildDirFor(target, cacheRoot);
        builds.set(target.name, { target, dir });
        const started = Date.now();
        const announce = setTimeout(
          () =>
            plan.options.progress({
              step: 'build',
              component: target.name,
              message: `building ${target.name} (${target.recipe.toolchains.join(' + ')}; first time takes a while)…`,
            }),
          300,
        );
        try {
          const built = await buildComponent({
            target,
            buildDir: dir,
            signal: plan.signal,
            ledger: ledgerOf(plan.runDir),
            waiting: () =>
              plan.options.progress({
                step: 'build',
                component: target.name,
                message: `another polytrace run is building ${target.name}: waiting for it…`,
              }),
            toolchainEnv: await toolchainEnvironment(target.recipe.toolchains),
          }).catch(async (error: unknown) => {
            throw await offlineBuildError({ error, component: target.name, buildDir: dir, cacheRoot });
          });
          const seconds = ((Date.now() - started) / 1000).toFixed(1);
          plan.options.progress({
            step: 'build',
            component: target.name,
            built,
            message: built ? `built ${target.name} in ${seconds}s` : `${target.name} is up to date`,
          });
        } finally {
          clearTimeout(announce);
        }
      }),
    );
    return new BuiltLocalRuntime(builds, cacheRoot);
  }
}
