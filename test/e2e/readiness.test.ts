// A service that fails to start: one line saying what happened, and the tail
// of its log as the detail. Real processes (node), no mocks.
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../src/common/errors.js';
import { awaitAmqpReady, awaitReady } from '../../src/runtime/local/readiness.js';
import { ManagedProcess } from '../../src/runtime/local/managed-process.js';

async function start(name: string, script: string) {
  const logPath = join(mkdtempSync(join(tmpdir(), 'polytrace-ready-')), `${name}.log`);
  return ManagedProcess.start({
    name,
    cmd: process.execPath,
    args: ['-e', script],
    cwd: tmpdir(),
    env: { ...process.env } as Record<string, string>,
    logPath,
  });
}

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('awaitReady', () => {
  it('a crash before ready: says it exited, with the tail of its log', async () => {
    const child = await start(
      'order-service',
      "console.error('Traceback: ModuleNotFoundError: flask'); process.exit(3)",
    );
    const url = `http://127.0.0.1:${await closedPort()}/healthz`;
    const error = await awaitReady({
      child,
      healthUrl: url,
      timeoutSeconds: 10,
      signal: new AbortController().signal,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).message).toMatch(
      /^order-service exited with code 3 before it was ready \(log: .*order-service\.log\)$/,
    );
    expect((error as EnvironmentError).detail).toMatch(/Traceback: ModuleNotFoundError: flask/);
    expect((error as EnvironmentError).exitCode).toBe(3);
  });

  it('never healthy: says which URL and how long, with the tail of its log, and the process can be stopped', async () => {
    const child = await start('auth-service', "console.log('still starting…'); setInterval(() => {}, 1000)");
    const url = `http://127.0.0.1:${await closedPort()}/healthz`;
    const error = await awaitReady({
      child,
      healthUrl: url,
      timeoutSeconds: 1,
      signal: new AbortController().signal,
    }).catch((e: unknown) => e);
    await child.stop(2000);
    expect((error as EnvironmentError).message).toBe(`auth-service did not answer ${url} within 1s`);
    expect((error as EnvironmentError).detail).toMatch(/still starting…/);
    expect(child.exited).toBe(true);
  });

  it('healthy: resolves', async () => {
    const port = await closedPort();
    const child = await start(
      'api-gateway',
      `require('node:http').createServer((q, r) => r.end('ok')).listen(${port}, '127.0.0.1')`,
    );
    await expect(
      awaitReady({
        child,
        healthUrl: `http://127.0.0.1:${port}/healthz`,
        timeoutSeconds: 10,
        signal: new AbortController().signal,
      }),
    ).resolves.toBeUndefined();
    await child.stop(2000);
  });

  it('a port answered by someone else is a start failure, never "ready"', async () => {
    // Another run's service holds the port; this run's process never listens (as when it died with EADDRINUSE).
    const other = createServer((_, res) => res.end('ok'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const { port } = other.address() as AddressInfo;
    const child = await start('order-service', "console.log('EADDRINUSE'); setInterval(() => {}, 1000)");
    try {
      const error = await awaitReady({
        child,
        healthUrl: `http://127.0.0.1:${port}/healthz`,
        timeoutSeconds: 10,
        signal: new AbortController().signal,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EnvironmentError);
      expect((error as EnvironmentError).message).toMatch(
        new RegExp(`^order-service: 127\\.0\\.0\\.1:${port} answered, but not from the process this run started`),
      );
      expect((error as EnvironmentError).exitCode).toBe(3);
    } finally {
      await child.stop(2000);
      await new Promise((resolve) => other.close(resolve));
    }
  });
});

describe('awaitAmqpReady', () => {
  it("sends the broker's password to no port another process bound first, and never calls it ready", async () => {
    // The broker is spawned but has not bound its port yet; a squatter takes it in that moment.
    const child = await start('rabbitmq', 'setInterval(() => {}, 1000)');
    let connections = 0;
    const squatter = createTcpServer((socket) => {
      connections += 1;
      socket.on('data', () => {});
    });
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const { port } = squatter.address() as AddressInfo;
    try {
      const ready = awaitAmqpReady({
        child,
        port,
        credentials: { user: 'polytrace', password: 'the-broker-password' },
        timeoutSeconds: 5,
        signal: AbortSignal.timeout(10_000),
      });
      await expect(ready).rejects.toThrow(
        new RegExp(`another process listens on 127\\.0\\.0\\.1:${port}, not the broker this run started`),
      );
      expect(connections).toBe(0);
    } finally {
      squatter.close();
      await child.stop(2000);
    }
  }, 20_000);
});
