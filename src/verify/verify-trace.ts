// Runs every check on the evidence for one request.
import {
  checkEdge,
  checkExpectedSpans,
  checkNoOrphans,
  checkOneTraceId,
  checkResponseStatus,
  checkServicesPresent,
  checkSingleRoot,
  type Evidence,
} from './checks.js';
import { diagnoseTrace } from './diagnose.js';
import type { TraceResult } from './result.js';
import { TraceTree } from './trace-tree.js';

export function verifyTrace(evidence: Evidence): TraceResult {
  const tree = new TraceTree(evidence.spans);
  const checks = [
    checkResponseStatus(evidence),
    checkOneTraceId(evidence),
    checkSingleRoot(evidence, tree),
    checkNoOrphans(evidence, tree),
    checkServicesPresent(evidence),
    ...evidence.flow.edges.map((edge) => checkEdge(evidence, tree, edge)),
    checkExpectedSpans(evidence, tree),
  ];
  const ok = checks.every((c) => c.ok);
  const diagnosis = ok ? undefined : diagnoseTrace(evidence);
  return {
    traceId: evidence.traceId,
    flow: evidence.flow.name,
    ok,
    ...(diagnosis ? { diagnosis } : {}),
    ...(evidence.status !== undefined ? { status: evidence.status } : {}),
    checks,
    spans: evidence.spans,
    strays: evidence.strays,
  };
}

/** True when every span the flow expects has arrived: the point to stop waiting (after a quiet period). */
export function looksComplete(evidence: Evidence): boolean {
  const tree = new TraceTree(evidence.spans);
  return (
    checkSingleRoot(evidence, tree).ok &&
    checkServicesPresent(evidence).ok &&
    checkExpectedSpans(evidence, tree).ok &&
    evidence.flow.edges.every((edge) => checkEdge(evidence, tree, edge).ok)
  );
}
