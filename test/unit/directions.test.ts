// The judging of the directions between the chain's languages, on header
// fields as the callback server records them (names in the case each client
// sent, Go's canonical "Traceparent" among them), and the reports of them.
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  directionEnds,
  flagsInWords,
  judgeDirections,
  judgeTrial,
  type HandedHeader,
} from '../../src/verify/directions.js';
import { chainHops, observedHops, pairKey } from '../../src/verify/observed-hops.js';
import type { HeaderField } from '../../src/common/trace-context.js';
import { renderDirectionsBlock } from '../../src/report/direction-table.js';
import { renderHtml } from '../../src/report/html.js';
import { renderJson } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdownSummary } from '../../src/report/markdown.js';
import { colorsFor } from '../../src/report/style.js';
import { renderCheckResult } from '../../src/report/terminal.js';
import { services } from '../../src/topology/chain.js';
import type { DirectionEnd, ObservedHop } from '../../src/verify/direction.js';
import { checkResult, goodTrace, splitTrace } from './fixtures/run-result.js';

const trace = (n: number) => n.toString(16).padStart(32, 'a');
const span = (n: number) => n.toString(16).padStart(16, 'b');
const traceparent = (t: number, s: number, flags: string) => `00-${trace(t)}-${span(s)}-${flags}`;

/** A call as the callback server records it: every raw header field, the context among them. */
const call = (name: string, value: string): HeaderField[] => [
  ['Host', '127.0.0.1:40000'],
  [name, value],
  ['Content-Type', 'application/json'],
];

const ends: DirectionEnd[] = [
  { language: 'go', service: 'api-gateway', version: '1.41.0' },
  { language: 'java', service: 'auth-service', version: '2.26.0' },
  { language: 'python', service: 'order-service', version: '1.45.1' },
  { language: 'nodejs', service: 'notification-service', version: '2.12.0' },
];

/** What each SDK emitted: Java's root and child carry the Level 2 random flag, the others only `sampled`. */
const emitted: Record<string, { root: string; child: string; field: string }> = {
  'api-gateway': { root: traceparent(1, 1, '01'), child: traceparent(2, 2, '01'), field: 'Traceparent' },
  'auth-service': { root: traceparent(3, 3, '03'), child: traceparent(4, 4, '03'), field: 'traceparent' },
  'order-service': { root: traceparent(5, 5, '01'), child: traceparent(6, 6, '01'), field: 'traceparent' },
  'notification-service': { root: traceparent(7, 7, '01'), child: traceparent(8, 8, '01'), field: 'traceparent' },
};

/**
 * Every header handed over: Go (v1.41.0) refuses flags above 2 and starts trace 99 instead; every
 * other receiver keeps the trace id with a span of its own.
 */
function handedAll(): HandedHeader[] {
  let next = 100;
  return ends.flatMap((from) =>
    ends
      .filter((to) => to !== from)
      .flatMap((to) =>
        (['root', 'child'] as const).map((emittedAs) => {
          const sentValue = emitted[from.service]![emittedAs];
          const sent = [[emitted[from.service]!.field, sentValue] as const];
          const [, traceId, , flags] = sentValue.split('-') as [string, string, string, string];
          const refused = to.language === 'go' && Number.parseInt(flags, 16) > 2;
          const out = `00-${refused ? trace(99) : traceId}-${span(next++)}-${refused ? '01' : flags}`;
          return {
            from: from.service,
            to: to.service,
            emittedAs,
            sent,
            received: call(emitted[to.service]!.field, out),
          };
        }),
      ),
  );
}

describe('flagsInWords', () => {
  it.each([
    [0x00, 'not sampled'],
    [0x01, 'sampled'],
    [0x02, 'not sampled, random: W3C Level 2'],
    [0x03, 'sampled, random: W3C Level 2'],
    [0x09, 'sampled, unknown flags 0x08'],
  ])('reads %i as "%s"', (flags, words) => {
    expect(flagsInWords(flags)).toBe(words);
  });
});

describe('judgeTrial (what the receiver did with one header)', () => {
  const sent = [['traceparent', traceparent(3, 3, '03')] as const];
  const base = { from: 'auth-service', to: 'api-gateway', emittedAs: 'root' as const, sent };

  it('continued: its own call carries the same trace id, under any header-name case', () => {
    const received = call('Traceparent', traceparent(3, 9, '03'));
    expect(judgeTrial({ ...base, received })).toEqual({
      emittedAs: 'root',
      traceparent: traceparent(3, 3, '03'),
      outcome: 'continued',
    });
  });

  it('restarted: its own call carries another trace id', () => {
    expect(judgeTrial({ ...base, received: call('Traceparent', traceparent(4, 9, '01')) }).outcome).toBe('restarted');
  });

  it('no-call: no call came, or one without a valid traceparent', () => {
    expect(judgeTrial({ ...base, received: undefined }).outcome).toBe('no-call');
    expect(judgeTrial({ ...base, received: [['Host', '127.0.0.1']] }).outcome).toBe('no-call');
    expect(judgeTrial({ ...base, received: call('traceparent', 'garbage') }).outcome).toBe('no-call');
  });

  it('restarted, never continued, when what was handed over is not a valid traceparent', () => {
    const invalid = { ...base, sent: [['traceparent', 'garbage'] as const] };
    expect(judgeTrial({ ...invalid, received: call('traceparent', traceparent(3, 9, '01')) }).outcome).toBe(
      'restarted',
    );
  });
});

describe('judgeDirections', () => {
  const observed = new Map<string, ObservedHop>([
    [
      pairKey('api-gateway', 'auth-service'),
      { hop: 'api-gateway → auth-service', traces: 3, ok: true, outcome: 'continued' },
    ],
  ]);
  const verdicts = judgeDirections({ ends, handed: handedAll(), observed });
  const named = (from: string, to: string) => verdicts.find((v) => v.from.language === from && v.to.language === to)!;

  it('gives every ordered pair of different languages one verdict: 12', () => {
    expect(verdicts).toHaveLength(12);
    expect(new Set(verdicts.map((v) => `${v.from.language}>${v.to.language}`)).size).toBe(12);
  });

  it('finds java → go broken on the root header, derived, and says it in the words of both sides', () => {
    const broken = named('java', 'go');
    expect(broken).toMatchObject({
      ok: false,
      evidence: 'derived',
      emittedAs: 'root',
      outcome: 'restarted',
      traceparent: traceparent(3, 3, '03'),
    });
    expect(broken.message).toBe(
      'java 2.26.0 (auth-service) → go 1.41.0 (api-gateway): the root traceparent java sent ends -03 (sampled, random: W3C Level 2); go started a new trace',
    );
    expect(broken.trials?.map((t) => t.outcome)).toEqual(['restarted', 'restarted']);
    expect(verdicts.filter((v) => !v.ok).map((v) => `${v.from.language}>${v.to.language}`)).toEqual(['java>go']);
  });

  it('marks a chain hop the traces saw as observed, and still tries both headers on it', () => {
    const edge = named('go', 'java');
    expect(edge).toMatchObject({ ok: true, evidence: 'observed', outcome: 'continued', emittedAs: 'root' });
    expect(edge.observed?.hop).toBe('api-gateway → auth-service');
    expect(edge.trials).toHaveLength(2);
    expect(edge.message).toBe(
      'go 1.41.0 (api-gateway) → java 2.26.0 (auth-service): observed on the chain (api-gateway → auth-service held in 3 traces); java continued the root (-01) and child (-01) traceparents go sent',
    );
    // A chain edge the traces did not see is derived like any other pair.
    expect(named('go', 'python').evidence).toBe('derived');
  });

  it('fails a direction whose chain hop broke, even when both handed headers were continued', () => {
    const hop: ObservedHop = { hop: 'api-gateway → auth-service', traces: 2, ok: false, outcome: 'restarted' };
    const [verdict] = judgeDirections({
      ends: ends.slice(0, 2),
      handed: handedAll().filter((h) => h.from === 'api-gateway' && h.to === 'auth-service'),
      observed: new Map([[pairKey('api-gateway', 'auth-service'), hop]]),
    });
    expect(verdict).toMatchObject({ ok: false, evidence: 'observed', outcome: 'restarted', emittedAs: 'child' });
    expect(verdict!.message).toMatch(/on the chain, api-gateway → auth-service broke: java started a new trace/);
  });

  it('fails a direction on which no header was tried', () => {
    const [verdict] = judgeDirections({ ends: ends.slice(0, 2), handed: [], observed: new Map() });
    expect(verdict).toMatchObject({ ok: false, outcome: 'no-call' });
  });
});

describe('observedHops (the chain hops in the run’s traces)', () => {
  it('knows the chain’s HTTP hops between services: go → java, go → python, python → nodejs', () => {
    expect(chainHops.map((h) => h.hop)).toEqual([
      'api-gateway → auth-service',
      'api-gateway → order-service',
      'order-service → notification-service',
    ]);
  });

  it('counts the traces that checked each hop; a broken hop whose callee turned up as a stray restarted', () => {
    const hops = observedHops([goodTrace(), splitTrace()]);
    expect(hops.get(pairKey('api-gateway', 'auth-service'))).toEqual({
      hop: 'api-gateway → auth-service',
      traces: 2,
      ok: true,
      outcome: 'continued',
    });
    expect(hops.get(pairKey('order-service', 'notification-service'))).toMatchObject({
      ok: false,
      outcome: 'restarted',
    });
  });
});

describe('directionEnds (versions from the spans)', () => {
  it('takes telemetry.sdk.version, and the distro version of the Java agent', () => {
    const found = directionEnds([
      { service: 'api-gateway', language: 'go', name: 'opentelemetry', version: '1.41.0' },
      {
        service: 'auth-service',
        language: 'java',
        name: 'opentelemetry',
        version: '1.60.1',
        distro: 'opentelemetry-java-instrumentation 2.26.0',
      },
    ]);
    expect(found.map((e) => e.service)).toEqual(services.map((s) => s.name));
    expect(found[0]).toEqual({ language: 'go', service: 'api-gateway', version: '1.41.0' });
    expect(found[1]).toEqual({ language: 'java', service: 'auth-service', version: '2.26.0' });
    // No spans, no version: never the one polytrace asked for.
    expect(found[2]).toEqual({ language: 'python', service: 'order-service' });
  });
});

describe('direction reports', () => {
  const directions = judgeDirections({ ends, handed: handedAll(), observed: new Map() });
  const result = checkResult([goodTrace()], { ok: false, directions });

  it('terminal: a row per direction, and the message of the broken one', () => {
    const text = renderDirectionsBlock(directions, { colors: colorsFor(false), width: 200 });
    expect(text).toMatch(/Directions: 11\/12 continued/);
    expect(text).toMatch(/✗ java → go\s+✗ -03 new trace\s+✗ -03 new trace\s+derived/);
    expect(text).toMatch(/✓ go → java\s+✓ -01\s+✓ -01\s+derived/);
    expect(text).toContain('✗ java 2.26.0 (auth-service) → go 1.41.0 (api-gateway): the root traceparent');
  });

  it('terminal report: the directions block, and a verdict that says a direction broke', () => {
    const text = renderCheckResult(result, { colors: colorsFor(false), width: 120 });
    expect(text).toContain('Directions: 11/12 continued');
    expect(text).toMatch(/✗ 1\/1 traces verified; a direction between the languages broke/);
    expect(renderCheckResult(checkResult([goodTrace()]), { colors: colorsFor(false), width: 120 })).not.toContain(
      'Directions',
    );
  });

  it('HTML: a row per direction, the broken one marked failed', () => {
    const html = renderHtml(result);
    expect(html).toContain('<h2>Directions between the languages</h2>');
    expect(html.match(/<tr class="fail"><td class="icon">✗<\/td><td>java → go<\/td>/g)).toHaveLength(1);
  });

  it('JSON: the verdicts as they are; null when the run did not try them', () => {
    expect(JSON.parse(renderJson(result)).directions).toEqual(directions);
    expect(JSON.parse(renderJson(checkResult([goodTrace()]))).directions).toBeNull();
  });

  it('JUnit: a test case per direction, the broken one failed with its message', () => {
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(renderJunit(result));
    const suites = [xml.testsuites.testsuite].flat() as Array<{ name: string; testcase: unknown }>;
    const suite = suites.find((s) => s.name.startsWith('directions'))!;
    const cases = [suite.testcase].flat() as Array<{ name: string; failure?: { message: string } }>;
    expect(cases).toHaveLength(12);
    expect(cases.filter((c) => c.failure).map((c) => c.name)).toEqual(['java → go (derived)']);
    expect(cases.find((c) => c.failure)!.failure!.message).toMatch(/ends -03/);
  });

  it('Markdown: a table row per direction and the broken one’s message', () => {
    const md = renderMarkdownSummary(result);
    expect(md).toContain('| ❌ | java → go | ✗ -03 new trace | ✗ -03 new trace | derived |');
    expect(md).toMatch(/- java 2\.26\.0 \(auth-service\) → go 1\.41\.0/);
  });
});
