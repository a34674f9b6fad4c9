// The docker runtime: the Collector and the four services as containers, via
// testcontainers, on one network under the article's hostnames, their ports
// published on 127.0.0.1 only, configured through the same OTEL_* environment
// as the local runtime (both from src/topology/environment.ts). Here:
// checking the machine, choosing the base images, and building the chain's
// images; docker-components.ts starts each container.
import { basename, join } from 'node:path';
import { dockerCacheDir } from '../../common/paths.js';
import { portsInUse } from '../../topology/ports.js';
import { assertPortsFree } from '../port-check.js';
import type { PreparedRuntime, RunPlan, Runtime } from '../runtime.js';
import {
  chooseBaseImages,
  componentsOfRun,
  ensureChainImages,
  runImages,
  type BaseChoice,
  type ChainComponent,
} from './chain-images.js';
import { BuiltDockerRuntime } from './docker-components.js';
import { connectEngine, dockerode, type Engine } from './engine.js';
import { assertImageRunsLine, imageNode } from './image-node.js';
import { sdkComponents } from './sdk-contexts.js';
import { resolveRequestedSdks } from '../sdk/sdk-context.js';
import { describeSdkSet } from '../sdk/describe-sdk-set.js';
import type { SdkSet } from '../../topology/sdk-versions.js';
import { withWorkspaces, workspaceRebuild } from './workspace-images.js';

export class DockerRuntime implements Runtime {
  readonly name = 'docker';

  async preflight(plan: RunPlan): Promise<PreparedRuntime> {
    const engine = await connectEngine();
    const brokers = plan.options.environment.brokers ?? [];
    await assertPortsFree(portsInUse(plan.options.ports, brokers, 'docker'));
    const base = await chooseBaseImages(dockerode(engine), componentsOfRun(brokers));
    plan.options.progress({
      step: 'build',
      message:
        base.kind === 'stand-ins'
          ? "base images: polytrace's local stand-ins (polytrace-base/*, from `polytrace images prepare`)"
          : "base images: the Dockerfiles' official ones (pulled if missing; `polytrace images prepare` makes local stand-ins where no registry answers)",
    });
    // Before anything is built: a version the registry lacks, or a JS line the image's Node cannot
    // run, is the user's to fix (exit 2).
    const node = await imageNode(dockerode(engine), { base, overrides: plan.options.baseImages });
    const sdks = await resolveRequestedSdks(plan.options.sdk, { signal: plan.signal, node: node.version });
    assertImageRunsLine(sdks.nodejs, node);
    const pinned = describeSdkSet(sdks);
    if (pinned) plan.options.progress({ step: 'build', message: `versions: ${pinned}` });
    return new PreparedDockerRuntime(engine, base, sdks);
  }
}

/** An engine answers, and the base images to build on are chosen. */
class PreparedDockerRuntime implements PreparedRuntime {
  constructor(
    private readonly engine: Engine,
    private readonly base: BaseChoice,
    private readonly sdks: SdkSet,
  ) {}

  reaper(plan: RunPlan): { main: URL; args: string[] } {
    return { main: new URL('../reaper/docker-main.js', import.meta.url), args: [basename(plan.runDir)] };
  }

  async build(plan: RunPlan): Promise<BuiltDockerRuntime> {
    const components = await this.componentsOf(plan);
    await ensureChainImages(this.engine, {
      components,
      base: this.base,
      baseImageOverrides: plan.options.baseImages,
      logDir: join(dockerCacheDir(), 'logs'),
      progress: plan.options.progress,
      signal: plan.signal,
    });
    const rebuild = workspaceRebuild({ engine: this.engine, components, base: this.base });
    return new BuiltDockerRuntime(this.engine, runImages(components), rebuild);
  }

  /** The images this run builds and starts: the checkout's folders, unless the run builds a component from elsewhere. */
  private async componentsOf(plan: RunPlan): Promise<ChainComponent[]> {
    const components = componentsOfRun(plan.options.environment.brokers ?? []);
    const pinned = await sdkComponents(components, {
      sdks: this.sdks,
      progress: plan.options.progress,
      signal: plan.signal,
    });
    // A lab's workspace is the attendee's source: it replaces the service's folder, pinned or not.
    return withWorkspaces(pinned, plan.options.serviceSources);
  }
}
