// Runs the built CLI as a subprocess, the way a user or CI does.
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultPorts } from '../../src/topology/ports.js';
import { isPortFree } from '../../src/runtime/port-check.js';
import { cacheDir } from '../../src/common/paths.js';

export const repo = fileURLToPath(new URL('../..', import.meta.url));
export const cli = join(repo, 'bin', 'polytrace.js');

/** Every port of the chain moved off its default: for a run that must not clash with a local chain or a person's run. */
export const movedPorts: Record<string, number> = {
  'api-gateway': 28080,
  'auth-service': 28081,
  'order-service': 28082,
  'notification-service': 28083,
  'otel-collector.grpc': 24317,
  'otel-collector.http': 24318,
  'otel-collector.health': 23133,
};

/**
 * Every port of the chain, from base up: one set per test file, each base in run-cli's list
 * below so that two files never share one. All of them lie below Linux's ephemeral range
 * (32768 up), where the kernel also hands out the local ports of outgoing connections: a port
 * pinned there can be taken by any connection of the machine a moment before the run binds it.
 */
export function portsAt(base: number): Record<string, number> {
  const ports = {
    'api-gateway': base,
    'auth-service': base + 1,
    'order-service': base + 2,
    'notification-service': base + 3,
    'otel-collector.grpc': base + 4,
    'otel-collector.http': base + 5,
    'otel-collector.health': base + 6,
  };
  // The set itself, and a file's extras from base + 10 (a page, a broker: a few each), stay below 32768.
  if (base + 20 >= 32768) throw new Error(`Expected a port base below ${32768 - 20}, got ${base}`);
  return ports;
}

/** The bases of the test files' port sets, 100 apart; a file's extra ports (a page, a broker) take base + 10 up. */
export const portBases = {
  conformanceProbe: 30100,
  conformance: 30200,
  bench: 30300,
  abuse: 30400,
  asyncLocal: 30500,
  asyncDocker: 30600,
  officialImages: 30700,
  errors: 30800,
  dockerSdk: 30900,
  labsDocker: 31000,
  matrix: 31200,
  lines: 31400,
  linesDefaultJs: 31500,
  offline: 32600,
  offlineDocker: 32700,
  labs: 31600,
  room: 32000,
  livePageLab: 31100,
} as const;

/** A second set, for `conformance`: clear of movedPorts and of the W3C endpoint test's own set. */
export const probePorts = portsAt(portBases.conformanceProbe);

/** `--port name=port` flags for these ports. */
export const portFlags = (ports: Record<string, number>): string[] =>
  Object.entries(ports).flatMap(([name, port]) => ['--port', `${name}=${port}`]);

export function outDir(): string {
  return mkdtempSync(join(tmpdir(), 'polytrace-e2e-'));
}

const options = { reject: false, all: true, cwd: repo, env: { NO_COLOR: '1' }, stdin: 'ignore' } as const;

/** The CLI with these arguments; `env` adds to (or overrides) the test's own environment. */
export function polytrace(args: string[], env: Record<string, string> = {}): ResultPromise<typeof options> {
  return execa('node', [cli, ...args], { ...options, env: { ...options.env, ...env } });
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

/** Every port of the chain (the default ones, or those given) answers "free" on 127.0.0.1. */
export async function chainPortsFree(ports: Record<string, number> = defaultPorts()): Promise<Record<string, boolean>> {
  const entries = await Promise.all(
    Object.entries(ports).map(async ([name, port]) => [name, await isPortFree(port)] as const),
  );
  return Object.fromEntries(entries);
}

/**
 * Command lines of running processes of this checkout's local chain: started from its
 * services/ or docker/ folders, or from polytrace's build cache, or its reaper. Processes of
 * containers (their cwd is inside the container) and of other checkouts do not count.
 */
async function chainProcesses(): Promise<string[]> {
  const cache = cacheDir();
  const found: string[] = [];
  for (const pid of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ').trim();
      const cwd = await readlink(`/proc/${pid}/cwd`);
      const ours =
        cmdline.includes(cache) ||
        cwd.startsWith(cache) ||
        cmdline.includes(join(repo, 'dist', 'runtime', 'reaper', 'local-main.js')) ||
        cwd.startsWith(join(repo, 'services')) ||
        cwd.startsWith(join(repo, 'docker'));
      if (ours) found.push(`${pid} ${cmdline}`);
    } catch {
      // gone in the meantime, or not ours to read
    }
  }
  return found;
}

/** Waits up to `ms` for this checkout's chain processes to be gone; returns what is left. */
export async function chainProcessesAfter(ms: number): Promise<string[]> {
  const deadline = Date.now() + ms;
  let left = await chainProcesses();
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    left = await chainProcesses();
  }
  return left;
}
