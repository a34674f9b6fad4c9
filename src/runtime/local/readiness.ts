// Waits for a started process to answer its health URL. When it dies first, or
// never answers, the error says so in one line and carries the tail of its log:
// that is where the reason is (a crash, a missing dependency, a bad setting).
import { EnvironmentError } from '../../common/errors.js';
import { waitForHealth } from '../health-probe.js';
import { logTail } from '../../common/log-tail.js';
import type { ManagedProcess } from './managed-process.js';

class Died extends Error {}

export async function awaitReady(
  child: ManagedProcess,
  healthUrl: string,
  timeoutSeconds: number,
  signal: AbortSignal,
): Promise<void> {
  const { name, logPath } = child.spec;
  const healthy = await waitForHealth({
    url: healthUrl,
    timeoutMs: timeoutSeconds * 1000,
    signal,
    stillAlive: () => {
      if (child.exited) throw new Died(`${name} ${child.describeExit()} before it was ready (log: ${logPath})`);
    },
  }).catch(async (error: unknown) => {
    if (error instanceof Died) throw new EnvironmentError(error.message, await logTail(logPath));
    throw error;
  });
  if (!healthy) {
    throw new EnvironmentError(`${name} did not answer ${healthUrl} within ${timeoutSeconds}s`, await logTail(logPath));
  }
}
