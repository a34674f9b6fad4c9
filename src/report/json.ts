// `--json`: one document on stdout for scripts and CI. schemaVersion changes
// only when a field changes meaning or goes away.
import type { RunResult } from '../verify/result.js';
import type { Span } from '../intake/span.js';

const schemaVersion = 1;

const spanJson = (s: Span) => ({
  traceId: s.traceId,
  spanId: s.spanId,
  parentSpanId: s.parentSpanId,
  name: s.name,
  kind: s.kind,
  service: s.service,
  language: s.language,
  startTimeUnixNano: s.startTimeUnixNano,
  endTimeUnixNano: s.endTimeUnixNano,
  status: s.status,
  attributes: s.attributes,
  ...(s.links?.length ? { links: s.links } : {}),
});

function checkResultJson(result: RunResult) {
  return {
    schemaVersion,
    ok: result.ok,
    runtime: result.runtime,
    scenario: result.scenario,
    runDir: result.runDir,
    spansFile: result.spansFile,
    durationMs: result.durationMs,
    expectation: result.expectation ?? null,
    metrics: result.metrics,
    sdks: result.sdks ?? [],
    // null: the run did not try them (no --sdk, no --directions).
    directions: result.directions ?? null,
    ...(result.directionsNotTried ? { directionsNotTried: result.directionsNotTried } : {}),
    sdkChecks: result.sdkChecks ?? [],
    unreadable: result.unreadable,
    traces: result.traces.map((t) => ({
      traceId: t.traceId,
      flow: t.flow,
      ok: t.ok,
      status: t.status ?? null,
      checks: t.checks.map((c) => ({ name: c.name, ok: c.ok, message: c.message, ...(c.hop ? { hop: c.hop } : {}) })),
      diagnosis: t.diagnosis ?? null,
      clockSkews: t.clockSkews,
      spans: t.spans.map(spanJson),
      strays: t.strays.map(spanJson),
      linked: (t.linked ?? []).map(spanJson),
    })),
  };
}

export function renderJson(result: RunResult): string {
  return `${JSON.stringify(checkResultJson(result), null, 2)}\n`;
}
