// The propagation checks, one function each. Every failure message names what
// was expected, what was found and, where it can, the hop and the likely cause.
import { client, entryService, expectedSpans, runIdKeys, serviceNamed, services } from '../topology/chain.js';
import { describeFaults, hasFaults } from '../intake/intake-faults.js';
import type { Span } from '../intake/span.js';
import type { Edge, Service } from '../topology/types.js';
import type { Check } from './check.js';
import {
  anonymousServices,
  describeSpan,
  diagnoseEdge,
  explainStrayTraces,
  followMessage,
  hopName,
  missingServiceName,
  serviceOf,
  type Evidence,
} from './diagnose.js';
import type { DedupedSpans } from './span-ids.js';
import { groupByTrace, TraceTree } from './trace-tree.js';

export type { Evidence } from './diagnose.js';

export function checkResponseStatus(evidence: Evidence): Check {
  const { flow, status } = evidence;
  const ok = status === flow.expectedStatus;
  const found = status === undefined ? 'no answer' : `HTTP ${status}`;
  return {
    name: 'response-status',
    ok,
    message: ok
      ? `api-gateway answered HTTP ${status}, as expected for the ${flow.name} flow`
      : `Expected api-gateway to answer HTTP ${flow.expectedStatus} for the ${flow.name} flow, got ${found}`,
  };
}

/** The traces that continue this one by a span link, in words: "trace 1a2b3c4d… (notification-service "x" links it)". */
function linkedTraces(evidence: Evidence): string {
  return [...groupByTrace(evidence.linked ?? [])]
    .map(([traceId, spans]) => {
      const linking = spans.find((s) => s.links?.some((l) => l.traceId === evidence.traceId));
      return `trace ${traceId.slice(0, 8)}…${linking ? ` (${describeSpan(linking)} links it)` : ''}`;
    })
    .join(', ');
}

export function checkOneTraceId(evidence: Evidence): Check {
  if (evidence.strays.length === 0) {
    const linked = evidence.linked?.length
      ? `; the trace continues by link in ${linkedTraces(evidence)}, as a message consumer may start its own trace`
      : '';
    return {
      name: 'one-trace-id',
      ok: true,
      message: `All ${evidence.spans.length} spans share trace ${evidence.traceId}${linked}`,
    };
  }
  const explanations = explainStrayTraces(evidence);
  return {
    name: 'one-trace-id',
    ok: false,
    // Several split-off traces can share one cause (e.g. each retried call): say it once.
    message: [...new Set(explanations.map((e) => e.message))].join(' '),
    ...(explanations[0]?.hop ? { hop: explanations[0].hop } : {}),
  };
}

export function checkUniqueSpanIds(conflicts: DedupedSpans['conflicts']): Check {
  if (conflicts.length === 0) {
    return {
      name: 'unique-span-ids',
      ok: true,
      message: 'Every span id names one span (identical re-sends counted once)',
    };
  }
  const lines = conflicts.map(
    ({ spanId, spans }) =>
      `span id ${spanId} arrived as ${spans.length} different spans: ${spans.map(describeSpan).join(', ')}`,
  );
  return { name: 'unique-span-ids', ok: false, message: `Expected one span per span id, got ${lines.join('; ')}` };
}

/**
 * Where a request someone else sent enters the trace: the entry service's SERVER span, either a
 * root (no traceparent came with the request) or the child of the caller's own span, which the
 * caller did not export here (W3C Trace Context: the parent-id is "the id of this request as known
 * by the caller").
 */
function callerEntrySpan(evidence: Evidence, tree: TraceTree): Span | undefined {
  if (!evidence.sentByCaller) return undefined;
  return evidence.spans.find((s) => s.service === entryService && s.kind === 'SERVER' && !tree.parentOf(s));
}

function checkCallerRoot(evidence: Evidence, tree: TraceTree): Check {
  const entry = callerEntrySpan(evidence, tree);
  const others = [...tree.roots(), ...tree.orphans()].filter((s) => s !== entry);
  if (entry && others.length === 0) {
    return {
      name: 'single-root',
      ok: true,
      message: entry.parentSpanId
        ? `One root: the caller's own span ${entry.parentSpanId}, named as parent by the traceparent it sent; the caller did not export it here, so ${describeSpan(entry)} starts what polytrace sees`
        : `One root: ${describeSpan(entry)}: the request came without a traceparent, so ${entryService} started the trace`,
    };
  }
  const found = others.map(describeSpan).join(', ');
  return {
    name: 'single-root',
    ok: false,
    message: entry
      ? `Expected the trace to start at ${describeSpan(entry)} only, but it also starts at ${found}`
      : `Expected the trace to start at a SERVER span of ${entryService}, found ${found || 'no span'} instead`,
  };
}

export function checkSingleRoot(evidence: Evidence, tree: TraceTree): Check {
  if (evidence.sentByCaller) return checkCallerRoot(evidence, tree);
  const roots = tree.roots();
  const [root] = roots;
  const expected = client.rootSpan;
  if (roots.length === 1 && root && root.service === client.name) {
    if (root.name !== expected.name || root.kind !== expected.kind) {
      return {
        name: 'single-root',
        ok: false,
        message: `Expected the root to be polytrace's ${expected.kind} span "${expected.name}", got ${describeSpan(root)}`,
      };
    }
    return { name: 'single-root', ok: true, message: `One root: ${describeSpan(root)}` };
  }
  if (roots.length === 0) {
    return {
      name: 'single-root',
      ok: false,
      message: `Expected one root span (polytrace's own client span), found none: polytrace's span did not reach the Collector`,
    };
  }
  return {
    name: 'single-root',
    ok: false,
    message: `Expected one root span (polytrace's own client span), found ${roots.length}: ${roots.map(describeSpan).join(', ')}`,
  };
}

export function checkNoOrphans(evidence: Evidence, tree: TraceTree): Check {
  // The caller's own span is the one parent that is never here, and need not be.
  const entry = callerEntrySpan(evidence, tree);
  const orphans = tree.orphans().filter((s) => s !== entry);
  if (orphans.length === 0) return { name: 'no-orphans', ok: true, message: 'Every parent span is in the trace' };
  const lines = orphans.map(
    (span) =>
      `${describeSpan(span)} names parent ${span.parentSpanId}, which never arrived: the caller's span was not exported (sampled out, or its service did not flush)`,
  );
  return { name: 'no-orphans', ok: false, message: lines.join('; ') };
}

export function checkServicesPresent(evidence: Evidence): Check {
  const problems: string[] = [];
  const anonymous = anonymousServices(evidence.spans);
  const present = new Set(evidence.spans.map(serviceOf));
  for (const name of evidence.flow.services) {
    const service = serviceNamed(name);
    const nameless = anonymous.find((a) => a.expected === name);
    if (nameless) {
      problems.push(missingServiceName(evidence, name, nameless.reported));
      continue;
    }
    const own = evidence.spans.filter((s) => s.service === name);
    if (own.length === 0) {
      problems.push(`${name} (${service.language}) has no span in the trace`);
      continue;
    }
    const wrong = own.find((s) => s.language !== service.language);
    if (wrong) {
      problems.push(
        `${name}: expected telemetry.sdk.language "${service.language}", got "${wrong.language || 'none'}"`,
      );
    }
  }
  for (const name of evidence.flow.absentServices) {
    if (present.has(name)) problems.push(`${name} took part, but the ${evidence.flow.name} flow must stop before it`);
  }
  if (problems.length > 0) return { name: 'services-present', ok: false, message: problems.join('; ') };
  const summary = evidence.flow.services.map((n) => `${n} (${serviceNamed(n).language})`).join(', ');
  return { name: 'services-present', ok: true, message: `All services took part: ${summary}` };
}

export function checkEdge(evidence: Evidence, tree: TraceTree, edge: Edge): Check {
  const hop = hopName(edge);
  const name = `edge ${hop}`;
  const diagnosis = diagnoseEdge(evidence, tree, edge);
  if (diagnosis) return { name, ok: false, hop, message: `${hop}: ${diagnosis.message}` };
  const message = edge.broker ? followMessage(evidence, tree, edge) : undefined;
  if (message && !('cause' in message)) {
    const { producer, consumer } = message;
    return {
      name,
      ok: true,
      hop,
      message:
        message.by === 'parent'
          ? `${hop}: the PRODUCER span "${producer.name}" of ${edge.from} is the parent of the CONSUMER span "${consumer.name}" of ${edge.to}: the context crossed the broker in the message headers`
          : `${hop}: the trace continues by link: the CONSUMER span "${consumer.name}" of ${edge.to} starts trace ${consumer.traceId.slice(0, 8)}… with a span link to the PRODUCER span "${producer.name}" of ${edge.from}`,
    };
  }
  return {
    name,
    ok: true,
    hop,
    message: `${hop}: a CLIENT span of ${edge.from} is the parent of the SERVER span "${edge.route}" of ${edge.to}`,
  };
}

function checkServiceSpans(evidence: Evidence, tree: TraceTree, service: Service): string[] {
  const problems: string[] = [];
  const own = evidence.spans.filter((s) => serviceOf(s) === service.name);
  for (const expected of expectedSpans(service, evidence.flow)) {
    const matching = own.filter((s) => s.name === expected.name && s.kind === expected.kind);
    const [span] = matching;
    if (matching.length > 1) {
      problems.push(
        `${service.name}: expected one "${expected.name}" (${expected.kind}) span per request, got ${matching.length}: double instrumentation at ${service.name}`,
      );
      continue;
    }
    if (!span) {
      const sameName = own.find((s) => s.name === expected.name);
      problems.push(
        sameName
          ? `${service.name}: expected "${expected.name}" as ${expected.kind}, got ${sameName.kind}`
          : `${service.name}: expected a span "${expected.name}" (${expected.kind}), found none`,
      );
      continue;
    }
    const parent = tree.parentOf(span);
    if (expected.parent && !(parent && serviceOf(parent) === service.name && parent.name === expected.parent)) {
      const found = parent ? describeSpan(parent) : 'no parent in the trace';
      problems.push(
        `${service.name}: expected the parent of "${expected.name}" to be "${expected.parent}", got ${found}`,
      );
    }
    const missing = (expected.attributes ?? []).filter((key) => !(key in span.attributes));
    if (missing.length > 0) {
      problems.push(
        `${service.name}: "${expected.name}" lacks attribute${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      );
    }
  }
  return problems;
}

export function checkExpectedSpans(evidence: Evidence, tree: TraceTree): Check {
  // A trace that continues by link holds the rest of the request's spans (the consumer's).
  const linked = evidence.linked?.length ? new TraceTree([...tree.spans, ...evidence.linked]) : tree;
  const whole = { ...evidence, spans: [...linked.spans] };
  const problems = evidence.flow.services.flatMap((name) => checkServiceSpans(whole, linked, serviceNamed(name)));
  if (problems.length > 0) return { name: 'expected-spans', ok: false, message: problems.join('; ') };
  return { name: 'expected-spans', ok: true, message: 'The expected span names and attributes are all there' };
}

/** The tracestate list's members as key → value (W3C Trace Context, "tracestate Header"). */
function traceStateMembers(traceState: string): Map<string, string> {
  const members = new Map<string, string>();
  for (const member of traceState.split(',')) {
    const at = member.indexOf('=');
    if (at > 0) members.set(member.slice(0, at).trim(), member.slice(at + 1).trim());
  }
  return members;
}

/**
 * Where a value polytrace sent with the request stopped reaching the spans: the first call of the
 * flow whose callee lacks it while its caller has it (or the first service in flow order that
 * lacks it, when no call tells).
 */
function lostAt(evidence: Evidence, carries: (span: Span) => boolean): { hop: string; missing: Span[] } | undefined {
  const missing = evidence.spans.filter((s) => !carries(s));
  if (missing.length === 0) return undefined;
  const lacking = new Set(missing.map(serviceOf));
  const has = (service: string) => evidence.spans.some((s) => serviceOf(s) === service && carries(s));
  const edge =
    evidence.flow.edges.find((e) => lacking.has(e.to) && has(e.from)) ??
    evidence.flow.edges.find((e) => lacking.has(e.to));
  return { hop: edge ? hopName(edge) : [...lacking].join(', '), missing };
}

/** Every span of the chain carries the run's baggage entry, copied on by each service's baggage span processor. */
export function checkBaggage(evidence: Evidence): Check {
  const { runId } = evidence;
  const key = runIdKeys.baggage;
  if (!runId) return { name: 'baggage', ok: true, message: 'No run id was sent with this request: nothing to follow' };
  const chainSpan = (s: Span) => s.service !== client.name;
  const lost = lostAt({ ...evidence, spans: evidence.spans.filter(chainSpan) }, (s) => s.attributes[key] === runId);
  if (!lost) {
    return { name: 'baggage', ok: true, message: `Every span of the chain carries the baggage ${key}=${runId}` };
  }
  const services = [...new Set(lost.missing.map(serviceOf))].join(', ');
  return {
    name: 'baggage',
    ok: false,
    hop: lost.hop,
    message: `${lost.hop}: the baggage ${key}=${runId} was lost there: ${lost.missing.length} span${lost.missing.length > 1 ? 's' : ''} of ${services} lack it`,
  };
}

/** Every span keeps the run's tracestate member, as W3C Trace Context asks of each participant. */
export function checkTraceState(evidence: Evidence): Check {
  const { runId } = evidence;
  const key = runIdKeys.traceState;
  if (!runId)
    return { name: 'tracestate', ok: true, message: 'No run id was sent with this request: nothing to follow' };
  const lost = lostAt(evidence, (s) => traceStateMembers(s.traceState).get(key) === runId);
  if (!lost) return { name: 'tracestate', ok: true, message: `Every span carries the tracestate ${key}=${runId}` };
  return {
    name: 'tracestate',
    ok: false,
    hop: lost.hop,
    message: `${lost.hop}: the tracestate member ${key}=${runId} was lost there: ${lost.missing.map(describeSpan).slice(0, 3).join(', ')}${lost.missing.length > 3 ? ', …' : ''} lack it`,
  };
}

const exceptionKeys = ['exception.type', 'exception.message', 'exception.stacktrace'];

/**
 * A flow that fails on purpose fails the same way in every language: each span on the error path
 * ends with status ERROR, and each service whose code throws records an `exception` event with the
 * exception's type, message and stack trace (in its own language's form).
 */
export function checkErrorPath(evidence: Evidence): Check | undefined {
  const path = evidence.flow.errorPath;
  if (!path) return undefined;
  const problems: string[] = [];
  for (const { service, name } of path.spans) {
    const span = evidence.spans.find((s) => serviceOf(s) === service && s.name === name);
    if (!span) problems.push(`${service}: expected "${name}" on the error path, found none`);
    else if (span.status.code !== 'ERROR')
      problems.push(`${service} "${name}": expected status ERROR, got ${span.status.code}`);
  }
  for (const service of path.throwing) {
    const events = evidence.spans.filter((s) => serviceOf(s) === service).flatMap((s) => s.events);
    const exception = events.find((e) => e.name === 'exception');
    if (!exception) problems.push(`${service}: expected an "exception" event where it threw, found none`);
    else {
      const lacking = exceptionKeys.filter((key) => !exception.attributes[key]);
      if (lacking.length > 0) problems.push(`${service}: its exception event lacks ${lacking.join(', ')}`);
    }
  }
  if (problems.length > 0) return { name: 'error-path', ok: false, message: problems.join('; ') };
  const thrown = path.throwing
    .map((service) => {
      const event = evidence.spans
        .filter((s) => serviceOf(s) === service)
        .flatMap((s) => s.events)
        .find((e) => e.name === 'exception')!;
      return `${service} threw ${String(event.attributes['exception.type'])}`;
    })
    .join(', ');
  return {
    name: 'error-path',
    ok: true,
    message: `All ${path.spans.length} spans on the error path are ERROR; ${thrown}, each with type, message and stack trace`,
  };
}

/** The spans the flow expects that arrived nowhere (not in the trace, a linked trace, nor one split off). */
function missingExpectedSpans(evidence: Evidence): string[] {
  const all = [...evidence.spans, ...(evidence.linked ?? []), ...evidence.strays];
  return evidence.flow.services.flatMap((name) =>
    expectedSpans(serviceNamed(name), evidence.flow)
      .filter(
        (expected) => !all.some((s) => serviceOf(s) === name && s.name === expected.name && s.kind === expected.kind),
      )
      .map((expected) => `${name} "${expected.name}"`),
  );
}

/**
 * Present only when the spans file held lines that could not be read (a write cut short, a
 * wrongly-typed field) or spans with invalid ids. Those lines may have held this trace's spans, so
 * the trace passes only if every span its flow expects was read anyway; either way the verdict
 * says how much was unreadable.
 */
export function checkEvidenceRead(evidence: Evidence): Check | undefined {
  const { faults } = evidence;
  if (!faults || !hasFaults(faults)) return undefined;
  const what = `the spans file had ${describeFaults(faults)}${faults.examples.length ? ` (${faults.examples[0]})` : ''}`;
  const missing = missingExpectedSpans(evidence);
  return missing.length === 0
    ? { name: 'evidence-read', ok: true, message: `${what}, skipped; every span this flow expects was read anyway` }
    : {
        name: 'evidence-read',
        ok: false,
        message: `Expected every line of the spans file to be readable, got ${describeFaults(faults)}: ${what.slice(4)}; ${missing.join(', ')} did not arrive, and may have been in them`,
      };
}
