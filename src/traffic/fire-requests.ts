// Fires the requests of a run at the gateway, one after the other, so each
// request's time window holds only its own spans (and any that split off).
import type { Flow } from '../topology/types.js';
import type { ClientTracer } from './client-tracer.js';

export interface FiredRequest {
  flow: Flow;
  traceId: string;
  status?: number;
  error?: string;
  /** Epoch ms when the request started and when its answer arrived. */
  startedAt: number;
  endedAt: number;
}

function orderBody(index: number): string {
  return JSON.stringify({
    customer: `polytrace-${index + 1}`,
    items: [
      { sku: 'tea-earl-grey', quantity: 2 },
      { sku: 'mug-otel', quantity: 1 },
    ],
  });
}

export async function fireRequest(
  tracer: ClientTracer,
  gatewayUrl: string,
  flow: Flow,
  index: number,
  signal: AbortSignal,
): Promise<FiredRequest> {
  const url = `${gatewayUrl}${flow.path}`;
  const { span, headers, traceId } = tracer.startRequest(flow.method, url);
  const startedAt = Date.now();
  try {
    const response = await fetch(url, {
      method: flow.method,
      headers: {
        ...headers,
        'content-type': 'application/json',
        ...(flow.authorization ? { authorization: flow.authorization } : {}),
      },
      body: orderBody(index),
      signal: AbortSignal.any([signal, AbortSignal.timeout(30_000)]),
    });
    await response.arrayBuffer();
    tracer.finishRequest(span, response.status);
    return { flow, traceId, status: response.status, startedAt, endedAt: Date.now() };
  } catch (error) {
    signal.throwIfAborted();
    tracer.finishRequest(span, undefined, error);
    return { flow, traceId, error: String(error), startedAt, endedAt: Date.now() };
  }
}
