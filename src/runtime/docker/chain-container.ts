// A container of the chain: testcontainers' GenericContainer with the few
// things polytrace needs that its builder methods do not offer. Ports are
// published on 127.0.0.1 only (withExposedPorts binds every interface), and
// the container joins one network under its hostname without also landing
// on the default bridge (withNetworkAliases connects it after creating it there).
import { GenericContainer } from 'testcontainers';

export interface PortMapping {
  /** Port inside the container. */
  container: number;
  /** Port on 127.0.0.1. */
  host: number;
}

export class ChainContainer extends GenericContainer {
  private created?: (containerId: string) => void;
  private running?: () => void;

  withLoopbackPorts(ports: PortMapping[]): this {
    for (const { container, host } of ports) {
      this.exposedPorts.push({ container, host });
      this.createOpts.ExposedPorts = { ...this.createOpts.ExposedPorts, [`${container}/tcp`]: {} };
      this.hostConfig.PortBindings = {
        ...this.hostConfig.PortBindings,
        [`${container}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(host) }],
      };
    }
    return this;
  }

  withNetworkHostname(network: string, hostname: string): this {
    this.withNetworkMode(network).withHostname(hostname);
    this.createOpts.NetworkingConfig = { EndpointsConfig: { [network]: { Aliases: [hostname] } } };
    return this;
  }

  /** Learns the container's ID as soon as it exists, so teardown can remove it even if start fails midway. */
  onCreated(callback: (containerId: string) => void): this {
    this.created = callback;
    return this;
  }

  /** Learns when the container runs (before it is ready): its process has started. */
  onRunning(callback: () => void): this {
    this.running = callback;
    return this;
  }

  protected override async containerStarting(): Promise<void> {
    this.running?.();
  }

  protected override async containerCreated(containerId: string): Promise<void> {
    this.created?.(containerId);
  }
}
