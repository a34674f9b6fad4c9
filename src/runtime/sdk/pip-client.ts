// The Python package index as the machine's pip reads it (with its own
// configuration): a package's versions, and pip's own resolver run dry on a
// set of requirements, so the companions are the ones pip itself would pick.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { EnvironmentError } from '../../common/errors.js';
import { childEnvironment } from '../local/child-environment.js';
import type { PythonPackages } from './registries.js';

const pip = (args: string[], signal?: AbortSignal) =>
  execa('python3', ['-m', 'pip', ...args], {
    cwd: tmpdir(),
    env: childEnvironment({ PIP_DISABLE_PIP_VERSION_CHECK: '1' }),
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
    timeout: 300_000,
    ...(signal ? { cancelSignal: signal } : {}),
  });

/** `Available versions: 1.45.2, 1.45.1, …` of `pip index versions`. */
export const indexVersions = (output: string): string[] =>
  /Available versions: (.*)/
    .exec(output)?.[1]
    ?.split(', ')
    .map((v) => v.trim()) ?? [];

/** A package's name as the index compares names (PEP 503): lower case, runs of `-`, `_`, `.` as one `-`. */
export const normalizedName = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');

interface Report {
  install: Array<{ metadata: { name: string; version: string; requires_dist?: string[] } }>;
}

/** What pip's dry run says it would install: name → version. */
export const reportedInstalls = (report: string): Record<string, string> =>
  Object.fromEntries(
    (JSON.parse(report) as Report).install.map((i) => [normalizedName(i.metadata.name), i.metadata.version]),
  );

/** What each package of pip's dry run requires (names only; requirements of an extra left out). */
export const reportedRequires = (report: string): Record<string, string[]> =>
  Object.fromEntries(
    (JSON.parse(report) as Report).install.map((i) => [
      normalizedName(i.metadata.name),
      (i.metadata.requires_dist ?? [])
        .filter((requirement) => !/extra\s*==/.test(requirement))
        .map((requirement) => normalizedName(/^[A-Za-z0-9_.-]+/.exec(requirement)?.[0] ?? requirement)),
    ]),
  );

export const pipClient = (signal?: AbortSignal): PythonPackages => ({
  async versions(name) {
    const result = await pip(['index', 'versions', name], signal);
    signal?.throwIfAborted();
    if (result.exitCode !== 0) {
      throw new EnvironmentError(
        `could not read the Python package index through \`pip index versions ${name}\`: ${result.stderr.trim().split('\n').at(-1) ?? ''}`,
        { cause: result },
      );
    }
    return indexVersions(result.stdout);
  },
  async resolve(requirements) {
    const dir = await mkdtemp(join(tmpdir(), 'polytrace-pip-'));
    try {
      const report = join(dir, 'report.json');
      const result = await pip(
        ['install', '--dry-run', '--ignore-installed', '--quiet', '--report', report, ...requirements],
        signal,
      );
      signal?.throwIfAborted();
      if (result.exitCode === 0) {
        const text = await readFile(report, 'utf8');
        return { resolved: reportedInstalls(text), requires: reportedRequires(text) };
      }
      // pip's word for "these pins cannot all hold": the set is incoherent, not the index down.
      if (/ResolutionImpossible|conflicting dependencies|No matching distribution/.test(result.stderr)) {
        const lines = result.stderr.split('\n').filter((l) => /requested|depends on|The conflict is caused by/.test(l));
        return { conflict: lines.map((l) => l.trim()).join('; ') || result.stderr.trim().split('\n').at(-1) || '' };
      }
      throw new EnvironmentError(
        `could not read the Python package index through \`pip install --dry-run\`: ${result.stderr.trim().split('\n').at(-1) ?? ''}`,
        { cause: result },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
});
