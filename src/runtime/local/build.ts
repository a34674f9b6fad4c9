// Builds one component with the machine's toolchains, into a cache folder
// keyed by the hash of its inputs; a matching stamp means nothing to do. Two
// runs that share the cache never build the same folder at once: the second
// waits for the first's lock (proper-lockfile), then finds the build done. A
// build is not moved into place from a temporary folder, because some outputs
// hold their own path (a Python venv's scripts name its interpreter by it).
import { existsSync } from 'node:fs';
import { appendFile, copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { lock } from 'proper-lockfile';
import { sleep } from '../../common/abort.js';
import { EnvironmentError } from '../../common/errors.js';
import { logTail } from '../../common/log-tail.js';
import type { CommandLine, LocalRecipe } from '../../topology/types.js';
import { hashInputs, inputFiles } from './input-hash.js';
import { childEnvironment } from './child-environment.js';
import { signalGroup } from './process-group.js';
import { recordProcess } from './process-ledger.js';
import { toolchainEnvironment } from '../toolchains.js';

export interface BuildTarget {
  name: string;
  /** Absolute folder of the component's sources. */
  dir: string;
  recipe: LocalRecipe;
}

const expand = (text: string, buildDir: string, srcDir: string) =>
  text.replaceAll('{build}', buildDir).replaceAll('{src}', srcDir);

/** The command with its placeholders filled in, and the folder to run it in. */
export const expandCommand = (line: CommandLine, buildDir: string, srcDir: string): Required<CommandLine> => ({
  cmd: expand(line.cmd, buildDir, srcDir),
  args: line.args.map((a) => expand(a, buildDir, srcDir)),
  cwd: expand(line.cwd ?? '{src}', buildDir, srcDir),
});

export async function buildDirFor(target: BuildTarget, cacheRoot: string): Promise<string> {
  const { build, buildFromCopy = false } = target.recipe;
  const hash = await hashInputs(target.dir, target.recipe.inputs, JSON.stringify({ build, buildFromCopy }));
  return join(cacheRoot, 'build', `${target.name}-${hash}`);
}

/** The folder `{src}` stands for: the component's own, or the copy of its inputs it is built from. */
export const sourceDirFor = (target: BuildTarget, buildDir: string): string =>
  target.recipe.buildFromCopy ? join(buildDir, 'src') : target.dir;

function outputsExist(target: BuildTarget, buildDir: string): boolean {
  const srcDir = sourceDirFor(target, buildDir);
  return target.recipe.outputs.every((output) => {
    const path = expand(output, buildDir, srcDir);
    return existsSync(path.startsWith('/') ? path : join(srcDir, path));
  });
}

/** A fresh copy of the input files, so the build writes into the cache and never beside the sources. */
async function copyInputs(target: BuildTarget, to: string): Promise<void> {
  await rm(to, { recursive: true, force: true });
  for (const file of await inputFiles(target.dir, target.recipe.inputs)) {
    await mkdir(dirname(join(to, file)), { recursive: true });
    await copyFile(join(target.dir, file), join(to, file));
  }
}

/** A build that failed leaves nothing half-built in the cache: only its log, for the person reading the error. */
async function leaveOnlyLog(buildDir: string, logPath: string): Promise<void> {
  for (const entry of await readdir(buildDir)) {
    const path = join(buildDir, entry);
    if (path !== logPath) await rm(path, { recursive: true, force: true });
  }
}

/**
 * A lock held while a run's build is not updating it is taken over as stale after this long: a
 * killed run's lock frees the folder then. Generous, because a loaded machine updates late.
 */
const staleLockMs = 30_000;
/** How long a run waits for another run's build of the same folder: the slowest cold build, with room. */
const lockWaitMs = 30 * 60_000;

/** Takes the build folder's lock, waiting (bounded, abortable) while another run holds it. */
async function lockBuildDir(
  buildDir: string,
  { signal, waiting }: { signal: AbortSignal; waiting: () => void },
): Promise<() => Promise<void>> {
  const deadline = Date.now() + lockWaitMs;
  let said = false;
  for (;;) {
    try {
      // A lock that could not be kept fresh (a machine too busy to update it in time) only ends
      // the exclusion early; it must not end the run.
      return await lock(buildDir, {
        lockfilePath: `${buildDir}.lock`,
        realpath: false,
        stale: staleLockMs,
        onCompromised: () => {},
      });
    } catch (error) {
      if ((error as { code?: string }).code !== 'ELOCKED') throw error;
      if (Date.now() > deadline) {
        throw new EnvironmentError(
          `another polytrace run has been building ${buildDir} for over ${lockWaitMs / 60_000} minutes: stop it, or remove ${buildDir}.lock`,
        );
      }
      if (!said) waiting();
      said = true;
      await sleep(1000, signal);
    }
  }
}

interface BuildOptions {
  target: BuildTarget;
  buildDir: string;
  signal: AbortSignal;
  /** The run's ledger: each step's process group is written there, for the reaper. */
  ledger?: string;
  /** Points the steps at their toolchains. */
  toolchainEnv?: Record<string, string>;
  /** Called once when another run holds this build's lock and this one waits for it. */
  waiting?: () => void;
}

/** Returns true when it built, false when the cache was current (or another run just built it). */
export async function buildComponent(options: BuildOptions): Promise<boolean> {
  const { target, buildDir, signal, waiting = () => {} } = options;
  if (isBuilt(target, buildDir)) return false;
  await mkdir(dirname(buildDir), { recursive: true });
  const release = await lockBuildDir(buildDir, { signal, waiting });
  try {
    // Another run may have built it while this one waited.
    if (isBuilt(target, buildDir)) return false;
    await buildUnlocked(options);
    return true;
  } finally {
    await release().catch(() => {});
  }
}

const isBuilt = (target: BuildTarget, buildDir: string) =>
  existsSync(join(buildDir, '.built')) && outputsExist(target, buildDir);

async function buildUnlocked({ target, buildDir, signal, ledger, toolchainEnv = {} }: BuildOptions): Promise<void> {
  const stamp = join(buildDir, '.built');
  await mkdir(buildDir, { recursive: true });
  const logPath = join(buildDir, 'build.log');
  await writeFile(logPath, '');
  const log = { file: logPath, append: true };
  const srcDir = sourceDirFor(target, buildDir);
  if (target.recipe.buildFromCopy) {
    await appendFile(logPath, `# building a copy of ${target.dir}'s inputs in ${srcDir}\n`);
    await copyInputs(target, srcDir);
  }
  for (const step of target.recipe.build) {
    const { cmd, args, cwd } = expandCommand(step, buildDir, srcDir);
    await appendFile(logPath, `$ ${cmd} ${args.join(' ')}\n`);
    try {
      const child = execa(cmd, args, {
        cwd,
        env: childEnvironment({ ...toolchainEnv, ...target.recipe.env }),
        extendEnv: false,
        stdin: 'ignore',
        stdout: log,
        stderr: log,
        detached: true,
        cleanup: false,
      });
      if (ledger) recordProcess(ledger, child.pid);
      const cancel = () => signalGroup(child.pid, 'SIGKILL');
      signal.addEventListener('abort', cancel, { once: true });
      try {
        await child;
      } finally {
        signal.removeEventListener('abort', cancel);
      }
    } catch (error) {
      const detail = await logTail(logPath);
      await leaveOnlyLog(buildDir, logPath);
      signal.throwIfAborted();
      throw new EnvironmentError(`building ${target.name} failed at \`${cmd} ${args.join(' ')}\``, {
        detail,
        cause: error,
      });
    }
  }
  if (!outputsExist(target, buildDir)) {
    throw new EnvironmentError(`building ${target.name} finished but produced no ${target.recipe.outputs.join(', ')}`, {
      detail: await logTail(logPath),
    });
  }
  await writeFile(stamp, new Date().toISOString());
}

/**
 * Builds a target into its cache folder (the one its inputs' hash names) unless it is current
 * there: where it is, and whether it built.
 */
export async function buildInCache({
  cacheRoot,
  ...options
}: Omit<BuildOptions, 'buildDir' | 'toolchainEnv'> & { cacheRoot: string }): Promise<{ dir: string; built: boolean }> {
  const dir = await buildDirFor(options.target, cacheRoot);
  const toolchainEnv = await toolchainEnvironment(options.target.recipe.toolchains);
  return { dir, built: await buildComponent({ ...options, buildDir: dir, toolchainEnv }) };
}
