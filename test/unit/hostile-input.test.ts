// Files and requests that are not what polytrace expects: a line cut short, a
// wrongly-typed field, ids that are not hex, a FIFO, a file with no spans, a
// request the callee refused. Each costs what it must and no more, and the
// verdict says so.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/common/errors.js';
import { collectEvidence } from '../../src/core/collect.js';
import { spansFileOf, viewRun, type ViewedTrace } from '../../src/core/view.js';
import { AppendedLines } from '../../src/intake/appended-lines.js';
import { readOtlpMetricLines } from '../../src/intake/otlp-metrics.js';
import { parseOtlpJsonLines } from '../../src/intake/otlp-json.js';
import { SpanFile } from '../../src/intake/span-file.js';
import type { Span } from '../../src/intake/span.js';
import { colorsFor } from '../../src/report/style.js';
import { renderCheckResult } from '../../src/report/terminal.js';
import { flows } from '../../src/topology/chain.js';
import { verifyCallerTrace } from '../../src/verify/caller-trace.js';
import { verifyTrace } from '../../src/verify/verify-trace.js';
import { checkResult } from './fixtures/run-result.js';
import { otlpLine } from './fixtures/otlp-lines.js';
import { evidence, orderTrace } from './fixtures/synthetic-trace.js';

const folder = () => mkdtempSync(join(tmpdir(), 'polytrace-hostile-'));
/** polytrace's request as the file holds it: its own span carries the answer it got. */
const answered = (traceId?: string) =>
  orderTrace(traceId).map((s) =>
    s.service === 'polytrace' ? { ...s, attributes: { ...s.attributes, 'http.response.status_code': 201 } } : s,
  );
const good = (traceId?: string) => otlpLine(answered(traceId));
const traceIdOf = (n: number) => `${'ab'.repeat(12)}${n.toString(16).padStart(8, '0')}`;

describe('reading the spans file', () => {
  it('a malformed line costs that line: the spans around it are kept, and it is counted', () => {
    const text = `${good(traceIdOf(1))}\n{"resourceSpans":[{"scopeSp\n${good(traceIdOf(2))}\n`;
    const { spans, faults, consumed } = parseOtlpJsonLines(text);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([traceIdOf(1), traceIdOf(2)]));
    expect(consumed).toBe(text.length);
    expect(faults.unreadableLines).toBe(1);
    expect(faults.examples[0]).toMatch(/^line 2: not JSON/);
  });

  it('a wrongly-typed line (a fractional timestamp, a numeric name) is skipped and named', () => {
    const fractional = good().replace(/"startTimeUnixNano":"\d+"/, '"startTimeUnixNano":1.5');
    const numericName = good().replace(/"name":"[^"]*"/, '"name":42');
    const { spans, faults } = parseOtlpJsonLines(`${fractional}\n${numericName}\n${good()}\n`);
    expect(spans).toHaveLength(orderTrace().length);
    expect(faults.unreadableLines).toBe(2);
    expect(faults.examples[0]).toMatch(/line 1: not OTLP JSON: .*startTimeUnixNano: expected an unsigned integer/);
    expect(faults.examples[1]).toMatch(/line 2: not OTLP JSON: .*\.name: expected a string, got number/);
  });

  it('a span whose ids are not hex of the right length is invalid and named; the rest of its line is kept', () => {
    const spans = orderTrace();
    const broken = spans.map((s, i) =>
      i === 1 ? { ...s, spanId: 'xyz' } : i === 2 ? { ...s, traceId: `${s.traceId}00` } : s,
    );
    const parsed = parseOtlpJsonLines(`${otlpLine(broken)}\n`);
    expect(parsed.spans).toHaveLength(spans.length - 2);
    expect(parsed.faults.invalidSpans).toBe(2);
    expect(parsed.faults.examples[0]).toMatch(/invalid span ".*" of .*: its spanId "xyz" is not 16 hex digits/);
    expect(parsed.faults.examples[1]).toMatch(/its traceId ".*" is not 32 hex digits/);
  });

  it('a span file followed while it grows: a bad line is skipped, a half-written line waits, reading goes on', async () => {
    const file = join(folder(), 'spans.jsonl');
    writeFileSync(file, `${good(traceIdOf(1))}\nnot json at all\n${good(traceIdOf(2)).slice(0, 100)}`);
    const spans = new SpanFile(file);
    expect(new Set((await spans.poll()).map((s) => s.traceId))).toEqual(new Set([traceIdOf(1)]));
    expect(spans.faults.unreadableLines).toBe(1);
    appendFileSync(file, `${good(traceIdOf(2)).slice(100)}\n${good(traceIdOf(3))}\n`);
    expect(new Set((await spans.poll()).map((s) => s.traceId))).toEqual(new Set([traceIdOf(2), traceIdOf(3)]));
    expect(spans.faults.unreadableLines).toBe(1);
    expect(spans.faults.examples).toEqual([
      'line 2: not JSON (Unexpected token \'o\', "not json at all" is not valid JSON)',
    ]);
  });

  it('a line longer than a line may be is skipped to its newline and counted, in bounded memory', async () => {
    const file = join(folder(), 'spans.jsonl');
    const short = otlpLine(orderTrace().slice(0, 1));
    writeFileSync(file, `${'x'.repeat(5000)}\n${short}\n`);
    const lines = new AppendedLines(file, 1024);
    const texts: string[] = [];
    for (let i = 0; i < 20; i += 1) texts.push(await lines.read());
    expect(lines.oversized).toBe(1);
    expect(texts.join('')).toBe(`${short}\n`);
  });

  it('a metrics line with the wrong types is skipped and counted; the others are totalled', () => {
    const point = (count: unknown) =>
      JSON.stringify({
        resourceMetrics: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api-gateway' } }] },
            scopeMetrics: [{ metrics: [{ name: 'm', histogram: { dataPoints: [{ count }] } }] }],
          },
        ],
      });
    const { series, faults } = readOtlpMetricLines([point('3'), point(1.5), '{', point('4')].join('\n'));
    expect(series[0]!.value).toBe(4);
    expect(faults.unreadableLines).toBe(2);
  });
});

describe('check, with a malformed line between its requests', () => {
  it('verifies the traces on both sides of it, and says the line was skipped', async () => {
    const file = join(folder(), 'spans.jsonl');
    writeFileSync(file, `${good(traceIdOf(1))}\n{"resourceSpans":[{"resource":{"attri\n${good(traceIdOf(2))}\n`);
    const requests = [1, 2].map((n) => ({
      flow: flows.order,
      traceId: traceIdOf(n),
      requestId: `req-${n}`,
      status: 201,
      startedAt: Date.now(),
      endedAt: Date.now(),
    }));
    const found = await collectEvidence(
      { file: new SpanFile(file), requests, run: { runId: '20261130T090000Z-4242' } },
      new AbortController().signal,
    );
    const traces = found.map(verifyTrace);
    expect(traces.map((t) => t.ok)).toEqual([true, true]);
    for (const trace of traces) {
      expect(trace.checks.find((c) => c.name === 'evidence-read')?.message).toMatch(
        /1 unreadable line \(line 2: not JSON.*every span this flow expects was read anyway/,
      );
    }
  });
});

describe('the verdict on a run with unreadable lines', () => {
  const faults = { unreadableLines: 3, invalidSpans: 0, examples: ['line 7: not JSON (…)'] };

  it('fails with its own message when an expected span is missing, naming what was unreadable', () => {
    const spans = orderTrace().filter((s) => s.service !== 'notification-service');
    const result = verifyTrace(evidence(spans, { faults }));
    const check = result.checks.find((c) => c.name === 'evidence-read')!;
    expect(check.ok).toBe(false);
    expect(check.message).toMatch(/got 3 unreadable lines: .*line 7: not JSON.*notification-service "POST \/notify"/);
  });

  it('passes, saying so, when every expected span was read anyway', () => {
    const result = verifyTrace(evidence(orderTrace(), { faults }));
    expect(result.ok).toBe(true);
    expect(result.checks.find((c) => c.name === 'evidence-read')!.message).toMatch(
      /3 unreadable lines .* every span this flow expects was read anyway/,
    );
  });

  it('the terminal names the unreadable lines of the run', () => {
    const result = checkResult([verifyTrace(evidence(orderTrace()))], {
      unreadable: { spans: faults, metrics: { unreadableLines: 0, invalidSpans: 0, examples: [] } },
    });
    expect(renderCheckResult(result, { width: 100, colors: colorsFor(false) })).toMatch(
      /⚠ the spans file had 3 unreadable lines, skipped: line 7/,
    );
  });
});

describe('verdicts from what happened', () => {
  it('a trace without notification-service counts 3 languages: polytrace’s own span is not the chain', () => {
    const spans = orderTrace().filter((s) => s.service !== 'notification-service');
    const result = checkResult([verifyTrace(evidence(spans))]);
    expect(renderCheckResult(result, { width: 200, colors: colorsFor(false) })).toMatch(
      /4 services?|3 services, 3 languages \(go, java, python\)|3 languages/,
    );
    expect(renderCheckResult(result, { width: 200, colors: colorsFor(false) })).not.toMatch(/4 languages/);
  });

  /** A person's request with a good token and a header auth-service's server refuses (HTTP 400 before any route). */
  function refusedByAuth(): Span[] {
    const spans = orderTrace();
    const root = spans.find((s) => s.service === 'polytrace')!;
    return spans
      .filter((s) => s !== root && !['order-service', 'notification-service'].includes(s.service))
      .filter((s) => s.name !== 'token.validate' && s.name !== 'orders.create' && s.name !== 'POST')
      .map((s) => ({ ...s, parentSpanId: s.parentSpanId === root.spanId ? '' : s.parentSpanId }))
      .map((s) =>
        s.service === 'auth-service'
          ? { ...s, name: 'GET', attributes: { 'http.request.method': 'GET', 'http.response.status_code': 400 } }
          : s.service === 'api-gateway' && s.kind === 'SERVER'
            ? { ...s, attributes: { ...s.attributes, 'http.response.status_code': 401 } }
            : s,
      );
  }

  it('a request with a token that came back 401 is still an order: the status it got is what is judged', () => {
    const trace = verifyCallerTrace(refusedByAuth());
    expect(trace.flow).toBe(flows.order.name);
    const status = trace.checks.find((c) => c.name === 'response-status')!;
    expect(status.ok).toBe(false);
    expect(status.message).toMatch(/Expected api-gateway to answer HTTP 201 for the order flow, got HTTP 401/);
  });

  it('a callee whose span is there is never said to have recorded nothing', () => {
    const trace = verifyCallerTrace(refusedByAuth());
    expect(trace.diagnosis?.cause).toBe('refused');
    expect(trace.diagnosis?.message).toMatch(
      /auth-service answered HTTP 400 in its SERVER span "GET" before its route/,
    );
    expect(JSON.stringify(trace.checks)).not.toMatch(/recorded nothing/);
  });
});

describe('view', () => {
  const collect = async (spansFile: string) => {
    const traces: ViewedTrace[] = [];
    const run = await viewRun({ spansFile, onTrace: (t) => traces.push(t) });
    return { run, traces };
  };

  it('refuses a FIFO with one line instead of hanging', async () => {
    const fifo = join(folder(), 'spans.jsonl');
    execFileSync('mkfifo', [fifo]);
    await expect(spansFileOf(fifo)).rejects.toThrow(
      new UsageError(`Expected a spans.jsonl that is a regular file, got ${fifo}: it is a FIFO`),
    );
  });

  it.each([
    ['an empty file', '', /got none: it is empty/],
    ['a file of JSON that is not OTLP', '{"foo":1}\n', /got none: 1 lines, with nothing unreadable/],
    ['a file of lines that are not JSON', 'a\nb\n', /got none: 2 lines, with 2 unreadable lines/],
  ])('a file with no spans (%s) is an error, not an empty page', async (_, content, message) => {
    const file = join(folder(), 'spans.jsonl');
    writeFileSync(file, content);
    await expect(collect(file)).rejects.toThrow(UsageError);
    await expect(collect(file)).rejects.toThrow(message);
  });

  it('keeps the traces around a bad line and says how many lines it skipped', async () => {
    const file = join(folder(), 'spans.jsonl');
    writeFileSync(
      file,
      `${good(traceIdOf(1))}\n{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":7}]}]}]}\n${good(traceIdOf(2))}\n{"cut`,
    );
    const { run, traces } = await collect(file);
    expect(traces.map((t) => t.trace.traceId).sort()).toEqual([traceIdOf(1), traceIdOf(2)]);
    expect(traces.map((t) => t.trace.checks.filter((c) => !c.ok))).toEqual([[], []]);
    expect(run.faults.unreadableLines).toBe(2);
    expect(run.faults.examples[1]).toMatch(/line 4: cut short/);
  });

  it('a trace of 150,000 spans does not overflow the stack', async () => {
    const [template] = orderTrace().filter((s) => s.service === 'notification-service');
    const spans = Array.from({ length: 150_000 }, (_, i) => ({
      ...template!,
      spanId: (i + 1).toString(16).padStart(16, '0'),
      parentSpanId: '',
    }));
    const file = join(folder(), 'spans.jsonl');
    const lines = Array.from({ length: 15 }, (_, i) => otlpLine(spans.slice(i * 10_000, (i + 1) * 10_000)));
    writeFileSync(file, `${lines.join('\n')}\n`);
    const { traces } = await collect(file);
    expect(traces).toHaveLength(1);
  }, 60_000);

  it('takes time linear in the file: four times the lines, well under sixteen times the time', async () => {
    const write = (requests: number) => {
      const file = join(folder(), 'spans.jsonl');
      const lines = Array.from({ length: requests }, (_, n) => orderTrace(traceIdOf(n)).map((s) => otlpLine([s])))
        .flat()
        .join('\n');
      writeFileSync(file, `${lines}\n`);
      return file;
    };
    const timed = async (file: string) => {
      const started = performance.now();
      await collect(file);
      return performance.now() - started;
    };
    // The fastest of three runs each: a busy machine slows some runs, never speeds one up.
    const fastest = async (file: string) => {
      const times: number[] = [];
      for (let i = 0; i < 3; i++) times.push(await timed(file));
      return Math.min(...times);
    };
    const [small, large] = [write(250), write(1000)];
    await timed(small);
    const ratio = (await fastest(large)) / (await fastest(small));
    expect(ratio).toBeLessThan(9);
  }, 120_000);
});
