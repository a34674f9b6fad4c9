// `--junit FILE`: JUnit XML as CI systems read it (Jenkins, GitLab, GitHub
// test reporters): one <testsuite> per request's trace, one <testcase> per
// check. xmlbuilder2 does the escaping, and replaces characters XML 1.0
// cannot hold, which a span name from a misbehaving service could contain.
import { create } from 'xmlbuilder2';
import type { RunResult } from '../verify/result.js';
import { traceExtent, type Span } from '../intake/span.js';
import type { TraceResult } from '../verify/result.js';

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** Wall time the trace covers, from its spans: the report stays a function of the result alone. */
function traceSeconds(spans: readonly Span[]): string {
  const { start, end } = traceExtent(spans);
  return seconds(Number(end - start) / 1e6);
}

export function renderJunit(result: RunResult): string {
  const checks = result.traces.flatMap((t) => t.checks);
  const expectation = result.expectation;
  const metricChecks = result.metrics.checks;
  const directions = result.directions ?? [];
  const failures =
    checks.filter((c) => !c.ok).length +
    metricChecks.filter((c) => !c.ok).length +
    directions.filter((d) => !d.ok).length +
    (expectation && !expectation.met ? 1 : 0);
  const root = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' }).ele('testsuites', {
    name: `polytrace check (${result.scenario})`,
    tests: checks.length + metricChecks.length + directions.length + (expectation ? 1 : 0),
    failures,
    errors: 0,
    time: seconds(result.durationMs),
  });
  result.traces.forEach((trace: TraceResult, i) => {
    const suite = root.ele('testsuite', {
      name: `request ${i + 1}: trace ${trace.traceId} (${trace.flow} flow)`,
      tests: trace.checks.length,
      failures: trace.checks.filter((c) => !c.ok).length,
      errors: 0,
      skipped: 0,
      time: traceSeconds(trace.spans),
    });
    const properties = suite.ele('properties');
    properties.ele('property', { name: 'trace.id', value: trace.traceId });
    properties.ele('property', { name: 'flow', value: trace.flow });
    properties.ele('property', { name: 'http.status', value: trace.status ?? 'no answer' });
    properties.ele('property', { name: 'runtime', value: result.runtime });
    for (const check of trace.checks) {
      const testcase = suite.ele('testcase', {
        classname: `polytrace.${result.scenario}.request-${i + 1}`,
        name: check.name,
        time: '0',
      });
      if (!check.ok) {
        // The message already names the hop; the type carries it apart for tools that group failures.
        testcase.ele('failure', { message: check.message, type: check.hop ?? check.name }).txt(check.message);
      }
    }
  });
  const metricsSuite = root.ele('testsuite', {
    name: `metrics (${result.metrics.file})`,
    tests: result.metrics.checks.length,
    failures: result.metrics.checks.filter((c) => !c.ok).length,
    errors: 0,
    skipped: 0,
    time: '0',
  });
  for (const check of result.metrics.checks) {
    const testcase = metricsSuite.ele('testcase', {
      classname: `polytrace.${result.scenario}.metrics`,
      name: check.name,
      time: '0',
    });
    if (!check.ok) testcase.ele('failure', { message: check.message, type: check.name }).txt(check.message);
  }
  if (result.directions) {
    const suite = root.ele('testsuite', {
      name: "directions between the chain's languages",
      tests: directions.length,
      failures: directions.filter((d) => !d.ok).length,
      errors: 0,
      skipped: 0,
      time: '0',
    });
    for (const direction of directions) {
      const testcase = suite.ele('testcase', {
        classname: `polytrace.${result.scenario}.directions`,
        name: `${direction.from.language} → ${direction.to.language} (${direction.evidence})`,
        time: '0',
      });
      // The schema puts a failure before the output; a passed direction's message says what held.
      if (!direction.ok) {
        testcase.ele('failure', { message: direction.message, type: direction.outcome }).txt(direction.message);
      } else {
        testcase.ele('system-out').txt(direction.message);
      }
    }
  }
  // With --expect-broken the checks fail on purpose; this case says whether the diagnosis was right.
  if (expectation) {
    const suite = root.ele('testsuite', {
      name: 'expect-broken',
      tests: 1,
      failures: expectation.met ? 0 : 1,
      errors: 0,
      skipped: 0,
      time: '0',
    });
    const testcase = suite.ele('testcase', {
      classname: `polytrace.${result.scenario}`,
      name: 'expected break diagnosed',
      time: '0',
    });
    if (!expectation.met) testcase.ele('failure', { message: expectation.message }).txt(expectation.message);
  }
  return root.end({ prettyPrint: true }) + '\n';
}
