// A trace polytrace did not start: a request a person sent by hand while `up`
// runs. It is verified with the same checks as polytrace's own, except that it
// starts at the entry service, under the caller's own span when the caller
// sent a traceparent.
import type { Span } from '../intake/span.js';
import { client, entryService, flows } from '../topology/chain.js';
import type { OtelSettings } from '../topology/environment.js';
import type { Flow } from '../topology/types.js';
import type { TraceResult } from './result.js';
import { TraceTree } from './trace-tree.js';
import { verifyTrace } from './verify-trace.js';

/** The flow a caller's request took, told by the entry service's answer; the calls from polytrace are not part of it. */
function flowOf(status: number | undefined): Flow {
  const flow = Object.values(flows).find((f) => f.expectedStatus === status) ?? flows.order;
  return { ...flow, edges: flow.edges.filter((e) => e.from !== client.name) };
}

export function verifyCallerTrace(spans: Span[], otelSettings?: OtelSettings): TraceResult {
  const tree = new TraceTree(spans);
  const entry = spans.find((s) => s.service === entryService && s.kind === 'SERVER' && !tree.parentOf(s));
  const code = Number(entry?.attributes['http.response.status_code']);
  const status = Number.isInteger(code) && code > 0 ? code : undefined;
  const result = verifyTrace({
    flow: flowOf(status),
    traceId: spans[0]?.traceId ?? '',
    spans,
    strays: [],
    sentByCaller: true,
    ...(status !== undefined ? { status } : {}),
    ...(otelSettings ? { otelSettings } : {}),
  });
  return { ...result, caller: entry?.parentSpanId ? { parentSpanId: entry.parentSpanId } : {} };
}
