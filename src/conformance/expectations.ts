// What a service's calls must show after a probe step, as small checks the
// case catalogue combines. Each returns undefined when the calls show it, or
// an error sentence ("expected …, got …") when they do not.
import { isSampled, type Traceparent, type TracestateMember } from '../common/trace-context.js';

/** The trace context one call of the service carried, parsed. */
export interface SentContext {
  traceparent: Traceparent;
  tracestate: TracestateMember[];
}

export type Expectation = (sent: readonly SentContext[]) => string | undefined;

/** All of these, the first unmet one reported. */
export const all =
  (...expectations: Expectation[]): Expectation =>
  (sent) => {
    for (const expectation of expectations) {
      const failure = expectation(sent);
      if (failure) return failure;
    }
    return undefined;
  };

const eachCall =
  (check: (context: SentContext) => string | undefined): Expectation =>
  (sent) => {
    for (const [i, context] of sent.entries()) {
      const failure = check(context);
      if (failure) return sent.length > 1 ? `call ${i + 1} of ${sent.length}: ${failure}` : failure;
    }
    return undefined;
  };

/** The incoming traceparent was used: same trace-id, a new parent-id for the service's own call (3.4). */
export function continues(traceId: string, incomingParentId: string, options: { sampled?: boolean } = {}): Expectation {
  return eachCall(({ traceparent }) => {
    if (traceparent.traceId !== traceId) {
      return `expected the trace to continue with trace-id ${traceId}, got ${traceparent.traceId} (a new trace)`;
    }
    if (traceparent.parentId === incomingParentId) {
      return `expected a new parent-id (the service's own span), got the incoming ${incomingParentId} back`;
    }
    if (options.sampled !== undefined && isSampled(traceparent) !== options.sampled) {
      return `expected the sampled flag ${options.sampled ? 'set' : 'unset'} as it came in, got flags ${traceparent.flags.toString(16).padStart(2, '0')}`;
    }
    return undefined;
  });
}

/** The incoming traceparent was ignored: the trace restarted with a trace-id of its own. */
export function restarts(...incomingTraceIds: string[]): Expectation {
  return eachCall(({ traceparent }) =>
    incomingTraceIds.includes(traceparent.traceId)
      ? `expected the trace to restart with a new trace-id, got the incoming ${traceparent.traceId}`
      : undefined,
  );
}

const show = (tracestate: readonly TracestateMember[]) =>
  tracestate.length === 0 ? 'no tracestate' : `tracestate "${tracestate.map((m) => `${m.key}=${m.value}`).join(',')}"`;

/** Each of these list-members arrived with its value. */
export function carries(...members: Array<[key: string, value: string]>): Expectation {
  return eachCall(({ tracestate }) => {
    const missing = members.filter(([key, value]) => !tracestate.some((m) => m.key === key && m.value === value));
    return missing.length === 0
      ? undefined
      : `expected ${missing.map(([k, v]) => `${k}=${v}`).join(', ')} in the tracestate, got ${show(tracestate)}`;
  });
}

/** None of these keys arrived. */
export function drops(...keys: string[]): Expectation {
  return eachCall(({ tracestate }) => {
    const kept = tracestate.filter((m) => keys.includes(m.key));
    return kept.length === 0 ? undefined : `expected ${keys.join(', ')} not to be passed on, got ${show(tracestate)}`;
  });
}

/** These keys arrived in this order (other members may sit between them). */
export function ordered(...keys: string[]): Expectation {
  return eachCall(({ tracestate }) => {
    const order = tracestate.map((m) => m.key).filter((key) => keys.includes(key));
    return order.join(',') === keys.join(',')
      ? undefined
      : `expected the members in the order ${keys.join(', ')}, got ${show(tracestate)}`;
  });
}

/** Every call has a parent-id of its own: each outgoing request is its own span (3.4). */
export const distinctParents: Expectation = (sent) => {
  const parents = new Set(sent.map((s) => s.traceparent.parentId));
  return parents.size === sent.length
    ? undefined
    : `expected ${sent.length} different parent-ids, one per call, got ${parents.size}: ${[...parents].join(', ')}`;
};

/** Nothing more than a valid traceparent on every call (checked before any expectation). */
export const validContext: Expectation = () => undefined;
