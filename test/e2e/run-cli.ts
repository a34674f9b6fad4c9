// Runs the built CLI as a subprocess, the way a user or CI does.
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultPorts } from '../../src/topology/ports.js';
import { isPortFree } from '../../src/runtime/port-check.js';

export const repo = fileURLToPath(new URL('../..', import.meta.url));
export const cli = join(repo, 'bin', 'polytrace.js');

export function outDir(): string {
  return mkdtempSync(join(tmpdir(), 'polytrace-e2e-'));
}

const options = { reject: false, all: true, cwd: repo, env: { NO_COLOR: '1' }, stdin: 'ignore' } as const;

export function polytrace(args: string[]): ResultPromise<typeof options> {
  return execa('node', [cli, ...args], options);
}

/**
 * Starts the CLI and resolves once part of the chain is up (a service said it is ready),
 * or the CLI ended: the moment an interruption tests teardown hardest.
 */
export async function startUntilPartlyUp(args: string[]) {
  const run = polytrace(args);
  await new Promise<void>((resolve) => {
    run.all.on('data', (chunk: Buffer) => {
      if (/(notification-service|order-service) is ready/.test(chunk.toString())) resolve();
    });
    void run.then(() => resolve());
  });
  // Wrapped: an async function returning the subprocess (a thenable) would await its end.
  return { run };
}

/** Every port of the chain answers "free" on 127.0.0.1. */
export async function chainPortsFree(): Promise<Record<string, boolean>> {
  const ports = defaultPorts();
  const entries = await Promise.all(
    Object.entries(ports).map(async ([name, port]) => [name, await isPortFree(port)] as const),
  );
  return Object.fromEntries(entries);
}

/** Command lines of running processes that belong to a polytrace chain (services or Collector). */
export async function chainProcesses(): Promise<string[]> {
  const { stdout } = await execa('ps', ['-eo', 'args='], { reject: false });
  const markers = [
    'otelcol-polytrace',
    'auth-service.jar',
    'instrumentation.js app.js',
    'api-gateway',
    'venv/bin/python app.py',
  ];
  return stdout.split('\n').filter((line) => markers.some((m) => line.includes(m)) && !line.includes('ps -eo'));
}
