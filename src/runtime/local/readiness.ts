// Waits for a started process to answer its health URL (a broker: to open an
// AMQP connection). When it dies first, or
// never answers, the error says so in one line and carries the tail of its log:
// that is where the reason is (a crash, a missing dependency, a bad setting).
// An answer counts only from the process this run started: where another run
// or program holds the port, the answer is theirs, and the start has failed.
import { EnvironmentError } from '../../common/errors.js';
import { waitForAmqp, type AmqpCredentials } from '../amqp-probe.js';
import { waitForHealth } from '../health-probe.js';
import { retryUntilReady } from '../retry-probe.js';
import { logTail } from '../../common/log-tail.js';
import type { ManagedProcess } from './managed-process.js';
import { canProveOwner, listenerInGroup, portListener } from './port-owner.js';

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
 * Waits until the broker the run started listens on its AMQP port itself (its process group holds
 * the socket, read from /proc), and only then logs in with the run's credentials: a process that
 * bound the port first, in the moment between the broker's spawn and its bind, is refused before
 * it is sent the password, and is never taken for the broker.
 */
async function awaitOwnListener(
  { child, port, signal }: { child: ManagedProcess; port: number; signal: AbortSignal },
  timeoutMs: number,
): Promise<void> {
  if (!child.pid || !(await canProveOwner())) {
    throw new EnvironmentError(
      `${child.spec.name}: cannot prove that 127.0.0.1:${port} is the broker this run started (no /proc here), so its password is sent nowhere: use --runtime docker`,
    );
  }
  const group = child.pid;
  let theirs = false;
  const result = await whileAlive(child, (stillAlive) =>
    retryUntilReady(
      async () => {
        const owner = await portListener(port, group);
        theirs = owner === 'theirs';
        if (owner !== 'ours') throw new Error(theirs ? 'another process listens there' : 'nothing listens there yet');
      },
      {
        timeoutMs,
        signal,
        // Checked between tries, outside the retry: no later try changes who holds the port.
        stillAlive: () => {
          if (theirs) throw new PortTaken();
          stillAlive();
        },
      },
    ).catch((error: unknown) => {
      if (error instanceof PortTaken) return { ready: false as const, lastError: 'another process listens there' };
      throw error;
    }),
  );
  if (result.ready) return;
  throw new EnvironmentError(
    theirs
      ? `${child.spec.name}: another process listens on 127.0.0.1:${port}, not the broker this run started; the broker's password was not sent there: stop what holds it, or move it with --port`
      : `${child.spec.name} did not listen on 127.0.0.1:${port} within ${timeoutMs / 1000}s (last try: ${result.lastError})`,
    { detail: await logTail(child.spec.logPath) },
  );
}

/** Another process holds the port: no retry changes that. */
class PortTaken extends Error {}

/**
 * Waits for a broker the run started to open an AMQP connection with the run's credentials, once
 * its own process listens on the port (awaitOwnListener).
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
  const started = Date.now();
  await awaitOwnListener({ child, port, signal }, timeoutSeconds * 1000);
  const timeoutMs = Math.max(1000, timeoutSeconds * 1000 - (Date.now() - started));
  const result = await whileAlive(child, (stillAlive) =>
    waitForAmqp({ port, credentials, timeoutMs, signal, stillAlive }),
  );
  if (!result.ready) {
    throw new EnvironmentError(
      `${child.spec.name} did not open an AMQP connection on 127.0.0.1:${port} within ${timeoutSeconds}s (last try: ${result.lastError})`,
      { detail: await logTail(child.spec.logPath) },
    );
  }
}
