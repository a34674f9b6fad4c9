// Host ports of a run: the article's ports by default, any of them overridable
// with `--port name=number`. Keys are service names and `otel-collector.grpc`,
// `otel-collector.http`, `otel-collector.health`, `rabbitmq.amqp`,
// `rabbitmq.dist`, `rabbitmq.epmd`.
import { broker, collector, services } from './chain.js';

export type PortMap = Record<string, number>;

export function defaultPorts(): PortMap {
  return {
    ...Object.fromEntries(services.map((s) => [s.name, s.port])),
    [`${collector.name}.grpc`]: collector.ports.otlpGrpc,
    [`${collector.name}.http`]: collector.ports.otlpHttp,
    [`${collector.name}.health`]: collector.ports.health,
    [`${broker.name}.amqp`]: broker.ports.amqp,
    [`${broker.name}.dist`]: broker.ports.dist,
    [`${broker.name}.epmd`]: broker.ports.epmd,
  };
}

/**
 * The ports a run binds on 127.0.0.1: a broker's only when the run starts it (a RabbitMQ of the
 * machine's own on 5672 must not stop a run that has no use for one), and its Erlang ports
 * (distribution, epmd) only as local processes: in Docker they stay inside the container.
 */
export function portsInUse(ports: PortMap, brokers: readonly string[] = [], runtime: 'local' | 'docker'): PortMap {
  const kept = Object.entries(ports).filter(([name]) => {
    const [component, port] = name.split('.');
    if (component !== broker.name) return true;
    return brokers.includes(component) && (runtime === 'local' || port === 'amqp');
  });
  return Object.fromEntries(kept);
}

/** Applies `name=port` overrides; returns an error sentence instead of throwing so the CLI can word it. */
export function applyPortOverrides(base: PortMap, overrides: string[]): PortMap | string {
  const ports = { ...base };
  for (const override of overrides) {
    const match = /^([a-z.-]+)=(\d+)$/.exec(override);
    if (!match) return `Expected --port name=number (e.g. api-gateway=9080), got "${override}"`;
    const [, name, value] = match as unknown as [string, string, string];
    if (!(name in ports)) return `Expected --port to name one of ${Object.keys(ports).join(', ')}, got "${name}"`;
    const port = Number(value);
    if (port < 1 || port > 65535) return `Expected a port from 1 to 65535 for ${name}, got ${value}`;
    ports[name] = port;
  }
  const taken = new Map<number, string>();
  for (const [name, port] of Object.entries(ports)) {
    const other = taken.get(port);
    if (other) return `Expected distinct ports, but ${other} and ${name} both use ${port}`;
    taken.set(port, name);
  }
  return ports;
}

/** Which component a port belongs to, for messages such as "port 8081 (auth-service) is in use". */
export function portOwner(name: string): string {
  const [component, port] = name.split('.');
  return port ? `${component}, ${port}` : name;
}
