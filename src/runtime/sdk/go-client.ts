// The Go module proxy as the machine's `go` client reads it (whatever GOPROXY
// it is configured with): a module's versions, and one version's go.mod.
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { execa } from 'execa';
import { EnvironmentError } from '../../common/errors.js';
import { childEnvironment } from '../local/child-environment.js';
import type { GoModules } from './registries.js';

/** Every `module vX` requirement of a go.mod, indirect ones too. */
export function goModRequires(goMod: string): Record<string, string> {
  const requires: Record<string, string> = {};
  const body = goMod.replace(/\/\/.*$/gm, '');
  for (const [, module, version] of body.matchAll(/^\s*(?:require\s+)?([\w.\-/~]+\.[\w.\-/~]+)\s+(v[^\s]+)\s*$/gm)) {
    requires[module!] = version!;
  }
  return requires;
}

/** `go list -m -json` outside any module (so nothing of the checkout is read), never fetching another toolchain. */
async function goList(
  args: string[],
  signal?: AbortSignal,
): Promise<{ Versions?: string[]; GoMod?: string; missing?: true }> {
  try {
    const { stdout } = await execa('go', ['list', '-m', '-json', ...args], {
      cwd: tmpdir(),
      env: childEnvironment({ GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', GO111MODULE: 'on' }),
      extendEnv: false,
      stdin: 'ignore',
      timeout: 120_000,
      ...(signal ? { cancelSignal: signal } : {}),
    });
    return JSON.parse(stdout) as { Versions?: string[]; GoMod?: string };
  } catch (error) {
    signal?.throwIfAborted();
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join(' ') ?? '';
    // The proxy answered, and has no such version: not a failure to reach it.
    if (/unknown revision|not found|not available|invalid version/.test(stderr)) return { missing: true };
    throw new EnvironmentError(
      `could not read the Go module proxy (GOPROXY) through \`go list -m -json ${args.join(' ')}\`: ${stderr || String(error)}`,
      { cause: error },
    );
  }
}

export const goClient = (signal?: AbortSignal): GoModules => ({
  async versions(module) {
    return (await goList(['-versions', module], signal)).Versions ?? [];
  },
  async requires(module, version) {
    const { GoMod, missing } = await goList([`${module}@${version}`], signal);
    if (missing) return undefined;
    if (!GoMod) throw new EnvironmentError(`\`go list -m -json ${module}@${version}\` gave no go.mod`);
    return goModRequires(await readFile(GoMod, 'utf8'));
  },
});
