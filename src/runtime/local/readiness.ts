// Waits for a started process to answer its health URL (a broker: to open an
// AMQP connection). When it dies first, or
// never answers, the error says so in one line and carries the tail of its log:
// that is where the reason is (a crash, a missing dependency, a bad setting).
// An answer counts only from the process this run started: where another run
// or program holds the port, the answer is theirs, and the start has failed.
import { EnvironmentError } from '../../common/errors.js';
import { waitForAmqp, type AmqpCredentials } from '../amqp-probe.js';
import { waitForHealth } from '../health-probe.js';
import { logTail } from '../../common/log-tail.js';
import type { ManagedProcess } from './managed-process.js';
import { listenerInGroup } from './port-owner.js';

class Died extends Error {}

/**
 * Runs a probe that calls `stillAlive` between tries; a child that dies meanwhile ends it with one
 * line and the tail of its log.
 */
async function whileAlive<T>(child: ManagedProcess, probe: (stillAlive: () => void) => Promise<T>): Promise<T> {
  const { name, logPath } = child.spec;
  return probe(() => {
    if (child.exited) throw new Died(`${name} ${child.describeExit()} before it was ready (log: ${logPath})`);
  }).catch(async (error: unknown) => {
    if (error instanceof Died)
      throw new EnvironmentError(error.message, { detail: await logTail(logPath), cause: error });
    throw error;
  });
}

export async function awaitReady({
  child,
  healthUrl,
  timeoutSeconds,
  signal,
}: {
  child: ManagedProcess;
  healthUrl: string;
  timeoutSeconds: number;
  signal: AbortSignal;
}): Promise<void> {
  const { name, logPath } = child.spec;
  const healthy = await whileAlive(child, (stillAlive) =>
    waitForHealth({ url: healthUrl, timeoutMs: timeoutSeconds * 1000, signal, stillAlive }),
  );
  if (!healthy) {
    throw new EnvironmentError(`${name} did not answer ${healthUrl} within ${timeoutSeconds}s`, {
      detail: await logTail(logPath),
    });
  }
  const port = Number(new URL(healthUrl).port);
  const ours = child.pid ? await listenerInGroup(port, child.pid) : undefined;
  if (child.exited || ours === false) {
    throw new EnvironmentError(
      `${name}: 127.0.0.1:${port} answered, but not from the process this run started (${child.exited ? child.describeExit() : 'another process listens there'}): another run or program holds the port; move it with --port`,
      { detail: await logTail(logPath) },
    );
  }
}

/**
 * Waits for a broker the run started to open an AMQP connection with the run's credentials. A
 * broker of someone else's on the port does not know them, so an open connection is this run's.
 */
export async function awaitAmqpReady({
  child,
  port,
  credentials,
  timeoutSeconds,
  signal,
}: {
  child: ManagedProcess;
  port: number;
  credentials: AmqpCredentials;
  timeoutSeconds: number;
  signal: AbortSignal;
}): Promise<void> {
  const result = await whileAlive(child, (stillAlive) =>
    waitForAmqp({ port, credentials, timeoutMs: timeoutSeconds * 1000, signal, stillAlive }),
  );
  if (!result.ready) {
    throw new EnvironmentError(
      `${child.spec.name} did not open an AMQP connection on 127.0.0.1:${port} within ${timeoutSeconds}s (last try: ${result.lastError})`,
      { detail: await logTail(child.spec.logPath) },
    );
  }
}
