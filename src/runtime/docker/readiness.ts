// Readiness of a container by its HTTP health endpoint (a broker: an AMQP
// connection) on its published 127.0.0.1 port, as the local runtime checks a
// process: no shell in the container (final images may have none), and it
// honours the run's AbortSignal, which testcontainers' own wait strategies do
// not.
import type { WaitStrategy } from 'testcontainers';
import { waitForAmqp, type AmqpCredentials } from '../amqp-probe.js';
import { waitForHealth } from '../health-probe.js';

type Container = Parameters<WaitStrategy['waitUntilReady']>[0];

/** The container stopped before its health endpoint answered. */
export class ContainerExited extends Error {
  constructor(readonly how: string) {
    super(how);
  }
}

/** The health endpoint did not answer 200 in time. */
export class NotReady extends Error {}

/** Throws ContainerExited once the container has stopped: no point waiting for it then. */
async function stillRunning(container: Container): Promise<void> {
  const { State } = await container.inspect();
  if (State.Status === 'exited' || State.Status === 'dead') {
    throw new ContainerExited(State.OOMKilled ? 'was killed for lack of memory' : `exited with code ${State.ExitCode}`);
  }
}

/** The startup timeout testcontainers hands every wait strategy. */
abstract class TimedWait implements WaitStrategy {
  protected timeoutMs = 60_000;
  private timeoutSet = false;

  abstract waitUntilReady(container: Container): Promise<void>;

  withStartupTimeout(startupTimeoutMs: number): this {
    this.timeoutMs = startupTimeoutMs;
    this.timeoutSet = true;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.timeoutSet;
  }

  getStartupTimeout(): number {
    return this.timeoutMs;
  }
}

export class HealthEndpointWait extends TimedWait {
  constructor(
    private readonly url: string,
    private readonly signal: AbortSignal,
  ) {
    super();
  }

  async waitUntilReady(container: Container): Promise<void> {
    const healthy = await waitForHealth({
      url: this.url,
      timeoutMs: this.timeoutMs,
      signal: this.signal,
      stillAlive: () => stillRunning(container),
    });
    if (!healthy) throw new NotReady(`did not answer ${this.url} within ${this.timeoutMs / 1000}s`);
  }
}

/** A broker is ready when an AMQP connection with the run's credentials opens on its published port. */
export class AmqpConnectionWait extends TimedWait {
  constructor(
    private readonly port: number,
    private readonly credentials: AmqpCredentials,
    private readonly signal: AbortSignal,
  ) {
    super();
  }

  async waitUntilReady(container: Container): Promise<void> {
    const result = await waitForAmqp({
      port: this.port,
      credentials: this.credentials,
      timeoutMs: this.timeoutMs,
      signal: this.signal,
      stillAlive: () => stillRunning(container),
    });
    if (!result.opened) {
      throw new NotReady(
        `did not open an AMQP connection on 127.0.0.1:${this.port} within ${this.timeoutMs / 1000}s (last try: ${result.lastError})`,
      );
    }
  }
}
