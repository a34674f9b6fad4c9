// A command in a network namespace with nothing but loopback, reaching only the ports the Docker
// engine publishes on the host's 127.0.0.1 for the chain. The engine stays outside the namespace
// (its unix socket is a file, reached as before); each published port is relayed over a unix
// socket: outside, this process listens on <dir>/<port>.sock and connects to 127.0.0.1:<port>;
// inside, a small Node program listens on 127.0.0.1:<port> and connects to that socket. The inside
// listens only once the port answers outside, that is once the chain is up, since the CLI checks
// that its ports are free before it starts anything. Nothing else crosses: no route, no DNS, no
// registry.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withNoNetwork } from './no-network.js';

/** How long the outside waits for a port to be published: the chain's start, bounded. */
const publishDeadlineMs = 15 * 60_000;
const pollMs = 250;

const splice = (a: Socket, b: Socket) => {
  a.pipe(b);
  b.pipe(a);
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
  a.on('close', () => b.destroy());
  b.on('close', () => a.destroy());
};

/**
 * The inside: runs the command given after `--` as its child, relays each port once its `.ready`
 * file appears, and exits with the child's code, so the namespace ends with the command.
 */
const inside = `
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
const [dir, portList, ...command] = process.argv.slice(1);
const servers = [];
const timers = [];
const started = Date.now();
for (const port of portList.split(',').map(Number)) {
  const timer = setInterval(() => {
    if (Date.now() - started > ${publishDeadlineMs}) return clearInterval(timer);
    if (!existsSync(dir + '/' + port + '.ready')) return;
    clearInterval(timer);
    const server = createServer((socket) => {
      const up = connect(dir + '/' + port + '.sock');
      socket.pipe(up); up.pipe(socket);
      for (const [a, b] of [[socket, up], [up, socket]]) { a.on('error', () => b.destroy()); a.on('close', () => b.destroy()); }
    });
    server.listen(port, '127.0.0.1');
    servers.push(server);
  }, ${pollMs});
  timers.push(timer);
}
const child = spawn(command[0], command.slice(1), { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  for (const timer of timers) clearInterval(timer);
  for (const server of servers) server.close();
  process.exit(code ?? (signal ? 128 : 1));
});
`;

export class PortRelay {
  readonly dir = mkdtempSync(join(tmpdir(), 'polytrace-relay-'));
  private readonly servers: Server[] = [];
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(private readonly ports: number[]) {}

  /** Starts the outside: a unix socket per port, and a watch for each port being published. */
  async start(): Promise<void> {
    const started = Date.now();
    for (const port of this.ports) {
      const server = createServer((socket) => splice(socket, connect(port, '127.0.0.1')));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(join(this.dir, `${port}.sock`), resolve);
      });
      this.servers.push(server);
      let probing = false;
      const timer = setInterval(() => {
        if (Date.now() - started > publishDeadlineMs) return clearInterval(timer);
        if (probing) return;
        probing = true;
        const probe = connect(port, '127.0.0.1');
        probe.once('connect', () => {
          clearInterval(timer);
          writeFileSync(join(this.dir, `${port}.ready`), '');
          probe.destroy();
        });
        probe.once('error', () => {
          probing = false;
        });
      }, pollMs);
      this.timers.push(timer);
    }
  }

  /** The command, wrapped: a fresh namespace with loopback up and no other link, and the inside relay. */
  wrap(command: string[]): string[] {
    return withNoNetwork([
      process.execPath,
      '--input-type=module',
      '-e',
      inside,
      this.dir,
      this.ports.join(','),
      ...command,
    ]);
  }

  /** The ports that were published and relayed. */
  relayed(): number[] {
    return this.ports.filter((port) => existsSync(join(this.dir, `${port}.ready`)));
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await Promise.all(this.servers.map((s) => new Promise((resolve) => s.close(resolve))));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
