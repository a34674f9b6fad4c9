// Small helpers so every wait honours the one AbortSignal of a run.
import { setTimeout as sleepTimer } from 'node:timers/promises';

export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  await sleepTimer(ms, undefined, signal ? { signal } : undefined);
}

/**
 * Waits between the tries of a readiness probe: a few milliseconds at first (a component that is
 * nearly up is seen at once), doubling up to `maxMs` (one that takes seconds is not hammered).
 */
export function backoff(firstMs = 5, maxMs = 100): (signal?: AbortSignal) => Promise<void> {
  let next = firstMs;
  return async (signal) => {
    const wait = next;
    next = Math.min(next * 2, maxMs);
    await sleep(wait, signal);
  };
}

/**
 * Runs the tasks side by side. The first failure aborts the others (through the signal each
 * gets) and, once every task has settled, is thrown: nothing is still starting when the caller
 * tears down, and the error shown is the cause, not an abort it led to.
 */
export async function allOrFirstError(
  signal: AbortSignal,
  tasks: ReadonlyArray<(signal: AbortSignal) => Promise<unknown>>,
): Promise<void> {
  const failed = new AbortController();
  const either = AbortSignal.any([signal, failed.signal]);
  let first: { error: unknown } | undefined;
  await Promise.allSettled(
    tasks.map((task) =>
      task(either).catch((error: unknown) => {
        first ??= { error };
        failed.abort();
      }),
    ),
  );
  if (first) throw first.error;
}
