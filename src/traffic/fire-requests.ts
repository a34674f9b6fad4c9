// Fires the requests of a run at the gateway, one after the other, each with
// polytrace's own traceparent and a request id the services forward.
import { requestIdHeader } from '../topology/chain.js';
import type { Flow } from '../topology/types.js';
import type { ClientTracer } from './client-tracer.js';

export interface FiredRequest {
  flow: Flow;
  traceId: string;
  /** Sent as X-Request-Id; spans that split off into another trace carry it too. */
  requestId: string;
  status?: number;
  error?: string;
  /** Epoch ms when the request started and when its answer arrived. */
  startedAt: number;
  endedAt: number;
}

/** The order of request `index`: two items, a customer named after the request. */
export function orderBody(index: number): string {
  return JSON.stringify({
    customer: `polytrace-${index + 1}`,
    items: [
      { sku: 'tea-earl-grey', quantity: 2 },
      { sku: 'mug-otel', quantity: 1 },
    ],
  });
}

/** Which request to send, where: the run's `index`-th request (from 0) of the flow. */
interface RequestToFire {
  gatewayUrl: string;
  flow: Flow;
  index: number;
  runId: string;
}

export async function fireRequest(
  tracer: ClientTracer,
  { gatewayUrl, flow, index, runId }: RequestToFire,
  signal: AbortSignal,
): Promise<FiredRequest> {
  const requestId = `${runId}-${index + 1}`;
  const url = `${gatewayUrl}${flow.path}`;
  const { span, headers, traceId } = tracer.startRequest(flow.method, url, { flow: flow.name, requestId });
  const startedAt = Date.now();
  try {
    const response = await fetch(url, {
      method: flow.method,
      headers: {
        ...headers,
        [requestIdHeader.name]: requestId,
        'content-type': 'application/json',
        ...(flow.authorization ? { authorization: flow.authorization } : {}),
      },
      body: orderBody(index),
      signal: AbortSignal.any([signal, AbortSignal.timeout(30_000)]),
    });
    await response.arrayBuffer();
    tracer.finishRequest(span, response.status);
    return { flow, traceId, requestId, status: response.status, startedAt, endedAt: Date.now() };
  } catch (error) {
    signal.throwIfAborted();
    tracer.finishRequest(span, undefined, error);
    return { flow, traceId, requestId, error: String(error), startedAt, endedAt: Date.now() };
  }
}
