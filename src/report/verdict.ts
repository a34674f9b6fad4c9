// One line per trace that says what happened, for a person who has not read
// the checks: the terminal of `up` and the live page print it under each
// trace, with a legend for the waterfall's marks.
import { client } from '../topology/chain.js';
import { causeTitles } from '../verify/cause.js';
import { describeSpan } from '../verify/diagnose.js';
import type { TraceResult } from '../verify/result.js';
import type { UnsampledRequests } from '../verify/unsampled.js';
import { isFailed, waterfallRows } from './waterfall.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function traceVerdict(trace: TraceResult): string {
  const chain = trace.spans.filter((s) => s.service !== client.name);
  const services = new Set(chain.map((s) => s.service)).size;
  const languages = new Set(chain.map((s) => s.language).filter(Boolean)).size;
  const facts = `${trace.flow} flow, HTTP ${trace.status ?? '—'}`;
  const whose = trace.caller ? 'your request: ' : '';
  if (trace.ok) {
    const root = !trace.caller
      ? ''
      : trace.caller.parentSpanId
        ? `; its root is your own span ${trace.caller.parentSpanId}`
        : '; no traceparent came with it, so api-gateway started the trace';
    return `✓ ${whose || 'verified: '}one trace, ${plural(trace.spans.length, 'span')} across ${plural(services, 'service')} in ${plural(languages, 'language')} (${facts})${root}`;
  }
  if (trace.diagnosis) {
    return `✗ ${whose}broken at ${trace.diagnosis.hop}: ${causeTitles[trace.diagnosis.cause]} (${facts})`;
  }
  const failed = trace.checks.filter((c) => !c.ok).map((c) => c.name);
  return `✗ ${whose}${plural(failed.length, 'check')} failed: ${failed.join(', ')} (${facts})`;
}

/** What each mark beside a trace or a line means: `up` prints it under its first trace, the live page above its list. */
export const marksLegend =
  '✓ verified · ✗ a check failed, or a span ended in error · ⚠ a span whose parent never arrived (for a request sent by hand: your own span) · ○ a request that left no span (not sampled)';

/** The marks the waterfall of these spans shows, each with what it means. */
export function markLegend(trace: Pick<TraceResult, 'spans' | 'strays' | 'caller'>): string[] {
  const rows = [...waterfallRows(trace.spans), ...waterfallRows(trace.strays)];
  const callerRoot = trace.caller?.parentSpanId;
  const orphans = rows.filter((r) => r.orphan);
  const legend: string[] = [];
  if (rows.some((r) => !r.orphan && isFailed(r.span))) {
    legend.push(
      "✗ the span's status is ERROR or it answered HTTP 5xx (a CLIENT span whose call got a 4xx is ERROR too, by OpenTelemetry's HTTP conventions)",
    );
  }
  for (const row of orphans.filter((r) => callerRoot && r.span.parentSpanId === callerRoot)) {
    legend.push(
      `⚠ ${describeSpan(row.span)}: its parent ${callerRoot} is your own span, named by the traceparent you sent; you did not export it here, so the trace starts below it`,
    );
  }
  if (orphans.some((r) => r.span.parentSpanId !== callerRoot)) {
    legend.push('⚠ the span names a parent that never arrived: the caller did not export it, or sampled it out');
  }
  return legend;
}

export function unsampledVerdict(requests: UnsampledRequests): string {
  const times = requests.count === 1 ? '' : ` (${requests.count} requests)`;
  return `○ not sampled (flag 00): nothing recorded, as W3C Trace Context asks: ${requests.service} answered ${requests.method} ${requests.route} with HTTP ${requests.status}${times} and no span`;
}
