// Readiness by HTTP: a component is ready when its health URL answers 200.
import { retryUntilReady, type RetryOptions } from './retry-probe.js';

export interface WaitForHealthOptions extends RetryOptions {
  url: string;
}

export async function waitForHealth({ url, ...options }: WaitForHealthOptions): Promise<boolean> {
  const result = await retryUntilReady(async () => {
    const response = await fetch(url, { signal: AbortSignal.any([options.signal, AbortSignal.timeout(2000)]) });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
  }, options);
  return result.ready;
}
