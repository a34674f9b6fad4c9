// A cell's verdict from its run's evidence: broken when a trace or a
// direction between two SDKs broke, with where and the versions on each side
// (from the spans, never from what was asked). The metrics checks are said
// beside it: the matrix asks whether one traceparent links every span.
import type { Diagnosis } from '../verify/diagnose.js';
import type { DirectionVerdict } from '../verify/direction.js';
import type { RunResult, SdkRan } from '../verify/result.js';
import type { BreakEnd, CellBreak, CellVerdict } from './result.js';

/** The version a service's spans name: the agent's own for Java (its distro), else the SDK's. */
function ranVersion(sdk: SdkRan): string {
  const distroVersion = sdk.distro?.split(' ').at(-1);
  return distroVersion && /^\d/.test(distroVersion) ? distroVersion : sdk.version;
}

function endOf(service: string, sdks: readonly SdkRan[]): BreakEnd {
  const ran = sdks.find((s) => s.service === service);
  return { service, language: ran?.language ?? 'unknown', ...(ran ? { version: ranVersion(ran) } : {}) };
}

/** A broken hop of the chain: its two ends are the first and last service the diagnosis names. */
function hopBreak(diagnosis: Diagnosis, sdks: readonly SdkRan[]): CellBreak {
  const services = diagnosis.hop.split(' → ');
  return {
    kind: 'hop',
    where: diagnosis.hop,
    from: endOf(services[0]!, sdks),
    to: endOf(services.at(-1)!, sdks),
    outcome: diagnosis.cause,
    message: diagnosis.message,
  };
}

const outcomes: Record<DirectionVerdict['outcome'], string> = {
  continued: 'continued the trace',
  restarted: 'started a new trace',
  'no-call': 'made no call',
};

/**
 * `java → go (root)`: the direction, and which of the headers tried on it (the sender's root,
 * its child) the receiver did not continue, so an expectation can tell a root break from a child one.
 */
function directionBreak(direction: DirectionVerdict): CellBreak {
  const failed = (direction.trials ?? []).filter((t) => t.outcome !== 'continued').map((t) => t.emittedAs);
  return {
    kind: 'direction',
    where: `${direction.from.language} → ${direction.to.language}${failed.length > 0 ? ` (${failed.join(', ')})` : ''}`,
    from: direction.from,
    to: direction.to,
    traceparent: direction.traceparent,
    outcome: outcomes[direction.outcome],
    message: direction.message,
  };
}

export interface CellEvidence {
  verdict: Exclude<CellVerdict, 'error'>;
  breaks: CellBreak[];
  traces: { verified: number; total: number };
  reported?: CellBreak[];
  metricsNote?: string;
}

export function cellEvidence(result: RunResult): CellEvidence {
  const sdks = result.sdks ?? [];
  const hopBreaks = result.traces.flatMap((t) => (!t.ok && t.diagnosis ? [hopBreak(t.diagnosis, sdks)] : []));
  // A trace that failed without a diagnosis still broke: said as the trace's first failed check.
  const undiagnosed = result.traces.filter((t) => !t.ok && !t.diagnosis);
  const breaks = [
    // The same hop broken in each request is one break.
    ...hopBreaks.filter((b, i) => hopBreaks.findIndex((o) => o.where === b.where && o.message === b.message) === i),
    ...undiagnosed.slice(0, 1).map((t): CellBreak => ({
      kind: 'hop',
      where: `trace ${t.traceId}`,
      from: { language: 'unknown', service: 'unknown' },
      to: { language: 'unknown', service: 'unknown' },
      outcome: 'failed a check',
      message: t.checks.find((c) => !c.ok)?.message ?? 'the trace failed',
    })),
    ...(result.directions ?? []).filter((d) => !d.ok && d.judged).map(directionBreak),
  ];
  // Broken directions between a version the cell names and a default it does not: said, not judged.
  const reported = (result.directions ?? []).filter((d) => !d.ok && !d.judged).map(directionBreak);
  const failedMetrics = result.metrics.checks.filter((c) => !c.ok);
  return {
    verdict: breaks.length > 0 ? 'broken' : 'pass',
    breaks,
    traces: { verified: result.traces.filter((t) => t.ok).length, total: result.traces.length },
    ...(reported.length > 0 ? { reported } : {}),
    ...(failedMetrics.length > 0
      ? { metricsNote: `metrics: ${failedMetrics.map((c) => c.message).join('; ')}`.slice(0, 500) }
      : {}),
  };
}
