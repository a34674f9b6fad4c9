// Says why a hop broke, in plain words. The shape of the spans tells most of
// it (was there a client span? did the callee start a new trace? did it record
// anything?); the settings polytrace gave each SDK (OTEL_PROPAGATORS,
// OTEL_TRACES_SAMPLER, …) name the likely cause.
import type { IntakeFaults } from '../intake/intake-faults.js';
import type { Span } from '../intake/span.js';
import { client, services } from '../topology/chain.js';
import type { OtelSettings } from '../topology/environment.js';
import type { Edge, Flow } from '../topology/types.js';
import type { Cause } from './cause.js';
import { groupByTrace, TraceTree } from './trace-tree.js';

export interface Evidence {
  flow: Flow;
  traceId: string;
  /** Spans carrying the trace ID polytrace sent. */
  spans: Span[];
  /** Spans of the chain seen during the request under other trace IDs. */
  strays: Span[];
  /**
   * Spans of traces that continue this one by a span link (a message's consumer may start a new
   * trace that links the producer's span, as the messaging conventions allow): not split off.
   */
  linked?: Span[];
  status?: number;
  /** The run's id, which polytrace sent as tracestate and baggage: every span must carry it. */
  runId?: string;
  /** The OTEL_* settings each service ran with, by service name: they word a cause, never decide it. */
  otelSettings?: OtelSettings;
  /**
   * Set when someone else sent the request (a person's curl during `up`): the trace starts at the
   * entry service, as a root or under the caller's own span, which only the caller knows.
   */
  sentByCaller?: boolean;
  /** What the spans file held that could not be read, when anything: those lines may have held this trace's spans. */
  faults?: IntakeFaults;
}

export interface Diagnosis {
  /** `caller → callee`. */
  hop: string;
  cause: Cause;
  message: string;
}

/** `caller → callee`, or `producer → broker → consumer` for a message. */
export const hopName = (edge: Pick<Edge, 'from' | 'to' | 'broker'>) =>
  edge.broker ? `${edge.from} → ${edge.broker} → ${edge.to}` : `${edge.from} → ${edge.to}`;
export const describeSpan = (span: Span) => `${span.service} "${span.name}" (${span.kind})`;

/**
 * The topology service a span belongs to. A service without service.name
 * reports `unknown_service…`; each language appears once in the chain, so its
 * language still says which service it is.
 */
export function serviceOf(span: Span): string {
  if (!span.service.startsWith('unknown_service')) return span.service;
  return services.find((s) => s.language === span.language)?.name ?? span.service;
}

function matchesRoute(span: Span, route: string): boolean {
  const [method, path] = route.split(' ');
  if (span.name === route) return true;
  const spanMethod = span.attributes['http.request.method'] ?? span.attributes['http.method'];
  return span.attributes['http.route'] === path && spanMethod === method;
}

function serverSpansFor(spans: readonly Span[], edge: Edge): Span[] {
  return spans.filter((s) => serviceOf(s) === edge.to && s.kind === 'SERVER' && matchesRoute(s, edge.route));
}

/** The caller's client spans for this call: inside its `via` span when the edge names one. */
function callerClientSpans(tree: TraceTree, edge: Edge): Span[] {
  return tree.spans.filter(
    (s) =>
      serviceOf(s) === edge.from &&
      s.kind === 'CLIENT' &&
      (!edge.via || (tree.parentOf(s)?.name === edge.via && serviceOf(tree.parentOf(s)!) === edge.from)),
  );
}

const formats: Record<string, string> = {
  tracecontext: 'W3C traceparent',
  b3: 'B3 single-header',
  b3multi: 'B3 multi-header',
  jaeger: 'Jaeger uber-trace-id',
  xray: 'AWS X-Ray',
  ottrace: 'OT trace',
};

function propagationFormats(evidence: Evidence, service: string): string[] {
  const setting = service === client.name ? 'tracecontext' : (evidence.otelSettings?.[service]?.OTEL_PROPAGATORS ?? '');
  return setting
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p && p !== 'baggage' && p !== 'none');
}

const listFormats = (names: string[]) => names.map((n) => formats[n] ?? n).join(' + ') || 'nothing';

function propagatorMismatch(evidence: Evidence, edge: Edge): string {
  const sends = propagationFormats(evidence, edge.from);
  const reads = propagationFormats(evidence, edge.to);
  const shared = sends.filter((p) => reads.includes(p));
  const setting = (service: string) => evidence.otelSettings?.[service]?.OTEL_PROPAGATORS;
  if (sends.length > 0 && reads.length > 0 && shared.length === 0) {
    return (
      `${edge.to} started a new trace: ${edge.from} sent ${listFormats(sends)} headers but ${edge.to} expects ` +
      `${listFormats(reads)} (OTEL_PROPAGATORS: ${edge.from} "${setting(edge.from) ?? 'tracecontext'}", ${edge.to} "${setting(edge.to)}")`
    );
  }
  return (
    `${edge.to} started a new trace although ${edge.from} made a client span for the call: ${edge.to} did not read the ` +
    `context ${edge.from} sent${sends.length > 0 ? ` (${listFormats(sends)})` : ''}. Likely cause: the two use different propagators, or something between them drops the header`
  );
}

/** The services a flow reaches through `service`: those it calls, and those they call. */
function downstreamOf(flow: Flow, service: string): string[] {
  const next = flow.edges.filter((e) => e.from === service).map((e) => e.to);
  return [...next, ...next.flatMap((s) => downstreamOf(flow, s))];
}

/**
 * The callee recorded nothing although its caller's client span is there. Which of the two causes
 * it is shows downstream: a service that drops a trace (its sampler said no) propagates the
 * sampled flag 0, so every service after it records nothing too; a service that recorded but did
 * not export still propagated sampled=1, so the services after it export spans whose parent
 * never arrived. The settings only word the message.
 */
function notRecorded(evidence: Evidence, tree: TraceTree, edge: Edge): Diagnosis {
  const hop = hopName(edge);
  const downstream = downstreamOf(evidence.flow, edge.to);
  const heardFrom = downstream.filter((s) => tree.spans.some((span) => serviceOf(span) === s));
  const settings = evidence.otelSettings?.[edge.to] ?? {};
  const called = `${edge.from} called ${edge.to} (its client span is there) but ${edge.to} recorded nothing`;
  if (heardFrom.length > 0) {
    return {
      hop,
      cause: 'not-exported',
      message: `${called}, while ${heardFrom.join(' and ')} after it did: ${edge.to} traced the request but did not export its spans (check its OTLP endpoint and its log)`,
    };
  }
  if (downstream.length > 0) {
    const sampler = settings.OTEL_TRACES_SAMPLER;
    const why =
      sampler && !sampler.startsWith('parentbased')
        ? ` (OTEL_TRACES_SAMPLER=${sampler}${settings.OTEL_TRACES_SAMPLER_ARG ? ` with ratio ${settings.OTEL_TRACES_SAMPLER_ARG}` : ''})`
        : '';
    return {
      hop,
      cause: 'not-sampled',
      message:
        `${called}, and neither did ${downstream.join(' nor ')} after it: ${edge.to} samples on its own${why} instead of ` +
        `honouring the parent's sampled flag, so it dropped this trace and passed the decision on`,
    };
  }
  return {
    hop,
    cause: 'not-recorded',
    message: `${called}: either its sampler dropped the trace or it did not export its spans (its log and its OTEL_TRACES_SAMPLER tell which)`,
  };
}

/** How a message hop holds together: the CONSUMER span is the PRODUCER span's child, or links it from a new trace. */
export interface MessageHop {
  by: 'parent' | 'link';
  producer: Span;
  consumer: Span;
}

const producerSpans = (spans: readonly Span[], edge: Edge) =>
  spans.filter((s) => serviceOf(s) === edge.from && s.kind === 'PRODUCER' && (!edge.via || s.name === edge.via));
const consumerSpans = (spans: readonly Span[], edge: Edge) =>
  spans.filter((s) => serviceOf(s) === edge.to && s.kind === 'CONSUMER' && s.name === edge.route);

/**
 * A message through a broker ("Common Pitfalls": async queues): the context crosses only if the
 * producer injected it into the message's headers and the consumer extracted it. The consumer's
 * CONSUMER span is then the child of the producer's PRODUCER span, or, where the consumer starts a
 * trace of its own, linked to it. Either holds the trace together; anything else is a Diagnosis.
 */
export function followMessage(evidence: Evidence, tree: TraceTree, edge: Edge): MessageHop | Diagnosis {
  const hop = hopName(edge);
  const at = (cause: Cause, message: string): Diagnosis => ({ hop, cause, message });
  const producers = producerSpans(tree.spans, edge);
  const published = `${edge.from}'s PRODUCER span "${edge.via ?? 'send'}"`;
  const [consumer] = consumerSpans(tree.spans, edge);
  if (consumer) {
    const parent = tree.parentOf(consumer);
    if (parent && producers.includes(parent)) return { by: 'parent', producer: parent, consumer };
    if (!parent) {
      return at(
        'not-exported',
        `the CONSUMER span "${consumer.name}" in ${edge.to} names parent ${consumer.parentSpanId || '(none)'}, which is not in the trace: ${published} was not exported`,
      );
    }
    return at(
      'wrong-parent',
      `expected the parent of ${describeSpan(consumer)} to be ${published}, got ${describeSpan(parent)}`,
    );
  }
  const [linked] = consumerSpans(evidence.linked ?? [], edge);
  if (linked) {
    const targets = (linked.links ?? []).filter((l) => l.traceId === evidence.traceId).map((l) => l.spanId);
    const producer = producers.find((p) => targets.includes(p.spanId));
    if (producer) return { by: 'link', producer, consumer: linked };
    return at(
      'wrong-parent',
      `${describeSpan(linked)} starts a new trace with a span link into this trace, but not to ${published}`,
    );
  }
  const [stray] = consumerSpans(evidence.strays, edge);
  if (stray) {
    if (producers.length === 0) return at('context-not-injected', notInjected(evidence, edge, stray));
    return at(
      'propagator-mismatch',
      `${edge.to} started a new trace at "${stray.name}" although ${published} injected its context into the message headers: ` +
        `${edge.to} did not extract it (different propagators, or something on the way strips the headers)`,
    );
  }
  if (producers.length > 0) {
    return at(
      'not-recorded',
      `${edge.from} published (${published} is there) but ${edge.to} recorded no CONSUMER span "${edge.route}": the message was not consumed, or the consumer did not export its spans`,
    );
  }
  return at(
    'not-called',
    `expected ${published} and ${edge.to}'s CONSUMER span "${edge.route}", found neither: ${edge.from} published nothing that reached ${edge.to}`,
  );
}

function notInjected(evidence: Evidence, edge: Edge, consumer: Span): string {
  const disabled = evidence.otelSettings?.[edge.from]?.OTEL_PYTHON_DISABLED_INSTRUMENTATIONS;
  const setting = disabled ? ` (OTEL_PYTHON_DISABLED_INSTRUMENTATIONS=${disabled})` : '';
  return (
    `${edge.to} started a new trace at "${consumer.name}": context not injected into the message headers ` +
    `(${edge.from} published without a PRODUCER span: its publishing client is not instrumented${setting}, ` +
    `or, where no instrumentation exists, the context must be injected by hand)`
  );
}

/** Why one call of the flow is not a CLIENT span in the caller parenting the SERVER span in the callee; undefined when it is. */
export function diagnoseEdge(evidence: Evidence, tree: TraceTree, edge: Edge): Diagnosis | undefined {
  const hop = hopName(edge);
  const at = (cause: Cause, message: string): Diagnosis => ({ hop, cause, message });
  if (edge.from !== client.name && !tree.spans.some((s) => serviceOf(s) === edge.from)) {
    return at(
      'upstream-broken',
      `${edge.from} is not in this trace, so its ${edge.broker ? 'message' : 'call'} to ${edge.to} cannot be checked (see the hop into ${edge.from})`,
    );
  }
  if (edge.broker) {
    const followed = followMessage(evidence, tree, edge);
    return 'cause' in followed ? followed : undefined;
  }
  const [server] = serverSpansFor(tree.spans, edge);
  const clients = callerClientSpans(tree, edge);
  if (!server) {
    if (serverSpansFor(evidence.strays, edge).length > 0) {
      return clients.length === 0
        ? at('uninstrumented-call', uninstrumented(evidence, edge))
        : at('propagator-mismatch', propagatorMismatch(evidence, edge));
    }
    // A SERVER span of the callee that is not its route's: it answered before the route ran (a
    // server that refuses a header too large answers 400 from its connector). It recorded that.
    const refused = tree.spans.find((s) => serviceOf(s) === edge.to && s.kind === 'SERVER');
    if (refused) return at('refused', refusedMessage(edge, refused));
    if (clients.length > 0) return notRecorded(evidence, tree, edge);
    return at(
      'not-called',
      `expected a SERVER span "${edge.route}" in ${edge.to}, found none: ${edge.from} never called ${edge.to}`,
    );
  }
  const parent = tree.parentOf(server);
  if (!parent) {
    return at(
      'not-exported',
      `the SERVER span "${server.name}" in ${edge.to} names parent ${server.parentSpanId || '(none)'}, which is not in the trace: ${edge.from}'s client span was not exported`,
    );
  }
  if (serviceOf(parent) !== edge.from || parent.kind !== 'CLIENT') {
    return at(
      'wrong-parent',
      `expected the parent of ${describeSpan(server)} to be a CLIENT span of ${edge.from}, got ${describeSpan(parent)}`,
    );
  }
  if (edge.via && !clients.includes(parent)) {
    return at(
      'wrong-parent',
      `expected ${edge.from}'s client span to sit inside its "${edge.via}" span, but it does not`,
    );
  }
  return undefined;
}

function refusedMessage(edge: Edge, refused: Span): string {
  const code = refused.attributes['http.response.status_code'];
  const answered = code === undefined ? 'answered' : `answered HTTP ${String(code)}`;
  return (
    `${edge.to} ${answered} in its SERVER span "${refused.name}" before its route "${edge.route}" ran: it refused the ` +
    `request ${edge.from} sent (a header or a body it would not take), so the flow went no further; the trace itself holds together`
  );
}

function uninstrumented(evidence: Evidence, edge: Edge): string {
  const disabled = evidence.otelSettings?.[edge.from]?.OTEL_PYTHON_DISABLED_INSTRUMENTATIONS;
  const setting = disabled ? ` (OTEL_PYTHON_DISABLED_INSTRUMENTATIONS=${disabled})` : '';
  return (
    `${edge.to} started a new trace: ${edge.from} made no client span for the call and sent no traceparent, ` +
    `so its outgoing HTTP call is not instrumented or the context was not passed to it${setting}`
  );
}

/** Services whose spans arrived without a service.name, with the name they should have had. */
export function anonymousServices(spans: readonly Span[]): Array<{ expected: string; reported: string }> {
  const seen = new Map<string, string>();
  for (const span of spans) {
    const expected = serviceOf(span);
    if (expected !== span.service) seen.set(expected, span.service);
  }
  return [...seen].map(([expected, reported]) => ({ expected, reported }));
}

/** The first thing that broke in this trace, in flow order: what a person should fix first. */
export function diagnoseTrace(evidence: Evidence): Diagnosis | undefined {
  const tree = new TraceTree(evidence.spans);
  for (const edge of evidence.flow.edges) {
    const diagnosis = diagnoseEdge(evidence, tree, edge);
    if (diagnosis && diagnosis.cause !== 'upstream-broken') return diagnosis;
  }
  const [anonymous] = anonymousServices(evidence.spans);
  if (anonymous) {
    const edge = evidence.flow.edges.find((e) => e.to === anonymous.expected);
    return {
      hop: edge ? hopName(edge) : anonymous.expected,
      cause: 'missing-service-name',
      message: missingServiceName(evidence, anonymous.expected, anonymous.reported),
    };
  }
  return undefined;
}

export function missingServiceName(evidence: Evidence, expected: string, reported: string): string {
  const unset =
    evidence.otelSettings && !evidence.otelSettings[expected]?.OTEL_SERVICE_NAME
      ? ' (OTEL_SERVICE_NAME is not set)'
      : '';
  return `${expected}'s spans arrived as "${reported}": the service has no service.name${unset}, so a trace viewer cannot tell it apart`;
}

/** The span where a stray trace entered the chain: its root, or the span whose parent is elsewhere. */
function entrySpan(spans: Span[]): Span | undefined {
  const tree = new TraceTree(spans);
  return [...tree.roots(), ...tree.orphans()].sort((a, b) =>
    BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1,
  )[0];
}

/** For each trace that split off during the request: where it started and why. */
export function explainStrayTraces(evidence: Evidence): Array<{ hop?: string; message: string }> {
  const tree = new TraceTree(evidence.spans);
  return [...groupByTrace(evidence.strays)].flatMap(([traceId, spans]) => {
    const entry = entrySpan(spans);
    if (!entry) return [];
    const where = `${entry.service} started a new trace ${traceId.slice(0, 8)}… at "${entry.name}"`;
    // A CONSUMER span entered through a message, any other through a call.
    const edge = evidence.flow.edges.find(
      (e) => e.to === serviceOf(entry) && Boolean(e.broker) === (entry.kind === 'CONSUMER'),
    );
    const diagnosis = edge && diagnoseEdge(evidence, tree, edge);
    if (!edge || !diagnosis) return [{ message: `Expected every span under trace ${evidence.traceId}, but ${where}.` }];
    return [{ hop: diagnosis.hop, message: `${diagnosis.hop}: ${diagnosis.message}.` }];
  });
}
