// The probe behind a run's directions: on a chain whose test-service
// endpoints are on, capture the traceparent each SDK emits (for a trace it
// starts, and for a child of a sampled parent), then hand each header to every
// other SDK and record the call that SDK makes next. Judging is pure, in
// verify/directions.ts; this only gathers the header fields.
import { randomBytes } from 'node:crypto';
import type { HandedHeader } from '../verify/directions.js';
import { fieldValues, type HeaderField } from '../common/trace-context.js';
import { EnvironmentError } from '../common/errors.js';
import { services } from '../topology/chain.js';
import { startCallbackServer } from '../traffic/callback-server.js';
import type { EmittedAs } from '../verify/direction.js';
import { callTestService, requireLoopback, type ProbeContext } from './test-service-call.js';

/** A header each service emitted, by service: the trace-context fields of its call back. */
type Emitted = Map<string, Record<EmittedAs, readonly HeaderField[]>>;

/** The fields a trace's context travels in; the rest of a call (host, length) says nothing about it. */
const contextFields = (fields: readonly HeaderField[]) =>
  fields.filter(([name]) => ['traceparent', 'tracestate'].includes(name.toLowerCase()));

/** A valid sampled parent of polytrace's own making, new for each run: `00-<trace>-<span>-01`. */
const sampledParent = (): HeaderField => [
  'traceparent',
  `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
];

async function captureEmitted(endpoints: Record<string, string>, probe: ProbeContext): Promise<Emitted> {
  const emitted: Emitted = new Map();
  for (const service of services) {
    const endpoint = endpoints[service.name]!;
    const headers = {} as Record<EmittedAs, readonly HeaderField[]>;
    for (const [emittedAs, send] of [
      ['root', []],
      ['child', [sampledParent()]],
    ] as const) {
      const outcome = await callTestService(
        { endpoint, send, calls: 1, key: `emit.${service.name}.${emittedAs}` },
        probe,
      );
      const fields = outcome.calls[0];
      if (!fields || fieldValues(fields, 'traceparent').length === 0) {
        const got =
          outcome.error ??
          (outcome.status !== 200 ? `HTTP ${outcome.status}` : fields ? 'a call without a traceparent' : 'no call');
        throw new EnvironmentError(
          `Expected ${service.name} to answer POST ${endpoint} and call polytrace back with a traceparent, got ${got}`,
        );
      }
      headers[emittedAs] = contextFields(fields);
    }
    emitted.set(service.name, headers);
  }
  return emitted;
}

/**
 * Every ordered pair of the chain's services, each header the sender emitted handed to the
 * receiver's endpoint, with the call the receiver made next. Sequential and bounded: 8 captures
 * and 24 hand-overs, each within the test-service timeout, and the first endpoint that does not
 * answer ends the probe.
 */
export async function probeDirections(
  { serviceUrls }: { serviceUrls: Record<string, string> },
  signal: AbortSignal,
): Promise<HandedHeader[]> {
  const endpoints = Object.fromEntries(services.map((s) => [s.name, `${serviceUrls[s.name]}/w3c/test`]));
  requireLoopback(endpoints);
  const callbacks = await startCallbackServer();
  try {
    const probe = { callbacks, signal };
    const emitted = await captureEmitted(endpoints, probe);
    const handed: HandedHeader[] = [];
    for (const from of services) {
      for (const to of services.filter((s) => s !== from)) {
        for (const emittedAs of ['root', 'child'] as const) {
          const sent = emitted.get(from.name)![emittedAs];
          const outcome = await callTestService(
            { endpoint: endpoints[to.name]!, send: sent, calls: 1, key: `hand.${from.name}.${to.name}.${emittedAs}` },
            probe,
          );
          // An endpoint that does not answer at all says nothing about its SDK: the chain is not
          // fit to judge, and stopping here bounds the probe by one timeout, not 24.
          if (outcome.status === undefined) {
            throw new EnvironmentError(
              `Expected ${to.name} to answer POST ${endpoints[to.name]} with ${from.name}'s ${emittedAs} traceparent, got ${outcome.error ?? 'no answer'}`,
            );
          }
          handed.push({ from: from.name, to: to.name, emittedAs, sent, received: outcome.calls[0] });
        }
      }
    }
    return handed;
  } finally {
    await callbacks.close();
  }
}
