// The judging of `polytrace conformance` on synthetic calls: the parsers of
// what a service sent, the catalogue, and whole verdicts for stand-in services.
import { describe, expect, it } from 'vitest';
import { probeCases } from '../../src/conformance/cases.js';
import { judgeCase } from '../../src/conformance/judge.js';
import { parseTraceparent, parseTracestate, type HeaderField } from '../../src/common/trace-context.js';
import { conforming, firstFieldOnly, probeVendor } from './fixtures/trace-context-vendors.js';

const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const probeCase = (id: string) => probeCases.find((c) => c.id === id)!;
const call = (...fields: HeaderField[]): HeaderField[] => fields;

describe('parseTraceparent (what a service sent)', () => {
  it('reads a version-00 traceparent, surrounding whitespace aside', () => {
    expect(parseTraceparent(` ${valid}\t`)).toEqual({
      version: '00',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentId: '00f067aa0ba902b7',
      flags: 1,
    });
  });

  it('takes any flags: Level 2 SDKs set the random trace-id flag on a trace they start', () => {
    expect(parseTraceparent(valid.replace(/01$/, '03'))).toMatchObject({ flags: 3 });
  });

  it.each([
    ['another version', valid.replace(/^00/, 'cc')],
    ['a field more', `${valid}-00`],
    ['upper-case hex', valid.toUpperCase()],
    ['an all-zero trace-id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
    ['an all-zero parent-id', `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`],
    ['a short trace-id', '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01'],
    ['two values in one', `${valid},${valid}`],
  ])('refuses %s, saying what it got', (_, value) => {
    const parsed = parseTraceparent(value);
    expect(typeof parsed).toBe('string');
    expect(parsed).toContain(value);
  });
});

describe('parseTracestate (what a service sent)', () => {
  it('combines several fields into one list, in order, ignoring whitespace and empty members', () => {
    expect(parseTracestate(['foo=1 ,\tbar=2', '', ' rojo=1,,congo@vendor=x y'])).toEqual([
      { key: 'foo', value: '1' },
      { key: 'bar', value: '2' },
      { key: 'rojo', value: '1' },
      { key: 'congo@vendor', value: 'x y' },
    ]);
  });

  it('keeps the first value of a repeated key, as the official suite does', () => {
    expect(parseTracestate(['foo=1,foo=2'])).toEqual([{ key: 'foo', value: '1' }]);
  });

  it.each([['FOO=1'], ['foo'], ['foo=bar=baz'], ['@foo=1']])('refuses the member %s', (value) => {
    expect(parseTracestate([value])).toMatch(/expected tracestate list-members of the form key=value/);
  });
});

describe('the case catalogue', () => {
  it('has unique ids, a numbered section each, and at least one step', () => {
    expect(new Set(probeCases.map((c) => c.id)).size).toBe(probeCases.length);
    for (const c of probeCases) {
      expect(c.section, c.id).toMatch(/^[34](\.\d+)* \S/);
      expect(c.steps.length, c.id).toBeGreaterThan(0);
    }
  });

  it("mirrors each of the official suite's 34 tests at strict level 1 once, plus two cases of its own", () => {
    const mirrored = probeCases.flatMap((c) => (c.suiteTest ? [c.suiteTest] : []));
    expect(mirrored).toHaveLength(34);
    expect(new Set(mirrored).size).toBe(34);
    expect(probeCases.filter((c) => !c.suiteTest).map((c) => c.id)).toEqual([
      'traceparent-upper-case-hex',
      'tracestate-with-invalid-traceparent',
    ]);
  });

  it('sends duplicated and empty fields as such', () => {
    expect(probeCase('traceparent-duplicated').steps[0]!.send.filter(([n]) => n === 'traceparent')).toHaveLength(2);
    expect(probeCase('tracestate-empty-header').steps[2]!.send.slice(1)).toEqual([
      ['tracestate', ''],
      ['tracestate', 'foo=1'],
    ]);
  });
});

describe('judgeCase', () => {
  it('passes a service that follows the Recommendation on every case', () => {
    const failed = probeVendor(conforming).filter((v) => !v.ok);
    expect(failed).toEqual([]);
  });

  it('fails a service that reads only the first field of each header on exactly the three cases that send several', () => {
    const failed = probeVendor(firstFieldOnly).filter((v) => !v.ok);
    expect(failed.map((v) => v.id)).toEqual([
      'traceparent-duplicated',
      'tracestate-empty-header',
      'tracestate-multiple-headers',
    ]);
    expect(failed[0]!.message).toMatch(
      /expected the trace to restart with a new trace-id, got the incoming 12345678901234567890123456789011$/,
    );
    expect(failed[2]!.message).toMatch(
      /expected rojo=1, congo=2, baz=3 in the tracestate, got tracestate "foo=1,bar=2"$/,
    );
  });

  it('passes with the expectation as the message, and names the section', () => {
    const verdict = probeVendor(conforming)[0]!;
    expect(verdict).toEqual({
      id: probeCases[0]!.id,
      section: probeCases[0]!.section,
      ok: true,
      message: probeCases[0]!.expectation,
    });
  });

  it('fails a step whose calls never came, with what the service answered', () => {
    const verdict = judgeCase(probeCase('traceparent-version-ff'), [{ status: 500, calls: [undefined] }]);
    expect(verdict.ok).toBe(false);
    expect(verdict.message).toBe(
      'sent traceparent: "ff-12345678901234567890123456789012-1234567890123456-01": expected 1 call back from the service, got 0 (it answered HTTP 500)',
    );
  });

  it('fails a call with two traceparent fields, or none', () => {
    const twice = judgeCase(probeCase('no-trace-context'), [
      { status: 200, calls: [call(['traceparent', valid], ['TraceParent', valid])] },
    ]);
    expect(twice.message).toMatch(/expected one traceparent field on the call, got 2/);
    const none = judgeCase(probeCase('no-trace-context'), [{ status: 200, calls: [call(['x-other', '1'])] }]);
    expect(none.message).toMatch(/expected one traceparent field on the call, got 0$/);
  });

  it('fails a service that passes on the incoming parent-id instead of its own', () => {
    const verdict = judgeCase(probeCase('traceparent-valid'), [
      { status: 200, calls: [call(['traceparent', '00-12345678901234567890123456789012-1234567890123456-01'])] },
    ]);
    expect(verdict.message).toMatch(
      /expected a new parent-id \(the service's own span\), got the incoming 1234567890123456 back/,
    );
  });

  it('fails a service that drops the sampled flag of a valid traceparent', () => {
    const verdict = judgeCase(probeCase('traceparent-valid'), [
      { status: 200, calls: [call(['traceparent', '00-12345678901234567890123456789012-aaaaaaaaaaaaaaaa-00'])] },
    ]);
    expect(verdict.message).toMatch(/expected the sampled flag set as it came in, got flags 00/);
  });

  it('fails a service that passes a tracestate on without a valid traceparent', () => {
    const verdict = judgeCase(probeCase('tracestate-with-invalid-traceparent'), [
      { status: 200, calls: [call(['traceparent', valid], ['tracestate', 'foo=1'])] },
    ]);
    expect(verdict.message).toMatch(/expected foo not to be passed on, got tracestate "foo=1"/);
  });

  it('names the call of several that broke', () => {
    const [parent1, parent2] = ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb'];
    const sent = (parent: string) => call(['traceparent', `00-12345678901234567890123456789012-${parent}-01`]);
    const verdict = judgeCase(probeCase('calls-valid-traceparent'), [
      { status: 200, calls: [sent(parent1), sent(parent2), sent(parent2)] },
    ]);
    expect(verdict.message).toMatch(/expected 3 different parent-ids, one per call, got 2/);
  });
});
