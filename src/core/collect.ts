// Waits for the spans of the fired requests to arrive in the Collector's file,
// then hands each request's evidence to the verifier.
import { hasFaults, type IntakeFaults } from '../intake/intake-faults.js';
import type { Span } from '../intake/span.js';
import type { SpanFile } from '../intake/span-file.js';
import { client, requestIdHeader, services } from '../topology/chain.js';
import type { OtelSettings } from '../topology/environment.js';
import type { FiredRequest } from '../traffic/fire-requests.js';
import type { Evidence } from '../verify/checks.js';
import { groupByTrace } from '../verify/trace-tree.js';
import { evidenceSettled, settleTiming } from '../verify/verify-trace.js';
import { sleep } from '../common/abort.js';

/**
 * How often the Collector's file is read while a verdict waits: often, since each read of a file
 * that did not grow costs next to nothing, and the verdict comes the first read after the spans.
 */
const pollMs = 20;

const healthPaths = [...new Set(services.map((s) => s.healthPath))];

/** Health probes are not part of any request: they must not look like split traces, nor like traffic. */
export function isHealthProbe(span: Span): boolean {
  const target = String(
    span.attributes['url.path'] ?? span.attributes['http.route'] ?? span.attributes['http.target'] ?? span.name,
  );
  return healthPaths.some((path) => target.includes(path));
}

/** What the verifier knows of the run besides the spans. */
export interface RunContext {
  runId?: string;
  otelSettings?: OtelSettings;
  /** What the spans file held that could not be read: each request's verdict says so. */
  faults?: IntakeFaults;
}

/**
 * The request ids a span was called with: the captured X-Request-Id header of a server span, or the
 * same id a consumer read from its message's headers (an array, or a string).
 */
export function requestIdsOf(span: Span): string[] {
  return requestIdHeader.attributes.flatMap((key) => {
    const value = span.attributes[key];
    return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String);
  });
}

/** Whether a span links a span of this trace (a consumer that started a new trace from a message). */
const linksInto = (span: Span, traceId: string) => span.links?.some((link) => link.traceId === traceId) ?? false;

/**
 * Each request's evidence: the spans under the trace id polytrace sent, the traces that continue
 * it by a span link, and the traces that split off from it. A trace continues this one when one
 * of its spans links a span of it; it split off when one of its spans was called (or sent a
 * message) with the request's id. Both are evidence the services carry themselves, so no clock is
 * compared (a service whose clock is seconds off, or a person's own curl during `up`, cannot blur
 * it).
 */
export function evidenceFor(
  requests: readonly FiredRequest[],
  spans: readonly Span[],
  run: RunContext = {},
): Evidence[] {
  const fired = new Set(requests.map((r) => r.traceId));
  const foreign = [...groupByTrace(spans.filter((s) => !fired.has(s.traceId) && s.service !== client.name)).values()];
  return requests.map((request) => {
    const continues = (trace: Span[]) => trace.some((s) => linksInto(s, request.traceId));
    return {
      flow: request.flow,
      traceId: request.traceId,
      spans: spans.filter((s) => s.traceId === request.traceId),
      linked: foreign.filter(continues).flat(),
      strays: foreign
        .filter((trace) => !continues(trace) && trace.some((s) => requestIdsOf(s).includes(request.requestId)))
        .flat(),
      ...(request.status !== undefined ? { status: request.status } : {}),
      ...(run.otelSettings ? { otelSettings: run.otelSettings } : {}),
      ...(run.runId ? { runId: run.runId } : {}),
      ...(run.faults && hasFaults(run.faults) ? { faults: { ...run.faults, examples: [...run.faults.examples] } } : {}),
    };
  });
}

/** Waits until every request's evidence is settled (verify-trace.ts says when), then returns it. */
export async function collectEvidence(
  { file, requests, run = {} }: { file: SpanFile; requests: readonly FiredRequest[]; run?: RunContext },
  signal: AbortSignal,
): Promise<Evidence[]> {
  const started = Date.now();
  let lastNew = Date.now();
  for (;;) {
    if ((await file.poll()).length > 0) lastNew = Date.now();
    const evidence = evidenceFor(requests, file.all(), { ...run, faults: file.faults });
    const quiet = Date.now() - lastNew;
    if (evidence.every((e) => evidenceSettled(e, quiet))) return evidence;
    if (Date.now() - started >= settleTiming.deadlineMs) return evidence;
    await sleep(pollMs, signal);
  }
}
