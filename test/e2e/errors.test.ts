// End-to-end: bad input gets one clear line and the documented exit code, never a stack trace.
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { outDir, polytrace } from './run-cli.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe('polytrace errors', () => {
  it('a busy port: one line naming the port and the service, exit 3', async () => {
    server = createServer();
    await new Promise<void>((resolve) => server!.listen(8081, '127.0.0.1', resolve));
    const result = await polytrace(['check', '--runtime', 'local', '--out-dir', outDir()]);
    expect(result.exitCode).toBe(3);
    const errorLines = result.stderr.split('\n').filter((l) => l.startsWith('polytrace:'));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(
      /^polytrace: ports? (.*, )?8081 \(auth-service\).* already in use on 127\.0\.0\.1: stop what holds (it|them), or move polytrace with --port [a-z.-]+=<free port>$/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

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

  it('lists the scenarios', async () => {
    const result = await polytrace(['scenarios']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^happy +one connected trace/m);
  });
});
