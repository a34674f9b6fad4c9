// Turns the flags every chain command shares into core options, with the
// usage errors worded for people.
import { resolve } from 'node:path';
import { UsageError } from '../common/errors.js';
import type { Progress } from '../common/progress.js';
import { freePorts } from '../runtime/port-check.js';
import type { RunOptions, RuntimeChoice } from '../runtime/runtime.js';
import { findScenario, scenarios } from '../scenarios/catalog.js';
import { scenarioEnvironment, type Scenario } from '../scenarios/scenario.js';
import { parseBaseImageOverrides, type BaseImageOverrides } from '../topology/base-images.js';
import { brokersOf, serviceNamed, services } from '../topology/chain.js';
import type { ClockSkewSetting } from '../topology/environment.js';
import { applyPortOverrides, defaultPorts, type PortMap } from '../topology/ports.js';
import { isServiceName } from '../topology/names.js';
import { parseSdkFlags, type SdkRequest } from '../topology/sdk-versions.js';

export interface ChainFlags {
  runtime: string;
  port: string[];
  baseImage: string[];
  clockSkew?: string;
  /** The consumer starts a new trace with a span link to the producer, instead of a child span. */
  links?: boolean;
  outDir: string;
  scenario: string;
  /** `--sdk go=1.41.0`, repeatable: the OpenTelemetry version of one line of the chain. */
  sdk?: string[];
}

export const runtimeChoices = ['auto', 'local', 'docker'] as const;

function parseRuntime(value: string): RuntimeChoice {
  if ((runtimeChoices as readonly string[]).includes(value)) return value as RuntimeChoice;
  throw new UsageError(`Expected --runtime to be one of ${runtimeChoices.join(', ')}, got "${value}"`);
}

export function parsePorts(overrides: string[]): PortMap {
  const ports = applyPortOverrides(defaultPorts(), overrides);
  if (typeof ports === 'string') throw new UsageError(ports);
  return ports;
}

function parseBaseImages(values: string[]): BaseImageOverrides {
  const overrides = parseBaseImageOverrides(values);
  if (typeof overrides === 'string') throw new UsageError(overrides);
  return overrides;
}

function parseScenario(name: string): Scenario {
  const scenario = findScenario(name);
  if (!scenario)
    throw new UsageError(`Expected --scenario to be one of ${scenarios.map((s) => s.name).join(', ')}, got "${name}"`);
  return scenario;
}

export function parseCount(flag: string, value: string, max: number): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > max) {
    throw new UsageError(`Expected ${flag} to be a whole number from 1 to ${max}, got "${value}"`);
  }
  return count;
}

/**
 * The ports of a run of `check`: each one the user named with --port, the others free ports picked
 * now, so two checks on one CI runner never meet. `up` keeps the well-known ports a room types.
 */
export async function withFreePorts(runOptions: RunOptions, flags: Pick<ChainFlags, 'port'>): Promise<RunOptions> {
  const asked = new Set(flags.port.map((p) => p.split('=')[0]));
  const free = await freePorts(Object.keys(runOptions.ports).filter((name) => !asked.has(name)));
  return { ...runOptions, ports: { ...runOptions.ports, ...free } };
}

/**
 * For a command that runs the chain only as local processes: docker is a usage error and auto
 * means local, each saying why (`why` completes "…, got docker: ").
 */
export function localRuntimeOnly(
  runOptions: RunOptions,
  { command, why, progress }: { command: string; why: string; progress: Progress },
): RunOptions {
  if (runOptions.runtime === 'docker') {
    throw new UsageError(`Expected --runtime local or auto for ${command}, got docker: ${why}`);
  }
  if (runOptions.runtime === 'auto') {
    progress({ step: 'runtime', message: `${command} runs the chain as local processes: ${why}` });
  }
  return { ...runOptions, runtime: 'local' };
}

/** `--clock-skew order-service=2`: a service of the chain that honours libfaketime, and seconds (±, at most an hour). */
function parseClockSkew(value: string): ClockSkewSetting {
  const match = /^([a-z-]+)=([+-]?\d+(?:\.\d+)?)$/.exec(value);
  if (!match) throw new UsageError(`Expected --clock-skew service=seconds (e.g. order-service=2), got "${value}"`);
  const [, name, seconds] = match as unknown as [string, string, string];
  const service = isServiceName(name) ? serviceNamed(name) : undefined;
  const skewable = services.filter((s) => s.language !== 'go').map((s) => s.name);
  if (!service) throw new UsageError(`Expected --clock-skew to name one of ${skewable.join(', ')}, got "${name}"`);
  if (service.language === 'go') {
    throw new UsageError(
      `Expected --clock-skew to name one of ${skewable.join(', ')}, got ${name}: a static Go binary ignores libfaketime`,
    );
  }
  if (Math.abs(Number(seconds)) > 3600)
    throw new UsageError(`Expected at most 3600 seconds of --clock-skew, got ${seconds}`);
  return { service: name, seconds: Number(seconds) };
}

/**
 * `--sdk`, parsed once. Both runtimes build other versions; auto means local, where the run also
 * tries every direction between the languages (its probe calls back this machine's loopback,
 * which a container cannot reach).
 */
export function parseSdk(
  values: readonly string[],
  { runtime, progress }: { runtime: RuntimeChoice; progress: Progress },
): SdkRequest {
  const request = parseSdkFlags(values);
  if (typeof request === 'string') throw new UsageError(request);
  if (Object.keys(request).length > 0 && runtime === 'auto') {
    progress({
      step: 'runtime',
      message:
        '--sdk builds the chain as local processes, where every direction between the languages is tried too (--runtime docker builds it in containers, without them)',
    });
  }
  return request;
}

/** The flags every chain command shares, parsed once into what the core and the runtime read. */
export function parseChainFlags(
  flags: ChainFlags,
  progress: Progress,
  conformance = false,
): { runOptions: RunOptions; scenario: Scenario; clockSkew?: ClockSkewSetting } {
  const scenario = parseScenario(flags.scenario);
  const clockSkew = flags.clockSkew ? parseClockSkew(flags.clockSkew) : undefined;
  if (flags.links && brokersOf(scenario.flow).length === 0) {
    const through = scenarios.filter((s) => brokersOf(s.flow).length > 0).map((s) => s.name);
    throw new UsageError(
      `Expected --links with a scenario whose messages pass a broker (${through.join(', ')}), got "${scenario.name}"`,
    );
  }
  const runtime = parseRuntime(flags.runtime);
  const sdk = parseSdk(flags.sdk ?? [], { runtime, progress });
  return {
    scenario,
    ...(clockSkew ? { clockSkew } : {}),
    runOptions: {
      runtime: Object.keys(sdk).length > 0 && runtime === 'auto' ? 'local' : runtime,
      ports: parsePorts(flags.port),
      baseImages: parseBaseImages(flags.baseImage),
      outDir: resolve(flags.outDir),
      environment: scenarioEnvironment(scenario, {
        conformance,
        ...(clockSkew ? { clockSkew } : {}),
        links: Boolean(flags.links),
      }),
      sdk,
      progress,
    },
  };
}
