// Runs every check on the evidence for one request.
import {
  checkBaggage,
  checkEdge,
  checkErrorPath,
  checkEvidenceRead,
  checkExpectedSpans,
  checkNoOrphans,
  checkOneTraceId,
  checkResponseStatus,
  checkServicesPresent,
  checkSingleRoot,
  checkTraceState,
  checkUniqueSpanIds,
  type Evidence,
} from './checks.js';
import { diagnoseTrace } from './diagnose.js';
import { clockSkews } from './clock-skew.js';
import { dedupeBySpanId } from './span-ids.js';
import type { Cause } from './cause.js';
import type { Diagnosis } from './diagnose.js';
import type { Check } from './check.js';
import type { TraceResult } from './result.js';
import { TraceTree } from './trace-tree.js';
import { serviceOf } from './diagnose.js';
import { expectedSpans, serviceNamed, services } from '../topology/chain.js';

/** The evidence with each span once: an exporter's identical re-send is not a second span. */
function deduped(evidence: Evidence): {
  evidence: Evidence;
  conflicts: ReturnType<typeof dedupeBySpanId>['conflicts'];
} {
  const { spans, conflicts } = dedupeBySpanId(evidence.spans);
  const strays = dedupeBySpanId(evidence.strays).spans;
  const linked = dedupeBySpanId(evidence.linked ?? []).spans;
  return { evidence: { ...evidence, spans, strays, ...(linked.length ? { linked } : {}) }, conflicts };
}

export function verifyTrace(received: Evidence): TraceResult {
  const { evidence, conflicts } = deduped(received);
  const tree = new TraceTree(evidence.spans);
  const checks = [
    checkResponseStatus(evidence),
    checkUniqueSpanIds(conflicts),
    checkOneTraceId(evidence),
    checkSingleRoot(evidence, tree),
    checkNoOrphans(evidence, tree),
    checkServicesPresent(evidence),
    ...evidence.flow.edges.map((edge) => checkEdge(evidence, tree, edge)),
    checkExpectedSpans(evidence, tree),
    checkBaggage(evidence),
    checkTraceState(evidence),
    ...optional(checkErrorPath(evidence)),
    ...optional(checkEvidenceRead(evidence)),
  ];
  const ok = checks.every((c) => c.ok);
  const diagnosis = ok ? undefined : (diagnoseTrace(evidence) ?? carriedValueLost(checks));
  return {
    traceId: evidence.traceId,
    flow: evidence.flow.name,
    ok,
    ...(diagnosis ? { diagnosis } : {}),
    ...(evidence.status !== undefined ? { status: evidence.status } : {}),
    checks,
    spans: evidence.spans,
    strays: evidence.strays,
    ...(evidence.linked?.length ? { linked: evidence.linked } : {}),
    clockSkews: clockSkews(evidence.spans, evidence.flow),
  };
}

/** True when the trace is whole: every span the flow expects has arrived, each where it belongs. */
function looksComplete(received: Evidence): boolean {
  const { evidence } = deduped(received);
  const tree = new TraceTree(evidence.spans);
  return (
    checkSingleRoot(evidence, tree).ok &&
    checkServicesPresent(evidence).ok &&
    checkExpectedSpans(evidence, tree).ok &&
    evidence.flow.edges.every((edge) => checkEdge(evidence, tree, edge).ok)
  );
}

/** When the trace is whole but the run's baggage or tracestate fell off at a hop. */
function carriedValueLost(checks: readonly Check[]): Diagnosis | undefined {
  const causes: Record<string, Cause> = { baggage: 'baggage-dropped', tracestate: 'tracestate-dropped' };
  const failed = checks.find((c) => !c.ok && c.name in causes && c.hop);
  if (!failed) return undefined;
  return { hop: failed.hop!, cause: causes[failed.name]!, message: failed.message };
}

const optional = (check: Check | undefined): Check[] => (check ? [check] : []);

/**
 * True when every span the flow expects has arrived somewhere: in the trace, in a trace that
 * continues it by link, or in one that split off from it. A broken trace is then all there is to
 * see: nothing is left to attribute to a split-off trace.
 */
export function allArrived(evidence: Evidence): boolean {
  const all = [...evidence.spans, ...(evidence.linked ?? []), ...evidence.strays];
  return evidence.flow.services.every((name) => {
    const service = serviceNamed(name);
    return expectedSpans(service, evidence.flow).every((expected) =>
      all.some((s) => serviceOf(s) === name && s.name === expected.name && s.kind === expected.kind),
    );
  });
}

/** How long a request's evidence may still grow once its answer is in. */
export const settleTiming = {
  /** Something expected is still missing (a span never sent, or a stray yet to come): nothing new for this long ends the wait. */
  strayQuietMs: 1_500,
  /** The wait ends this long after the answer, whatever is missing. */
  deadlineMs: 30_000,
};

/**
 * Whether the evidence is final: at once when the trace is whole or everything expected has
 * arrived (split or not), without a quiet period; otherwise after `strayQuietMs` with nothing new.
 */
export function evidenceSettled(evidence: Evidence, quietMs: number): boolean {
  return looksComplete(evidence) || allArrived(evidence) || quietMs >= settleTiming.strayQuietMs;
}
