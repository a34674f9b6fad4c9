// What the lab concludes from one verified trace: fixed when the trace is whole
// and every span and hop the exercise requires is there, linked by the spans
// the SDKs really sent; else each thing that still breaks, hop by hop.
import type { TraceResult } from '../verify/result.js';
import { serviceOf } from '../verify/diagnose.js';
import type { Exercise } from './exercise.js';

export interface LabVerdict {
  fixed: boolean;
  /** The hop the verifier names first, or `inside <service>` for a trace split within one, while broken. */
  brokenAt?: string;
  /** What still breaks, one line each, in flow order. */
  problems: string[];
}

export function labVerdict(exercise: Exercise, trace: TraceResult): LabVerdict {
  const failed = trace.checks.filter((c) => !c.ok);
  // Hop by hop, in flow order: each broken call or message once. Only when every hop holds do the
  // other checks (a missing span, a lost baggage entry) say what is left.
  const hops = failed.filter((c) => c.name.startsWith('edge '));
  const problems = (hops.length > 0 ? hops : failed).map((c) => c.message);
  for (const required of exercise.requires.spans) {
    if (!trace.spans.some((s) => serviceOf(s) === required.service && s.name === required.name)) {
      problems.push(
        `the exercise requires ${required.service}'s span "${required.name}" in the request's trace: none there`,
      );
    }
  }
  for (const hop of exercise.requires.hops) {
    const edge = trace.checks.find((c) => c.name === `edge ${hop}`);
    if (!edge) problems.push(`the exercise requires the hop ${hop}: the trace's flow has none`);
  }
  const unique = [...new Set(problems)];
  const brokenAt =
    trace.diagnosis?.hop ??
    trace.checks.find((c) => !c.ok && c.hop)?.hop ??
    splitInside(trace) ??
    missingInside(exercise, trace);
  return unique.length === 0
    ? { fixed: true, problems: [] }
    : { fixed: false, problems: unique, ...(brokenAt ? { brokenAt } : {}) };
}

/**
 * Where a trace split inside one service rather than at a hop: a span of its own work (not the
 * SERVER or CONSUMER span a call or message starts) that began a trace of its own, as work handed
 * to another thread or callback without its context does. `inside <service>`.
 */
function splitInside(trace: TraceResult): string | undefined {
  const ids = new Set(trace.strays.map((s) => s.spanId));
  const root = trace.strays.find(
    (s) => (!s.parentSpanId || !ids.has(s.parentSpanId)) && s.kind !== 'SERVER' && s.kind !== 'CONSUMER',
  );
  return root ? `inside ${serviceOf(root)}` : undefined;
}

/**
 * A span the exercise requires is missing although its service is in the trace and every hop holds:
 * the work inside that service lost the trace (its split-off span, carrying no request id, cannot
 * be tied to the request). `inside <service>`.
 */
function missingInside(exercise: Exercise, trace: TraceResult): string | undefined {
  const present = (service: string, name?: string) =>
    trace.spans.some((s) => serviceOf(s) === service && (name === undefined || s.name === name));
  const missing = exercise.requires.spans.find((r) => present(r.service) && !present(r.service, r.name));
  return missing ? `inside ${missing.service}` : undefined;
}
