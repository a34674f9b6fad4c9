// The propagation checks, one function each. Every failure message names what
// was expected, what was found and, where it can, the hop and the likely cause.
import { client, expectedSpans, services } from '../topology/chain.js';
import type { Edge, Service } from '../topology/types.js';
import type { Check } from './result.js';
import {
  anonymousServices,
  describeSpan,
  diagnoseEdge,
  explainStrayTraces,
  hopName,
  missingServiceName,
  serviceOf,
  type Evidence,
} from './diagnose.js';
import type { TraceTree } from './trace-tree.js';

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
    // Several split-off traces can share one cause (e.g. each retried call): say it once.
    message: [...new Set(explanations.map((e) => e.message))].join(' '),
    ...(explanations[0]?.hop ? { hop: explanations[0].hop } : {}),
  };
}

export function checkSingleRoot(evidence: Evidence, tree: TraceTree): Check {
  const roots = tree.roots();
  const [root] = roots;
  if (roots.length === 1 && root && root.service === client.name) {
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
  const orphans = tree.orphans();
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
    const service = services.find((s) => s.name === name);
    if (!service) continue;
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
  const summary = evidence.flow.services
    .map((n) => `${n} (${services.find((s) => s.name === n)?.language})`)
    .join(', ');
  return { name: 'services-present', ok: true, message: `All services took part: ${summary}` };
}

export function checkEdge(evidence: Evidence, tree: TraceTree, edge: Edge): Check {
  const hop = hopName(edge);
  const name = `edge ${hop}`;
  const diagnosis = diagnoseEdge(evidence, tree, edge);
  if (diagnosis) return { name, ok: false, hop, message: `${hop}: ${diagnosis.message}` };
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
      !tree.ancestors(span).some((a) => serviceOf(a) === service.name && a.name === expected.parent)
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
  return { name: 'expected-spans', ok: true, message: 'The expected span names and attributes are all there' };
}
