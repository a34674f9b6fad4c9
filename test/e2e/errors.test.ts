// End-to-end: bad input gets one clear line and the documented exit code, never a stack trace.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { outDir, polytrace, portBases } from './run-cli.js';

const [authPort, orderPort] = [portBases.errors + 1, portBases.errors + 2];

let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  servers = [];
});

async function hold(port: number): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  servers.push(server);
}

describe('polytrace errors', () => {
  it('busy ports asked for with --port: one line naming every one, its service and its --port, exit 3', async () => {
    await hold(authPort);
    await hold(orderPort);
    const result = await polytrace([
      'check',
      '--runtime',
      'local',
      '--port',
      `auth-service=${authPort}`,
      '--port',
      `order-service=${orderPort}`,
      '--out-dir',
      outDir(),
    ]);
    expect(result.exitCode).toBe(3);
    const errorLines = result.stderr.split('\n').filter((l) => l.startsWith('polytrace:'));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toBe(
      `polytrace: ports ${authPort} (auth-service), ${orderPort} (order-service) are already in use on 127.0.0.1: stop what holds them, or move polytrace with --port auth-service=<free port> --port order-service=<free port>`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('says in its first lines that it passed over a JAVA_HOME that is no JDK, and which JDK it took', async () => {
    await hold(portBases.errors + 3);
    const result = await polytrace(
      ['check', '--runtime', 'local', '--port', `notification-service=${portBases.errors + 3}`, '--out-dir', outDir()],
      { JAVA_HOME: '/nonexistent-jdk' },
    );
    expect(result.exitCode, result.all).toBe(3);
    expect(result.stderr).toMatch(
      /^polytrace ▸ java: JDK 2\d[.\d]* \(\S+\); passed over: JAVA_HOME \(\/nonexistent-jdk\) is not a JDK/m,
    );
  });

  // Port 9 on loopback: nothing listens there, so each registry's client is refused at once.
  it.each([
    [['--sdk', 'go=1.44.0'], { GOPROXY: 'http://127.0.0.1:9', GOFLAGS: '-mod=mod' }, /the Go module proxy \(GOPROXY\)/],
    [
      ['--sdk', 'python=1.42.1'],
      { PIP_INDEX_URL: 'http://127.0.0.1:9/simple', PIP_RETRIES: '0', PIP_TIMEOUT: '2' },
      /the Python package index/,
    ],
  ])('a registry it cannot reach for %j: exit 3, one line naming it', async (args, env, registry) => {
    // A cache of its own: a line resolved earlier (by another test) is answered from the cache.
    const cache = mkdtempSync(join(tmpdir(), 'polytrace-cache-'));
    const result = await polytrace(['check', '--runtime', 'local', ...args, '--out-dir', outDir()], {
      ...env,
      POLYTRACE_CACHE_DIR: cache,
    });
    expect(result.exitCode, result.all).toBe(3);
    const errorLines = result.stderr.split('\n').filter((l) => l.startsWith('polytrace:'));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(registry);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('check picks free ports of its own: a busy well-known port is not in its way', async () => {
    await hold(8081);
    const result = await polytrace(['check', '--runtime', 'local', '--requests', '1', '--out-dir', outDir()]);
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stderr).not.toMatch(/127\.0\.0\.1:8081\b/);
  }, 300_000);

  it.each([
    [['check', '--requests', 'lots'], /Expected --requests to be a whole number from 1 to 100, got "lots"/],
    [['check', '--runtime', 'vm'], /argument 'vm' is invalid/],
    [['check', '--scenario', 'nope'], /Expected --scenario to be one of happy, unauthorized/],
    [['check', '--port', 'api-gateway=99999'], /Expected a port from 1 to 65535/],
    [['chekc'], /unknown command 'chekc'/],
    [['conformance', '--runtime', 'docker'], /Expected --runtime local or auto for conformance, got docker/],
    [
      ['conformance', '--running', '--scenario', 'unauthorized'],
      /Expected only --port with --running .*, got --scenario/,
    ],
  ])('usage error %j: exit 2', async (args, message) => {
    const result = await polytrace(args);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('conformance --help offers only what conformance runs: no docker runtime, no base images', async () => {
    const result = await polytrace(['conformance', '--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/--runtime <runtime> .*\(choices: "auto", "local"\)/s);
    expect(result.stdout).not.toMatch(/docker/);
    expect(result.stdout).not.toMatch(/--base-image/);
  });

  it('lists the scenarios', async () => {
    const result = await polytrace(['scenarios']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^happy +one connected trace/m);
  });
});
