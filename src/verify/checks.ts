// The propagation checks, one function each. Every failure message names what
// was expected, what was found and, where it can, the hop and the likely cause.
import type { Span } from '../intake/span.js';
import { client, expectedSpans, services } from '../topology/chain.js';
import type { Edge, Flow, Service } from '../topology/types.js';
import type { Check } from './result.js';
import { explainStrayTraces } from './diagnose.js';
import { TraceTree } from './trace-tree.js';

export interface Evidence {
  flow: Flow;
  traceId: string;
  /** Spans carrying the trace ID polytrace sent. */
  spans: Span[];
  /** Spans of the chain seen during the request under other trace IDs. */
  strays: Span[];
  status?: number;
}

const hopName = (edge: Edge) => `${edge.from} → ${edge.to}`;
const describe = (span: Span) => `${span.service} "${span.name}" (${span.kind})`;

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

export function checkOneTraceId(evidence: Evidence): Check {
  if (evidence.strays.length === 0) {
    return {
      name: 'one-trace-id',
      ok: true,
      message: `All ${evidence.spans.length} spans share trace ${evidence.traceId}`,
    };
  }
  const explanations = explainStrayTraces(evidence);
  return {
    name: 'one-trace-id',
    ok: false,
    message: explanations.map((e) => e.message).join(' '),
    ...(explanations[0]?.hop ? { hop: explanations[0].hop } : {}),
  };
}

export function checkSingleRoot(evidence: Evidence, tree: TraceTree): Check {
  const roots = tree.roots();
  const [root] = roots;
  if (roots.length === 1 && root && root.service === client.name) {
    return { name: 'single-root', ok: true, message: `One root: ${describe(root)}` };
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
    message: `Expected one root span (polytrace's own client span), found ${roots.length}: ${roots.map(describe).join(', ')}`,
  };
}

export function checkNoOrphans(evidence: Evidence, tree: TraceTree): Check {
  const orphans = tree.orphans();
  if (orphans.length === 0) return { name: 'no-orphans', ok: true, message: 'Every parent span is in the trace' };
  const lines = orphans.map(
    (span) =>
      `${describe(span)} names parent ${span.parentSpanId}, which never arrived: the caller's span was not exported (sampled out, or its service did not flush)`,
  );
  return { name: 'no-orphans', ok: false, message: lines.join('; ') };
}

export function checkServicesPresent(evidence: Evidence): Check {
  const problems: string[] = [];
  const present = new Set(evidence.spans.map((s) => s.service));
  for (const name of evidence.flow.services) {
    const service = services.find((s) => s.name === name);
    if (!service) continue;
    const own = evidence.spans.filter((s) => s.service === name);
    if (own.length === 0) {
      const anonymous = evidence.spans.find(
        (s) => s.service.startsWith('unknown_service') && s.language === service.language,
      );
      problems.push(
        anonymous
          ? `${name} is missing: its ${service.language} spans arrived as "${anonymous.service}" — the service has no service.name (set OTEL_SERVICE_NAME)`
          : `${name} (${service.language}) has no span in the trace`,
      );
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
  const summary = evidence.flow.services
    .map((n) => `${n} (${services.find((s) => s.name === n)?.language})`)
    .join(', ');
  return { name: 'services-present', ok: true, message: `All services took part: ${summary}` };
}

function matchesRoute(span: Span, route: string): boolean {
  const [method, path] = route.split(' ');
  if (span.name === route) return true;
  const spanMethod = span.attributes['http.request.method'] ?? span.attributes['http.method'];
  return span.attributes['http.route'] === path && spanMethod === method;
}

export function serverSpansFor(spans: readonly Span[], edge: Edge): Span[] {
  return spans.filter((s) => s.service === edge.to && s.kind === 'SERVER' && matchesRoute(s, edge.route));
}

export function checkEdge(evidence: Evidence, tree: TraceTree, edge: Edge): Check {
  const name = `edge ${hopName(edge)}`;
  const hop = hopName(edge);
  const fail = (message: string): Check => ({ name, ok: false, hop, message: `${hop}: ${message}` });
  const [server] = serverSpansFor(evidence.spans, edge);
  if (!server) {
    if (serverSpansFor(evidence.strays, edge).length > 0) {
      return fail(`${edge.to} handled "${edge.route}" in a new trace: the trace context did not cross this hop`);
    }
    const calledFrom = evidence.spans.some((s) => s.service === edge.from && s.kind === 'CLIENT');
    return fail(
      calledFrom
        ? `expected a SERVER span "${edge.route}" in ${edge.to}, found none: ${edge.to} was called but its span never arrived (not exported, or sampled out)`
        : `expected a SERVER span "${edge.route}" in ${edge.to}, found none: ${edge.from} never called ${edge.to}`,
    );
  }
  const parent = tree.parentOf(server);
  if (!parent) {
    return fail(
      `the SERVER span "${server.name}" in ${edge.to} names parent ${server.parentSpanId || '(none)'}, which is not in the trace: ${edge.from}'s client span was not exported`,
    );
  }
  if (parent.service !== edge.from || parent.kind !== 'CLIENT') {
    return fail(
      `expected the parent of ${describe(server)} to be a CLIENT span of ${edge.from}, got ${describe(parent)}`,
    );
  }
  if (edge.via && !tree.ancestors(parent).some((s) => s.service === edge.from && s.name === edge.via)) {
    return fail(`expected ${edge.from}'s client span to sit inside its "${edge.via}" span, but it does not`);
  }
  return {
    name,
    ok: true,
    hop,
    message: `${hop}: ${describe(parent)} is the parent of ${describe(server)}`,
  };
}

function checkServiceSpans(evidence: Evidence, tree: TraceTree, service: Service): string[] {
  const problems: string[] = [];
  const own = evidence.spans.filter((s) => s.service === service.name);
  for (const expected of expectedSpans(service, evidence.flow)) {
    const span = own.find((s) => s.name === expected.name && s.kind === expected.kind);
    if (!span) {
      const sameName = own.find((s) => s.name === expected.name);
      problems.push(
        sameName
          ? `${service.name}: expected "${expected.name}" as ${expected.kind}, got ${sameName.kind}`
          : `${service.name}: expected a span "${expected.name}" (${expected.kind}), found none`,
      );
      continue;
    }
    if (
      expected.parent &&
      !tree.ancestors(span).some((a) => a.service === service.name && a.name === expected.parent)
    ) {
      problems.push(`${service.name}: expected "${expected.name}" inside "${expected.parent}", but it is not`);
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
  const problems = evidence.flow.services.flatMap((name) => {
    const service = services.find((s) => s.name === name);
    return service ? checkServiceSpans(evidence, tree, service) : [];
  });
  if (problems.length > 0) return { name: 'expected-spans', ok: false, message: problems.join('; ') };
  return { name: 'expected-spans', ok: true, message: "The seed's span names and attributes are all there" };
}
