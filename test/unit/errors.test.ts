// polytrace's errors word one line for the user and keep the error they explain.
import { describe, expect, it } from 'vitest';
import { EnvironmentError, exitCodes, UsageError } from '../../src/common/errors.js';

describe('errors', () => {
  it('keep the error they wrap as their cause, and the log lines as their detail', () => {
    const original = new Error('connect ECONNREFUSED /var/run/docker.sock');
    const error = new EnvironmentError('no Docker engine answers', { detail: 'last log line', cause: original });
    expect(error.cause).toBe(original);
    expect(error.detail).toBe('last log line');
    expect(error.exitCode).toBe(exitCodes.environment);
    expect(error.name).toBe('EnvironmentError');
  });

  it('carry no cause or detail when they have none', () => {
    const error = new UsageError('Expected --requests to be a whole number, got "x"');
    expect(error.cause).toBeUndefined();
    expect(error.detail).toBeUndefined();
    expect(error.exitCode).toBe(exitCodes.usage);
  });
});

describe('exit codes', () => {
  it('are each in the README table, and the CLI exits with no other', async () => {
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const cli = await readFile(new URL('../../src/cli.ts', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('## Exit codes'));
    const documented = [...table.matchAll(/^\| (\d+) +\|/gm)].map((m) => Number(m[1]));
    for (const code of Object.values(exitCodes)) expect(documented, `exit ${code}`).toContain(code);
    // Any number the CLI returns or exits with is one of those named codes, not a literal.
    expect(cli).not.toMatch(/return \d+;|exit\(\d+\)|exitCode = \d+/);
  });
});
