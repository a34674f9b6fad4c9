// A trace polytrace did not start: a request a person sent by hand while `up`
// runs. It is verified with the same checks as polytrace's own, except that it
// starts at the entry service, under the caller's own span when the caller
// sent a traceparent.
import type { Span } from '../intake/span.js';
import { client, entryService, flows } from '../topology/chain.js';
import { serviceOf } from './diagnose.js';
import type { OtelSettings } from '../topology/environment.js';
import type { Flow } from '../topology/types.js';
import type { TraceResult } from './result.js';
import { TraceTree } from './trace-tree.js';
import { verifyTrace } from './verify-trace.js';

/**
 * The flow a request belongs to, told by what it carried, never by the answer it got (an answer
 * is what the verdict judges: a request with a good token that came back 401 failed, it did not
 * turn into the unauthorized flow). The token shows in auth-service's token.validate span (its
 * type, and whether it was valid); an order whose email failed at the provider took the
 * failed-order path. When auth-service never looked at the token, the request is taken for an
 * order, the flow every request with a token takes.
 */
export function flowCarried(spans: readonly Span[]): Flow {
  const validate = spans.find((s) => serviceOf(s) === 'auth-service' && s.name === 'token.validate');
  const tokenType = validate?.attributes['auth.token_type'];
  if (validate && (tokenType === 'none' || validate.attributes['auth.valid'] === false)) return flows.unauthorized;
  const emailFailed = spans.some(
    (s) => serviceOf(s) === 'notification-service' && s.name === 'email.send' && s.status.code === 'ERROR',
  );
  return emailFailed ? flows['failed-order'] : flows.order;
}

/** The flow a caller's request took; the calls from polytrace are not part of it. */
function callerFlow(spans: readonly Span[]): Flow {
  const flow = flowCarried(spans);
  return { ...flow, edges: flow.edges.filter((e) => e.from !== client.name) };
}

export function verifyCallerTrace(spans: Span[], otelSettings?: OtelSettings): TraceResult {
  const tree = new TraceTree(spans);
  const entry = spans.find((s) => s.service === entryService && s.kind === 'SERVER' && !tree.parentOf(s));
  const code = Number(entry?.attributes['http.response.status_code']);
  const status = Number.isInteger(code) && code > 0 ? code : undefined;
  const result = verifyTrace({
    flow: callerFlow(spans),
    traceId: spans[0]?.traceId ?? '',
    spans,
    strays: [],
    sentByCaller: true,
    ...(status !== undefined ? { status } : {}),
    ...(otelSettings ? { otelSettings } : {}),
  });
  return { ...result, caller: entry?.parentSpanId ? { parentSpanId: entry.parentSpanId } : {} };
}
