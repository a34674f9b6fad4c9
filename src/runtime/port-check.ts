// A busy port is the most common reason a chain will not start: find it
// before starting anything, and name the port and the service in one line.
import { createServer, type AddressInfo, type Server } from 'node:net';
import { EnvironmentError } from '../common/errors.js';
import { portOwner, type PortMap } from '../topology/ports.js';

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

async function busyPorts(ports: PortMap): Promise<Array<[string, number]>> {
  const results = await Promise.all(
    Object.entries(ports).map(async ([name, port]) => [name, port, await isPortFree(port)] as const),
  );
  return results.filter(([, , free]) => !free).map(([name, port]) => [name, port]);
}

/** One line naming every busy port, its component, and the --port for each. */
export function busyPortsError(busy: ReadonlyArray<readonly [string, number]>): EnvironmentError {
  const list = busy.map(([name, port]) => `${port} (${portOwner(name)})`).join(', ');
  const moves = busy.map(([name]) => `--port ${name}=<free port>`).join(' ');
  const many = busy.length > 1;
  return new EnvironmentError(
    `${many ? 'ports' : 'port'} ${list} ${many ? 'are' : 'is'} already in use on 127.0.0.1: stop what holds ${many ? 'them' : 'it'}, or move polytrace with ${moves}`,
  );
}

export async function assertPortsFree(ports: PortMap): Promise<void> {
  const busy = await busyPorts(ports);
  if (busy.length > 0) throw busyPortsError(busy);
}

/** Ports the system hands out as free on 127.0.0.1 right now, one per name (held together, so all differ). */
export async function freePorts(names: readonly string[]): Promise<PortMap> {
  const servers = await Promise.all(
    names.map(
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => resolve(server));
        }),
    ),
  );
  const ports = Object.fromEntries(names.map((name, i) => [name, (servers[i]!.address() as AddressInfo).port]));
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
