// Small helpers so every wait honours the one AbortSignal of a run.
import { setTimeout as sleepTimer } from 'node:timers/promises';

export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  await sleepTimer(ms, undefined, signal ? { signal } : undefined);
}
