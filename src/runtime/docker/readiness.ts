// Readiness of a container by its HTTP health endpoint on its published
// 127.0.0.1 port, as the local runtime checks a process: no shell in the
// container (final images may have none), and it honours the run's
// AbortSignal, which testcontainers' own wait strategies do not.
import type { WaitStrategy } from 'testcontainers';
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

export class HealthEndpointWait implements WaitStrategy {
  private timeoutMs = 60_000;
  private timeoutSet = false;

  constructor(
    private readonly url: string,
    private readonly signal: AbortSignal,
  ) {}

  async waitUntilReady(container: Container): Promise<void> {
    const healthy = await waitForHealth({
      url: this.url,
      timeoutMs: this.timeoutMs,
      signal: this.signal,
      stillAlive: async () => {
        const { State } = await container.inspect();
        if (State.Status === 'exited' || State.Status === 'dead') {
          throw new ContainerExited(State.OOMKilled ? 'was killed for lack of memory' : `exited with code ${State.ExitCode}`);
        }
      },
    });
    if (!healthy) throw new NotReady(`did not answer ${this.url} within ${this.timeoutMs / 1000}s`);
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
