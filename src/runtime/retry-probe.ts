// The loop every readiness probe runs: try, and on failure wait (with backoff)
// and try again until it succeeds or the time is up, checking between tries
// that what is awaited is still alive.
import { backoff } from '../common/abort.js';

export interface RetryOptions {
  timeoutMs: number;
  signal: AbortSignal;
  /** Called between tries; throw from it to stop waiting (e.g. the process or container died). */
  stillAlive?: () => void | Promise<void>;
}

/** Runs `attempt` until it resolves (ready) or the time is up: then the last try's failure, in words. */
export async function retryUntilReady(
  attempt: () => Promise<void>,
  { timeoutMs, signal, stillAlive }: RetryOptions,
): Promise<{ ready: true } | { ready: false; lastError: string }> {
  const deadline = Date.now() + timeoutMs;
  const pause = backoff();
  let lastError = 'no try was made';
  while (Date.now() < deadline) {
    signal.throwIfAborted();
    await stillAlive?.();
    try {
      await attempt();
      return { ready: true };
    } catch (error) {
      signal.throwIfAborted();
      lastError = (error as Error).message;
    }
    await pause(signal);
  }
  return { ready: false, lastError };
}
