// Global setup: what `git status` says about the checkout before any test
// runs, so the last test file can check that the runs (builds, installs,
// `npm pack`) left every tracked file as they found it.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

const repo = fileURLToPath(new URL('..', import.meta.url));

declare module 'vitest' {
  export interface ProvidedContext {
    /** `checkoutStatus()` when the run started; null outside a git checkout. */
    checkoutAtStart: string[] | null;
  }
}

/**
 * Tracked files that differ from HEAD, plus anything new beside the sources of the services and
 * the Collector (untracked or ignored: build outputs, bytecode, databases). Run folders (.polytrace/),
 * dist/ and node_modules/ are the runs' own, ignored by design, and are not listed.
 */
export function checkoutStatus(): string[] | null {
  const git = (args: string[]) =>
    execFileSync('git', ['status', '--porcelain', ...args], { cwd: repo, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
  try {
    return [
      ...git(['--untracked-files=no']),
      ...git(['--untracked-files=all', '--ignored=matching', '--', 'services', 'docker']).filter(
        (line) => !line.startsWith(' ') && !/^[MADRCU]/.test(line),
      ),
    ].sort();
  } catch {
    return null;
  }
}

export default function setup(project: TestProject) {
  project.provide('checkoutAtStart', checkoutStatus());
}
