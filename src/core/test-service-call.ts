// One POST to a service's /w3c/test, the test-service endpoint of the W3C
// Trace Context test suite: it sends the given header fields, asks the service
// to call polytrace's callback server, and returns the header fields each call
// back carried. `conformance` and the directions probe both speak through it.
import type { StepOutcome } from '../conformance/judge.js';
import type { HeaderField } from '../common/trace-context.js';
import { EnvironmentError } from '../common/errors.js';
import type { CallbackServer } from '../traffic/callback-server.js';
import { postHeaderFields } from '../traffic/post-header-fields.js';

/** The suite's harness gives a test 5 s; a service's own calls back time out at 5 s. */
const callTimeoutMs = 10_000;

/** Where the probe hears the services call back, and what cancels it. */
export interface ProbeContext {
  callbacks: CallbackServer;
  signal: AbortSignal;
}

/** What to send one endpoint: these header fields, asking for this many calls back, recorded under `key`. */
export interface TestServiceCall {
  endpoint: string;
  send: readonly HeaderField[];
  calls: number;
  key: string;
}

/** The endpoints send requests wherever they are told: polytrace talks to them on loopback only. */
export function requireLoopback(endpoints: Record<string, string>): void {
  for (const [name, endpoint] of Object.entries(endpoints)) {
    if (new URL(endpoint).hostname !== '127.0.0.1') {
      throw new EnvironmentError(`Expected ${name} on 127.0.0.1, got ${endpoint}`);
    }
  }
}

/** One POST /w3c/test asking for `calls` calls back, and the header fields each call carried. */
export async function callTestService(
  { endpoint, send, calls, key }: TestServiceCall,
  { callbacks, signal }: ProbeContext,
): Promise<StepOutcome> {
  const keys = Array.from({ length: calls }, (_, i) => `${key}.${i}`);
  // The suite's request body: one {url, arguments} per call, the arguments empty.
  const body = JSON.stringify(keys.map((k) => ({ url: callbacks.url(k), arguments: [] })));
  let answer: { status?: number; error?: string };
  try {
    const { status } = await postHeaderFields(
      { url: endpoint, fields: send, body },
      AbortSignal.any([signal, AbortSignal.timeout(callTimeoutMs)]),
    );
    answer = { status };
  } catch (error) {
    signal.throwIfAborted();
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${callTimeoutMs / 1000} s`
        : String((error as Error).message ?? error);
    answer = { error: reason };
  }
  // The service answers only after its calls finished, so every call that came is recorded by now.
  return { ...answer, calls: keys.map((k) => callbacks.take(k)) };
}
