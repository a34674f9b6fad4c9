// Readiness by HTTP: a component is ready when its health URL answers 200.
import { backoff } from '../common/abort.js';

export interface WaitForHealthOptions {
  url: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** Called between tries; throw from it to stop waiting (e.g. the process or container died). */
  stillAlive?: () => void | Promise<void>;
}

export async function waitForHealth({ url, timeoutMs, signal, stillAlive }: WaitForHealthOptions): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const pause = backoff();
  while (Date.now() < deadline) {
    signal.throwIfAborted();
    await stillAlive?.();
    try {
      const response = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(2000)]) });
      await response.body?.cancel();
      if (response.ok) return true;
    } catch {
      signal.throwIfAborted();
    }
    await pause(signal);
  }
  return false;
}
