import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emitReports } from '../../src/commands/emit-reports.js';
import { renderHtml } from '../../src/report/html.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdownSummary } from '../../src/report/markdown.js';
import { reporters } from '../../src/report/reporters.js';
import { colorsFor } from '../../src/report/style.js';
import { renderCheckResult } from '../../src/report/terminal.js';
import { checkResult, failingOrderTrace, goodTrace, splitTrace } from './fixtures/run-result.js';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['testsuite', 'testcase', 'property', 'failure'].includes(name),
});

interface Case {
  name: string;
  classname: string;
  failure?: { message: string; type: string; '#text': string }[];
}
interface Suite {
  name: string;
  tests: string;
  failures: string;
  testcase: Case[];
  properties: { property: { name: string; value: string }[] };
}

const parseJunit = (xml: string) => {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml).testsuites as { tests: string; failures: string; testsuite: Suite[] };
};

describe('JUnit reporter', () => {
  it('one suite per trace and one for the metrics, one case per check, failures with their message', () => {
    const result = checkResult([goodTrace(), splitTrace()]);
    const junit = parseJunit(renderJunit(result));
    expect(junit.testsuite).toHaveLength(3);
    expect(junit.testsuite[2]!.testcase.map((c) => c.name)).toEqual(result.metrics.checks.map((c) => c.name));
    for (const [i, trace] of result.traces.entries()) {
      const suite = junit.testsuite[i]!;
      expect(suite.testcase.map((c) => c.name)).toEqual(trace.checks.map((c) => c.name));
      expect(Number(suite.tests)).toBe(trace.checks.length);
      expect(Number(suite.failures)).toBe(trace.checks.filter((c) => !c.ok).length);
      expect(suite.properties.property).toContainEqual({ name: 'trace.id', value: trace.traceId });
    }
    const total = [...result.traces.flatMap((t) => t.checks), ...result.metrics.checks];
    expect(Number(junit.tests)).toBe(total.length);
    expect(Number(junit.failures)).toBe(total.filter((c) => !c.ok).length);
    expect(junit.testsuite[0]!.testcase.every((c) => c.failure === undefined)).toBe(true);
    const split = junit.testsuite[1]!.testcase.find((c) => c.name === 'one-trace-id')!;
    expect(split.failure![0]!.type).toBe('order-service → notification-service');
    expect(split.failure![0]!['#text']).toMatch(/notification-service started a new trace/);
  });

  it('escapes markup and drops characters XML cannot hold', () => {
    const trace = goodTrace();
    trace.checks[0] = { name: 'a <b> & "c"', ok: false, message: 'x < y && z > "w" \u0007 \u001b[31m' };
    const xml = renderJunit(checkResult([trace], { scenario: `it's <odd>` }));
    const junit = parseJunit(xml);
    const failed = junit.testsuite[0]!.testcase[0]!;
    expect(failed.name).toBe('a <b> & "c"');
    expect(failed.failure![0]!.message).toMatch(/^x < y && z > "w" /);
    expect(xml).not.toMatch(/[\u0007\u001b]/);
    expect(failed.classname).toBe("polytrace.it's <odd>.request-1");
  });

  it('with --expect-broken, one more case says whether the diagnosis was right', () => {
    const result = checkResult([splitTrace()], {
      ok: true,
      expectation: { met: true, message: 'found it' },
    });
    const junit = parseJunit(renderJunit(result));
    expect(junit.testsuite.map((s) => s.name)).toContain('expect-broken');
    expect(junit.testsuite.at(-1)!.testcase[0]!.failure).toBeUndefined();
  });
});

describe('Markdown summary', () => {
  it('a verdict, one row per request, the failed checks and the dependency map', () => {
    const md = renderMarkdownSummary(checkResult([goodTrace(), splitTrace(), failingOrderTrace()]));
    expect(md).toMatch(/^## polytrace check `happy`\n\n❌ 1\/3 traces verified\n/);
    const rows = md.split('\n').filter((l) => /^\| \d+ \|/.test(l));
    expect(rows).toHaveLength(3);
    expect(rows[1]).toMatch(/\| 13 \(\+2 split off\) \| ❌ 9\/13 \|$/);
    expect(md).toMatch(/### Failed checks\n\n- Request 2, \*\*one-trace-id\*\*: order-service → notification-service:/);
    expect(md).toMatch(/\| api-gateway \| order-service \| 3 \| 1 \| 0 \| 190\.0ms \| 190\.0ms \|/);
    expect(md.endsWith('\n\n')).toBe(true);
  });

  it('all green: no failures section', () => {
    const md = renderMarkdownSummary(checkResult([goodTrace()]));
    expect(md).toMatch(/✅ 1\/1 traces verified: one traceparent linked every span/);
    expect(md).not.toMatch(/Failed checks/);
  });

  it('keeps a table cell on one line', () => {
    const trace = goodTrace();
    trace.flow = 'a|b\nc';
    expect(renderMarkdownSummary(checkResult([trace]))).toContain('| a\\|b c |');
  });
});

describe('terminal summary', () => {
  it('includes the dependency map', () => {
    const text = renderCheckResult(checkResult([goodTrace()]), { width: 80, colors: colorsFor(false) });
    expect(text).toMatch(/Service dependencies[\s\S]*api-gateway +→ auth-service +1 +0 +0/);
  });

  it('stays within 80 columns, failure sentences wrapped, with a broken trace too', () => {
    const text = renderCheckResult(checkResult([goodTrace(), splitTrace()]), { width: 80, colors: colorsFor(false) });
    expect(text).toMatch(/one-trace-id: /);
    for (const line of text.split('\n').filter((l) => !l.includes('spans: /'))) {
      expect(line.length, line).toBeLessThanOrEqual(80);
    }
  });
});

describe('HTML reporter (structure; the browser test opens it)', () => {
  const html = renderHtml(checkResult([goodTrace(), splitTrace()]));

  it('is self-contained: no URL to fetch, a CSP that forbids fetching', () => {
    expect(html).not.toMatch(/\b(src|href)=/i);
    // url(#arrow) names the SVG marker in the page itself.
    expect(html).not.toMatch(/url\((?!#)|@import|https?:\/\//i);
    expect(html).toContain(`default-src 'none'`);
  });

  it('escapes what the spans say', () => {
    const trace = goodTrace();
    trace.spans[0]!.attributes['x'] = '<script>alert(1)</script>';
    expect(renderHtml(checkResult([trace]))).not.toContain('<script>alert');
  });

  it('a waterfall row per span (strays included), a table row per check (and per metrics check)', () => {
    const [good, split] = [goodTrace(), splitTrace()];
    const count = (re: RegExp) => (html.match(re) ?? []).length;
    expect(count(/<details class="span/g)).toBe(good.spans.length + split.spans.length + split.strays.length);
    expect(count(/<tr class="(pass|fail)">/g)).toBe(good.checks.length + split.checks.length + 1);
  });
});

describe('reporters table and where reports go', () => {
  const dir = mkdtempSync(join(tmpdir(), 'polytrace-reports-'));
  afterEach(() => vi.restoreAllMocks());

  it('every reporter is a function of the result alone: same input, same text', () => {
    const result = checkResult([goodTrace(), splitTrace()]);
    const context = { width: 80, colors: colorsFor(false) };
    for (const render of Object.values(reporters)) expect(render(result, context)).toBe(render(result, context));
    expect(Object.keys(reporters).sort()).toEqual(['github-summary', 'html', 'json', 'junit', 'terminal']);
  });

  it('writes --html and --junit files and appends the step summary', async () => {
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, 'earlier step\n');
    const result = checkResult([goodTrace()]);
    const flags = { json: true, html: join(dir, 'out', 'report.html'), junit: join(dir, 'out', 'junit.xml') };
    await emitReports(result, flags, { GITHUB_STEP_SUMMARY: summary });
    expect(JSON.parse(String(stdout.mock.calls[0]![0])).ok).toBe(true);
    expect(readFileSync(flags.html, 'utf8')).toBe(renderHtml(result));
    expect(readFileSync(flags.junit, 'utf8')).toBe(renderJunit(result));
    expect(readFileSync(summary, 'utf8')).toBe(`earlier step\n${renderMarkdownSummary(result)}`);
  });
});
