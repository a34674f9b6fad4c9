// The docker runtime's builds of a pinned OpenTelemetry set. For each line
// that is not the default, a copy of its component's build context in
// polytrace's docker cache, pinned there with the language's own client on
// this machine (sdk-pins.ts: the same pins the local runtime makes), and an
// image of its own tag, so the checkout's folder and its :dev image stay as
// they are. A copy is made in a temporary folder and renamed into place:
// nothing is left half-made, and a second run of the same set makes nothing.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { EnvironmentError } from '../../common/errors.js';
import { hashFiles } from '../../common/hash-files.js';
import { logTail } from '../../common/log-tail.js';
import { dockerCacheDir } from '../../common/paths.js';
import type { Progress } from '../../common/progress.js';
import { sdkAnchors, sdkLanguages, type ResolvedSdk, type SdkSet } from '../../topology/sdk-versions.js';
import { childEnvironment } from '../local/child-environment.js';
import { collectorPins, goPinSteps, mavenPinArgs, npmPinSteps, pythonPins, type PinStep } from '../sdk/sdk-pins.js';
import { contextFiles } from './build-context.js';
import { builtFrom, type ChainComponent } from './chain-images.js';

/** What pinning a context takes: commands run in the copy, files written into it, build arguments. */
export interface ContextPins {
  steps: PinStep[];
  files: Record<string, string>;
  buildArgs: Record<string, string>;
}

/**
 * How a line's context is pinned: Go and JS with their clients in the copy (`npm ci` in the
 * Dockerfile then installs the lock npm wrote), Python a requirements file of the whole resolved
 * set, Java the pom's properties as MAVEN_ARGS (Maven 3.9 reads them from the environment), the
 * Collector its manifest's modules moved and the builder's release as a build argument.
 */
export function contextPins(line: ResolvedSdk): ContextPins {
  const none = { steps: [], files: {}, buildArgs: {} };
  switch (line.language) {
    case 'go':
      return { ...none, steps: goPinSteps(line) };
    case 'java':
      return { ...none, buildArgs: { MAVEN_ARGS: mavenPinArgs(line).join(' ') } };
    case 'python':
      return { ...none, files: { [sdkAnchors.python.manifest]: `${pythonPins(line).join('\n')}\n` } };
    case 'nodejs':
      return { ...none, steps: npmPinSteps(line, { lockOnly: true }) };
    case 'collector': {
      const { builder, moveModules } = collectorPins(line, sdkAnchors.collector.manifest);
      return { ...none, steps: [moveModules], buildArgs: { OCB_VERSION: builder } };
    }
  }
}

/** A short hash of a resolved line (its version and every companion's): it names the copy and the tag. */
export function lineHash(line: ResolvedSdk): string {
  const { language, version, companions, removed = [], node = '' } = line;
  const sorted = Object.entries(companions).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256')
    .update(JSON.stringify([language, version, sorted, removed, node]))
    .digest('hex')
    .slice(0, 12);
}

/** `polytrace/api-gateway:dev` → `polytrace/api-gateway:sdk-<hash>`. */
export const sdkImage = (image: string, line: ResolvedSdk): string =>
  `${image.replace(/:[^:/]+$/, '')}:sdk-${lineHash(line)}`;

/** Where the pinned copies live (`clean --images` removes them with their images). */
export const pinnedContextsDir = () => join(dockerCacheDir(), 'sdk-contexts');

/** Where a line's pinned copy of a component's context lives. */
const contextDirOf = (component: string, line: ResolvedSdk) =>
  join(pinnedContextsDir(), `${component}-${lineHash(line)}`);

/**
 * The run's components, each line of the set that is not the default built from its pinned
 * context under its own tag; the others as they are.
 */
export async function sdkComponents(
  components: readonly ChainComponent[],
  { sdks, progress, signal }: { sdks: SdkSet; progress: Progress; signal: AbortSignal },
): Promise<ChainComponent[]> {
  return Promise.all(
    components.map(async (component) => {
      const language = sdkLanguages.find((l) => sdkAnchors[l].component === component.name);
      const line = language ? sdks[language] : undefined;
      if (!line || line.isDefault) return component;
      const pins = contextPins(line);
      const image = sdkImage(component.docker.image, line);
      // A line pinned by build arguments alone is built from the checkout's folder itself.
      const copied = pins.steps.length > 0 || Object.keys(pins.files).length > 0;
      const contextDir = copied
        ? await pinnedContext({ component, line, pins, progress, signal })
        : component.contextDir;
      return builtFrom(component, { contextDir, image, buildArgs: pins.buildArgs });
    }),
  );
}

/**
 * The pinned copy, made now unless the one in place was made from the same files and pins (its
 * stamp, beside it, says so). Made whole in a temporary folder, then renamed into place.
 */
async function pinnedContext({
  component,
  line,
  pins,
  progress,
  signal,
}: {
  component: ChainComponent;
  line: ResolvedSdk;
  pins: ContextPins;
  progress: Progress;
  signal: AbortSignal;
}): Promise<string> {
  const dir = contextDirOf(component.name, line);
  const stamp = `${dir}.stamp`;
  const files = await contextFiles(component.contextDir);
  const source = await hashFiles(component.contextDir, files, JSON.stringify(pins));
  const current = async () => existsSync(dir) && (await readFile(stamp, 'utf8').catch(() => '')) === source;
  if (await current()) return dir;
  progress({
    step: 'build',
    component: component.name,
    message: `pinning a copy of ${component.name}'s build context to ${line.language} ${line.version} (${pins.steps.map((s) => s.cmd).join(', ') || 'files'})…`,
  });
  await mkdir(dirname(dir), { recursive: true });
  const temporary = await mkdtemp(`${dir}.tmp-`);
  try {
    const ignore = join(component.contextDir, '.dockerignore');
    for (const file of [...files, ...(existsSync(ignore) ? ['.dockerignore'] : [])]) {
      await cp(join(component.contextDir, file), join(temporary, file));
    }
    for (const [file, text] of Object.entries(pins.files)) await writeFile(join(temporary, file), text);
    const logPath = join(dockerCacheDir(), 'logs', `${component.name}-pin.log`);
    await mkdir(dirname(logPath), { recursive: true });
    await writeFile(logPath, '');
    for (const step of pins.steps) await runPinStep(step, { cwd: temporary, logPath, signal });
    // A copy made by another run meanwhile is as good: it was made from the same files and pins.
    await rm(dir, { recursive: true, force: true });
    await rename(temporary, dir).catch(async (error: unknown) => {
      if (!(await current())) throw error;
    });
    await writeFile(stamp, source);
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
  return dir;
}

/** One pin command in the copy, its output in the component's pin log; a failure says where and shows its tail. */
async function runPinStep(
  step: PinStep,
  { cwd, logPath, signal }: { cwd: string; logPath: string; signal: AbortSignal },
): Promise<void> {
  const command = `${step.cmd} ${step.args.join(' ')}`;
  await appendFile(logPath, `$ ${command}\n`);
  try {
    await execa(step.cmd, step.args, {
      cwd,
      // The machine's Go builds with its own toolchain, never a downloaded one (as the local runtime's).
      env: childEnvironment({ GOTOOLCHAIN: 'local' }),
      extendEnv: false,
      stdin: 'ignore',
      stdout: { file: logPath, append: true },
      stderr: { file: logPath, append: true },
      cancelSignal: signal,
      timeout: 10 * 60_000,
    });
  } catch (error) {
    signal.throwIfAborted();
    throw new EnvironmentError(`pinning a build context failed at \`${command.slice(0, 120)}\` (log: ${logPath})`, {
      detail: await logTail(logPath),
      cause: error,
    });
  }
}
