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

/** Tries until ready (undefined) or the time is up (why not, in words), calling `stillAlive` between tries. */
type Probe = (options: {
  timeoutMs: number;
  signal: AbortSignal;
  stillAlive: () => Promise<void>;
}) => Promise<string | undefined>;

class ProbeWait implements WaitStrategy {
  private timeoutMs = 60_000;
  private timeoutSet = false;

  constructor(
    private readonly probe: Probe,
    private readonly signal: AbortSignal,
  ) {}

  async waitUntilReady(container: Container): Promise<void> {
    const failure = await this.probe({
      timeoutMs: this.timeoutMs,
      signal: this.signal,
      stillAlive: () => stillRunning(container),
    });
    if (failure) throw new NotReady(failure);
  }

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

/** A service or the Collector is ready when its health endpoint answers 200. */
export const healthEndpointWait = (url: string, signal: AbortSignal): WaitStrategy =>
  new ProbeWait(
    async (options) =>
      (await waitForHealth({ url, ...options })) ? undefined : `did not answer ${url} within ${options.timeoutMs / 1000}s`,
    signal,
  );

/** A broker is ready when an AMQP connection with the run's credentials opens on its published port. */
export const amqpConnectionWait = (port: number, credentials: AmqpCredentials, signal: AbortSignal): WaitStrategy =>
  new ProbeWait(async (options) => {
    const result = await waitForAmqp({ port, credentials, ...options });
    return result.ready
      ? undefined
      : `did not open an AMQP connection on 127.0.0.1:${port} within ${options.timeoutMs / 1000}s (last try: ${result.lastError})`;
  }, signal);
