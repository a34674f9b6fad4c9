// The npm registry as the machine's `npm` client reads it (with its own
// configuration): a package's versions, and the metadata of the versions in a
// range (dependencies, peer and dev dependencies, engines).
import { tmpdir } from 'node:os';
import { execa } from 'execa';
import { EnvironmentError } from '../../common/errors.js';
import { childEnvironment } from '../local/child-environment.js';
import type { NpmManifest, NpmPackages } from './registries.js';

const fields = ['version', 'dependencies', 'peerDependencies', 'devDependencies', 'engines'];

/** `npm view … --json`: one version's fields come as an object, several as an array of them. */
export const viewedManifests = (stdout: string): NpmManifest[] => {
  if (!stdout.trim()) return [];
  const parsed = JSON.parse(stdout) as NpmManifest | NpmManifest[];
  return Array.isArray(parsed) ? parsed : [parsed];
};

async function npmView(args: string[], signal?: AbortSignal): Promise<string | undefined> {
  const result = await execa('npm', ['view', ...args, '--json'], {
    cwd: tmpdir(),
    env: childEnvironment({ NPM_CONFIG_UPDATE_NOTIFIER: 'false' }),
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
    timeout: 120_000,
    // The metadata of every release of a package: well under this.
    maxBuffer: 64 * 1024 * 1024,
    ...(signal ? { cancelSignal: signal } : {}),
  });
  signal?.throwIfAborted();
  if (result.exitCode === 0) return result.stdout;
  // The registry answered, and has no such package or version: not a failure to reach it.
  if (/E404/.test(result.stdout) || /E404/.test(result.stderr)) return undefined;
  const why = result.stderr.split('\n').find((l) => /npm error (code|network|errno)|ERR/.test(l)) ?? result.stderr;
  throw new EnvironmentError(
    `could not read the npm registry through \`npm view ${args.join(' ')}\`: ${why.trim().slice(0, 300)}`,
    { cause: result },
  );
}

export const npmClient = (signal?: AbortSignal): NpmPackages => ({
  async versions(name) {
    const stdout = await npmView([name, 'versions'], signal);
    if (stdout === undefined || !stdout.trim()) return [];
    const parsed = JSON.parse(stdout) as string | string[];
    return Array.isArray(parsed) ? parsed : [parsed];
  },
  async manifests(name, range) {
    const stdout = await npmView([`${name}@${range}`, ...fields], signal);
    return stdout === undefined ? [] : viewedManifests(stdout);
  },
});
