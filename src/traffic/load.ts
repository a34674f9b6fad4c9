// The load of `polytrace bench`: many requests of one flow straight at the gateway, a fixed
// number at a time over kept-alive connections, each timed on the monotonic clock. No root span
// of polytrace's own: with an SDK off the trace is not whole anyway, and the client's cost must
// be the same in every configuration. node:http rather than fetch: on the 2-core machine the
// bench was written on, fetch spent about 1.8 ms of CPU per request in the client, node:http
// 0.85 ms, and the client shares the cores with the chain it measures.
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Flow } from '../topology/types.js';
import { orderBody } from './fire-requests.js';

export interface LoadOptions {
  gatewayUrl: string;
  flow: Flow;
  requests: number;
  /** Requests in flight at once, each on its own kept-alive connection. */
  concurrency: number;
  /** Epoch ms after which no request starts; the result then says how many did. */
  deadline: number;
  /** One request waits at most this long for its answer. */
  requestTimeoutMs: number;
}

export interface LoadResult {
  /** End-to-end latency of each request answered with the flow's expected status, in ms. */
  latenciesMs: number[];
  /** Requests sent (fewer than asked when the deadline passed). */
  sent: number;
  /** Requests answered otherwise, or not at all. */
  failed: number;
  /** The first failure, in words. */
  firstFailure?: string;
  /** From the first request's start to the last answer. */
  durationMs: number;
  /** CPU time polytrace itself spent meanwhile (the client, and whatever else it did). */
  clientCpuSeconds: number;
}

/**
 * A sampled traceparent of its own for each request, so every configuration sends the same
 * headers; the services' spans then hang off a parent nobody exports, which bench never verifies.
 */
const traceparent = () => `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;

/** One request: its status, once the whole answer has been read. */
function send(
  { url, flow, body, agent }: { url: string; flow: Flow; body: string; agent: Agent },
  signal: AbortSignal,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: flow.method,
        agent,
        signal,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          traceparent: traceparent(),
          ...(flow.authorization ? { authorization: flow.authorization } : {}),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

export async function fireLoad(options: LoadOptions, signal: AbortSignal): Promise<LoadResult> {
  const { flow } = options;
  const url = `${options.gatewayUrl}${flow.path}`;
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latenciesMs: number[] = [];
  let next = 0;
  let failed = 0;
  let firstFailure: string | undefined;

  const worker = async () => {
    while (next < options.requests && Date.now() < options.deadline) {
      signal.throwIfAborted();
      const index = next++;
      const started = performance.now();
      try {
        const timeout = AbortSignal.any([signal, AbortSignal.timeout(options.requestTimeoutMs)]);
        const status = await send({ url, flow, body: orderBody(index), agent }, timeout);
        if (status === flow.expectedStatus) {
          latenciesMs.push(performance.now() - started);
          continue;
        }
        firstFailure ??= `HTTP ${status} (expected ${flow.expectedStatus})`;
      } catch (error) {
        signal.throwIfAborted();
        firstFailure ??= String(error);
      }
      failed += 1;
    }
  };

  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, options.requests) }, worker));
  } finally {
    agent.destroy();
  }
  const { user, system } = process.cpuUsage(cpu);
  return {
    latenciesMs,
    sent: next,
    failed,
    ...(firstFailure ? { firstFailure } : {}),
    durationMs: performance.now() - started,
    clientCpuSeconds: (user + system) / 1e6,
  };
}
