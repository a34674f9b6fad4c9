// A busy port is the most common reason a chain will not start: find it
// before starting anything, and name the port and the service in one line.
import { createServer } from 'node:net';
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

export async function assertPortsFree(ports: PortMap): Promise<void> {
  const busy = await busyPorts(ports);
  if (busy.length === 0) return;
  const list = busy.map(([name, port]) => `${port} (${portOwner(name)})`).join(', ');
  throw new EnvironmentError(
    `${busy.length > 1 ? 'ports' : 'port'} ${list} ${busy.length > 1 ? 'are' : 'is'} already in use on 127.0.0.1: stop what holds ${busy.length > 1 ? 'them' : 'it'}, or move polytrace with --port ${busy[0]![0]}=<free port>`,
  );
}
