// `conformance --junit FILE`: one <testsuite> per service, one <testcase> per
// case, as CI test reporters read it. xmlbuilder2 escapes, and replaces what
// XML 1.0 cannot hold (a failure message quotes what a service sent).
import { create } from 'xmlbuilder2';
import type { ConformanceResult } from '../conformance/result.js';
import { sdkLabel } from './conformance-table.js';

export function renderConformanceJunit(result: ConformanceResult): string {
  const all = result.services.flatMap((s) => s.cases);
  const root = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' }).ele('testsuites', {
    name: 'polytrace conformance (W3C Trace Context Level 1)',
    tests: all.length,
    failures: all.filter((c) => !c.ok).length,
    errors: 0,
    time: (result.durationMs / 1000).toFixed(3),
  });
  for (const service of result.services) {
    const suite = root.ele('testsuite', {
      name: `${service.service} (${service.language})`,
      tests: service.cases.length,
      failures: service.cases.filter((c) => !c.ok).length,
      errors: 0,
      skipped: 0,
      time: '0',
    });
    const properties = suite.ele('properties');
    properties.ele('property', { name: 'endpoint', value: service.endpoint });
    properties.ele('property', { name: 'sdk', value: sdkLabel(service.sdk) });
    properties.ele('property', { name: 'runtime', value: result.runtime });
    for (const verdict of service.cases) {
      const testcase = suite.ele('testcase', {
        classname: `polytrace.conformance.${service.service}`,
        name: `${verdict.id} (${verdict.section})`,
        time: '0',
      });
      if (!verdict.ok)
        testcase.ele('failure', { message: verdict.message, type: verdict.section }).txt(verdict.message);
    }
  }
  return root.end({ prettyPrint: true }) + '\n';
}
