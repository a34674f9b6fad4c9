// `conformance --json`: one document on stdout for scripts and CI.
// schemaVersion changes only when a field changes meaning or goes away.
import type { ConformanceResult } from '../conformance/result.js';

const schemaVersion = 1;

export function renderConformanceJson(result: ConformanceResult): string {
  const document = {
    schemaVersion,
    recommendation: 'W3C Trace Context Level 1',
    runtime: result.runtime,
    scenario: result.scenario ?? null,
    runDir: result.runDir ?? null,
    spansFile: result.spansFile ?? null,
    durationMs: result.durationMs,
    services: result.services.map((s) => ({
      service: s.service,
      language: s.language,
      endpoint: s.endpoint,
      sdk: s.sdk ?? null,
      passed: s.cases.filter((c) => c.ok).length,
      total: s.cases.length,
      cases: s.cases.map((c) => ({ id: c.id, section: c.section, ok: c.ok, message: c.message })),
    })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
