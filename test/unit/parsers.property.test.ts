// Property-based tests (fast-check) of the readers that take input from
// outside: the OTLP JSON reader, and the traceparent and tracestate parsers.
// Whatever the input, they answer (spans and faults, a value or an error
// sentence) and never throw; what they accept, they read back exactly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTraceparent, parseTracestate } from '../../src/common/trace-context.js';
import { parseOtlpJsonLines } from '../../src/intake/otlp-json.js';

const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`));
const nonZeroHex = (length: number) => hex(length).filter((id) => !/^0+$/.test(id));

/** A span as OTLP JSON may write it: ids in either case, timestamps as strings or numbers. */
const otlpSpan = fc.record({
  traceId: nonZeroHex(32).map((id) => id.toUpperCase()),
  spanId: nonZeroHex(16),
  parentSpanId: fc.oneof(fc.constant(''), nonZeroHex(16)),
  name: fc.string(),
  kind: fc.integer({ min: 0, max: 5 }),
  startTimeUnixNano: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 63n }).map(String), fc.nat()),
  attributes: fc.array(
    fc.record({
      key: fc.string(),
      value: fc.oneof(
        fc.record({ stringValue: fc.string() }),
        fc.record({ boolValue: fc.boolean() }),
        fc.record({ intValue: fc.integer().map(String) }),
        fc.record({ doubleValue: fc.double({ noNaN: true, noDefaultInfinity: true }) }),
      ),
    }),
    { maxLength: 4 },
  ),
});
const otlpLine = fc
  .array(otlpSpan, { maxLength: 5 })
  .map((spans) => ({ spans, line: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] }) }));

describe('the OTLP JSON reader', () => {
  it('never throws, and consumes exactly the whole lines of any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const { consumed } = parseOtlpJsonLines(text);
        expect(consumed).toBe(text.lastIndexOf('\n') + 1);
      }),
    );
  });

  it('never throws on any JSON value, and counts each line it cannot read', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 5 }), (values) => {
        const text = values.map((v) => `${JSON.stringify(v)}\n`).join('');
        const { spans, faults } = parseOtlpJsonLines(text);
        expect(faults.unreadableLines).toBeLessThanOrEqual(values.length);
        for (const span of spans) expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
      }),
    );
  });

  it('reads back every valid span of every line, whatever lines of garbage stand between them', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            otlpLine,
            // A line of garbage starts with "[": JSON or not, it is never an export request.
            fc.string().map((garbage) => ({ spans: null, line: `[${garbage.replace(/\n/g, '')}` })),
          ),
        ),
        (lines) => {
          const { spans, faults } = parseOtlpJsonLines(lines.map((l) => `${l.line}\n`).join(''));
          const expected = lines.flatMap((l) => l.spans ?? []);
          expect(spans.map((s) => [s.traceId, s.spanId, s.name, s.startTimeUnixNano])).toEqual(
            expected.map((s) => [s.traceId.toLowerCase(), s.spanId, s.name, String(s.startTimeUnixNano)]),
          );
          expect(faults.unreadableLines).toBe(lines.filter((l) => l.spans === null).length);
        },
      ),
    );
  });

  it('names a span with an id of the wrong length or alphabet, and keeps the others', () => {
    const badId = fc.string().filter((id) => !/^[0-9a-fA-F]{16}$/.test(id));
    fc.assert(
      fc.property(otlpSpan, otlpSpan, badId, (kept, dropped, id) => {
        const line = JSON.stringify({
          resourceSpans: [{ scopeSpans: [{ spans: [kept, { ...dropped, spanId: id }] }] }],
        });
        const { spans, faults } = parseOtlpJsonLines(`${line}\n`);
        expect(spans.map((s) => s.spanId)).toEqual([kept.spanId]);
        expect(faults.invalidSpans).toBe(1);
      }),
    );
  });
});

describe('the traceparent parser', () => {
  it('reads back any valid version-00 traceparent', () => {
    fc.assert(
      fc.property(nonZeroHex(32), nonZeroHex(16), fc.integer({ min: 0, max: 255 }), (traceId, parentId, flags) => {
        const value = `00-${traceId}-${parentId}-${flags.toString(16).padStart(2, '0')}`;
        expect(parseTraceparent(value)).toEqual({ version: '00', traceId, parentId, flags });
      }),
    );
  });

  it('answers any string with a traceparent or an error sentence, never a throw', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const parsed = parseTraceparent(value);
        if (typeof parsed === 'string') expect(parsed).toMatch(/^expected /);
        else expect(`${parsed.version}-${parsed.traceId}-${parsed.parentId}`).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}$/);
      }),
    );
  });
});

describe('the tracestate parser', () => {
  const key = fc.stringMatching(/^[a-z][_0-9a-z*/-]{0,20}$/);
  const value = fc.stringMatching(/^[\x21-\x2b\x2d-\x3c\x3e-\x7e]{1,20}$/);

  it('reads back any list of valid members, the first value of a repeated key kept', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(key, value), { maxLength: 8 }),
        fc.integer({ min: 1, max: 3 }),
        (members, fields) => {
          const list = members.map(([k, v]) => `${k}=${v}`);
          const per = Math.ceil(list.length / fields) || 1;
          const values = Array.from({ length: fields }, (_, i) => list.slice(i * per, (i + 1) * per).join(' , '));
          const firsts = members.filter(([k], i) => members.findIndex(([other]) => other === k) === i);
          expect(parseTracestate(values)).toEqual(firsts.map(([k, v]) => ({ key: k, value: v })));
        },
      ),
    );
  });

  it('answers any header values with members or an error sentence, never a throw', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 3 }), (values) => {
        const parsed = parseTracestate(values);
        if (typeof parsed === 'string') expect(parsed).toMatch(/^expected /);
        else for (const member of parsed) expect(member.key).toMatch(/^[0-9a-z]/);
      }),
    );
  });
});
