// The cases of `polytrace conformance`, written from W3C Trace Context Level 1
// (W3C Recommendation, 23 November 2021): section 3.2 the traceparent header,
// 3.3 the tracestate header, 4 the processing model. Each case sends a service's
// POST /w3c/test the header fields of its steps and says what the calls the
// service makes back must carry.
//
// The stimuli and verdicts follow the official test suite (w3c/trace-context,
// test/test.py) at its strict level 1, the level that checks what the
// Recommendation requires (MUST); `suiteTest` names the test each case mirrors.
// Its level-2 tests check what a vendor MAY do (drop a tracestate with a
// duplicated key, an invalid key or value, more than 32 members, a key too
// long), so they are not here. Two cases check a MUST the suite leaves out:
// upper-case hex, and tracestate dropped with an invalid traceparent.
import {
  all,
  carries,
  continues,
  distinctParents,
  drops,
  ordered,
  restarts,
  validContext,
  type Expectation,
} from './expectations.js';
import type { HeaderField } from '../common/trace-context.js';

export interface ProbeStep {
  /** Header fields sent with POST /w3c/test exactly as written: name case, repeats, whitespace. */
  send: HeaderField[];
  /** How many calls the service is asked to make back to the probe. */
  calls: number;
  /** What those calls must carry. */
  expect: Expectation;
}

export interface ProbeCase {
  id: string;
  /** The section of the Recommendation it checks, number and title. */
  section: string;
  /** What a conforming service does, in a few words. */
  expectation: string;
  /** The official test suite's test this case mirrors, when it mirrors one. */
  suiteTest?: string;
  steps: ProbeStep[];
}

const traceId = '12345678901234567890123456789012';
const parentId = '1234567890123456';
const zeroTraceId = '0'.repeat(32);

const traceparent = (value: string): HeaderField => ['traceparent', value];
const tracestate = (value: string): HeaderField => ['tracestate', value];
/** A traceparent from the given parts, the others valid. */
const parts = ({ version = '00', trace = traceId, parent = parentId, flags = '01' } = {}) =>
  `${version}-${trace}-${parent}-${flags}`;
/** A valid, unsampled traceparent: the suite's companion to every tracestate case. */
const unsampled = traceparent(parts({ flags: '00' }));

const step = (send: HeaderField[], expect: Expectation, calls = 1): ProbeStep => ({ send, calls, expect });
/** One step per traceparent value, each expecting the same. */
const eachTraceparent = (values: string[], expect: Expectation) => values.map((v) => step([traceparent(v)], expect));

// 3.3.1.3.1 Key and 3.3.1.3.2 Value: every character each may hold.
const keyCharacters = 'abcdefghijklmnopqrstuvwxyz0123456789_-*/';
const printable = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => String.fromCharCode(from + i)).join('');
const allowedCharacters = {
  simpleKey: keyCharacters,
  tenantKey: `${keyCharacters}@a-z0-9_-*/`,
  // Printable ASCII without "," (0x2c) and "=" (0x3d); it starts with a space, which a value may.
  value: printable(0x20, 0x2b) + printable(0x2d, 0x3c) + printable(0x3e, 0x7e),
};

const continued = continues(traceId, parentId);
const restarted = restarts(traceId);

export const probeCases: ProbeCase[] = [
  // 3.2 traceparent: what a valid one carries on, what an invalid one restarts.
  {
    id: 'no-trace-context',
    section: '4.2 No traceparent Received',
    expectation: 'starts a trace: a valid traceparent on the call',
    suiteTest: 'test_both_traceparent_and_tracestate_missing',
    steps: [step([], validContext)],
  },
  {
    id: 'traceparent-valid',
    section: '3.4 Mutating the traceparent Field',
    expectation: 'same trace-id, a new parent-id, the sampled flag carried on',
    suiteTest: 'test_traceparent_included_tracestate_missing',
    steps: [
      step([traceparent(parts())], continues(traceId, parentId, { sampled: true })),
      step([traceparent(parts({ flags: '00' }))], continues(traceId, parentId, { sampled: false })),
    ],
  },
  {
    id: 'traceparent-duplicated',
    section: '3.2.2 traceparent Header Field Values',
    expectation: 'two traceparent fields combine into no valid value: a new trace',
    suiteTest: 'test_traceparent_duplicated',
    steps: [
      step(
        [
          traceparent(parts({ trace: '12345678901234567890123456789011' })),
          traceparent(parts({ trace: '12345678901234567890123456789012' })),
        ],
        restarts('12345678901234567890123456789011', '12345678901234567890123456789012'),
      ),
    ],
  },
  {
    id: 'traceparent-header-name',
    section: '3.2.1 Header Name',
    expectation: 'trace-parent and trace.parent are not traceparent: a new trace',
    suiteTest: 'test_traceparent_header_name',
    steps: [step([['trace-parent', parts()]], restarted), step([['trace.parent', parts()]], restarted)],
  },
  {
    id: 'traceparent-header-name-case',
    section: '3.2.1 Header Name',
    expectation: 'the header name in any case: the trace continues',
    suiteTest: 'test_traceparent_header_name_valid_casing',
    steps: ['TraceParent', 'TrAcEpArEnT', 'TRACEPARENT'].map((name) => step([[name, parts()]], continued)),
  },
  {
    id: 'traceparent-version-00-extra',
    section: '3.2.4 Versioning of traceparent',
    expectation: 'version 00 with anything after the flags is invalid: a new trace',
    suiteTest: 'test_traceparent_version_0x00',
    steps: eachTraceparent([`${parts()}.`, `${parts()}-what-the-future-will-be-like`], restarted),
  },
  {
    id: 'traceparent-version-future',
    section: '3.2.4 Versioning of traceparent',
    expectation: 'a higher version is parsed for the known fields: the trace continues, unless the flags run on',
    suiteTest: 'test_traceparent_version_0xcc',
    steps: [
      ...eachTraceparent(
        [parts({ version: 'cc' }), `${parts({ version: 'cc' })}-what-the-future-will-be-like`],
        continued,
      ),
      ...eachTraceparent([`${parts({ version: 'cc' })}.what-the-future-will-be-like`], restarted),
    ],
  },
  {
    id: 'traceparent-version-ff',
    section: '3.2.2.1 version',
    expectation: 'version ff is invalid: a new trace',
    suiteTest: 'test_traceparent_version_0xff',
    steps: eachTraceparent([parts({ version: 'ff' })], restarted),
  },
  {
    id: 'traceparent-version-not-hex',
    section: '3.2.2.1 version',
    expectation: 'a version that is not hex: a new trace',
    suiteTest: 'test_traceparent_version_illegal_characters',
    steps: eachTraceparent([parts({ version: '.0' }), parts({ version: '0.' })], restarted),
  },
  {
    id: 'traceparent-version-too-long',
    section: '3.2.2.1 version',
    expectation: 'a version of more than 2 hex digits: a new trace',
    suiteTest: 'test_traceparent_version_too_long',
    steps: eachTraceparent([parts({ version: '000' }), parts({ version: '0000' })], restarted),
  },
  {
    id: 'traceparent-version-too-short',
    section: '3.2.2.1 version',
    expectation: 'a version of 1 hex digit: a new trace',
    suiteTest: 'test_traceparent_version_too_short',
    steps: eachTraceparent([parts({ version: '0' })], restarted),
  },
  {
    id: 'trace-id-all-zero',
    section: '3.2.2.3 trace-id',
    expectation: 'an all-zero trace-id is invalid: a new trace',
    suiteTest: 'test_traceparent_trace_id_all_zero',
    steps: eachTraceparent([parts({ trace: zeroTraceId })], restarts(zeroTraceId)),
  },
  {
    id: 'trace-id-not-hex',
    section: '3.2.2.3 trace-id',
    expectation: 'a trace-id that is not hex: a new trace',
    suiteTest: 'test_traceparent_trace_id_illegal_characters',
    steps: ['.2345678901234567890123456789012', '1234567890123456789012345678901.'].map((trace) =>
      step([traceparent(parts({ trace }))], restarts(trace)),
    ),
  },
  {
    id: 'trace-id-too-long',
    section: '3.2.2.3 trace-id',
    expectation: 'a trace-id of 33 hex digits: a new trace, not part of it',
    suiteTest: 'test_traceparent_trace_id_too_long',
    steps: eachTraceparent(
      [parts({ trace: '123456789012345678901234567890123' })],
      restarts('123456789012345678901234567890123', traceId, '23456789012345678901234567890123'),
    ),
  },
  {
    id: 'trace-id-too-short',
    section: '3.2.2.3 trace-id',
    expectation: 'a trace-id of 31 hex digits: a new trace',
    suiteTest: 'test_traceparent_trace_id_too_short',
    steps: eachTraceparent(
      [parts({ trace: '1234567890123456789012345678901' })],
      restarts('1234567890123456789012345678901'),
    ),
  },
  {
    id: 'parent-id-all-zero',
    section: '3.2.2.4 parent-id',
    expectation: 'an all-zero parent-id is invalid: a new trace',
    suiteTest: 'test_traceparent_parent_id_all_zero',
    steps: eachTraceparent([parts({ parent: '0000000000000000' })], restarted),
  },
  {
    id: 'parent-id-not-hex',
    section: '3.2.2.4 parent-id',
    expectation: 'a parent-id that is not hex: a new trace',
    suiteTest: 'test_traceparent_parent_id_illegal_characters',
    steps: eachTraceparent([parts({ parent: '.234567890123456' }), parts({ parent: '123456789012345.' })], restarted),
  },
  {
    id: 'parent-id-too-long',
    section: '3.2.2.4 parent-id',
    expectation: 'a parent-id of 17 hex digits: a new trace',
    suiteTest: 'test_traceparent_parent_id_too_long',
    steps: eachTraceparent([parts({ parent: '12345678901234567' })], restarted),
  },
  {
    id: 'parent-id-too-short',
    section: '3.2.2.4 parent-id',
    expectation: 'a parent-id of 15 hex digits: a new trace',
    suiteTest: 'test_traceparent_parent_id_too_short',
    steps: eachTraceparent([parts({ parent: '123456789012345' })], restarted),
  },
  {
    id: 'traceparent-upper-case-hex',
    section: '3.2.2 traceparent Header Field Values',
    expectation: 'upper-case hex is invalid (HEXDIGLC): a new trace',
    steps: [
      step(
        [traceparent(parts({ trace: '1234567890ABCDEF1234567890ABCDEF' }))],
        restarts('1234567890abcdef1234567890abcdef', '1234567890ABCDEF1234567890ABCDEF'),
      ),
      step([traceparent(parts({ parent: '1234567890ABCDEF' }))], restarted),
    ],
  },
  {
    id: 'trace-flags-not-hex',
    section: '3.2.2.5 trace-flags',
    expectation: 'flags that are not hex: a new trace',
    suiteTest: 'test_traceparent_trace_flags_illegal_characters',
    steps: eachTraceparent([parts({ flags: '.0' }), parts({ flags: '0.' })], restarted),
  },
  {
    id: 'trace-flags-too-long',
    section: '3.2.2.5 trace-flags',
    expectation: 'flags of 3 hex digits: a new trace',
    suiteTest: 'test_traceparent_trace_flags_too_long',
    steps: eachTraceparent([parts({ flags: '001' })], restarted),
  },
  {
    id: 'trace-flags-too-short',
    section: '3.2.2.5 trace-flags',
    expectation: 'flags of 1 hex digit: a new trace',
    suiteTest: 'test_traceparent_trace_flags_too_short',
    steps: eachTraceparent([parts({ flags: '1' })], restarted),
  },
  {
    id: 'traceparent-whitespace',
    section: '3.2.2 traceparent Header Field Values',
    expectation: 'spaces and tabs around the value (HTTP optional whitespace): the trace continues',
    suiteTest: 'test_traceparent_ows_handling',
    steps: eachTraceparent(
      [` ${parts()}`, `\t${parts()}`, `${parts()} `, `${parts()}\t`, `\t ${parts()} \t`],
      continued,
    ),
  },

  // 3.3 tracestate: carried on with a valid traceparent, combined, and never without one.
  {
    id: 'tracestate-without-traceparent',
    section: '4.2 No traceparent Received',
    expectation: 'a tracestate without a traceparent is not passed on',
    suiteTest: 'test_tracestate_included_traceparent_missing',
    steps: [step([tracestate('foo=1')], drops('foo')), step([tracestate('foo=1,bar=2')], drops('foo', 'bar'))],
  },
  {
    id: 'tracestate-with-invalid-traceparent',
    section: '3.3 Tracestate Header',
    expectation: 'with an invalid traceparent the tracestate is not parsed: a new trace without it',
    steps: [
      step([traceparent(parts({ version: 'ff' })), tracestate('foo=1')], all(restarted, drops('foo'))),
      step([traceparent(parts({ trace: zeroTraceId })), tracestate('foo=1')], all(restarts(zeroTraceId), drops('foo'))),
    ],
  },
  {
    id: 'tracestate-valid',
    section: '3.5 Mutating the tracestate Field',
    expectation: 'the trace continues and every list-member is carried on',
    suiteTest: 'test_tracestate_included_traceparent_included',
    steps: [step([unsampled, tracestate('foo=1,bar=2')], all(continued, carries(['foo', '1'], ['bar', '2'])))],
  },
  {
    id: 'tracestate-header-name',
    section: '3.3.1 Header Name',
    expectation: 'trace-state and trace.state are not tracestate: not passed on',
    suiteTest: 'test_tracestate_header_name',
    steps: ['trace-state', 'trace.state'].map((name) => step([unsampled, [name, 'foo=1']], drops('foo'))),
  },
  {
    id: 'tracestate-header-name-case',
    section: '3.3.1 Header Name',
    expectation: 'the header name in any case: carried on',
    suiteTest: 'test_tracestate_header_name_valid_casing',
    steps: ['TraceState', 'TrAcEsTaTe', 'TRACESTATE'].map((name) =>
      step([unsampled, [name, 'foo=1']], carries(['foo', '1'])),
    ),
  },
  {
    id: 'tracestate-empty-header',
    section: '3.3.1.1 tracestate Header Field Values',
    expectation: 'an empty tracestate field is accepted, beside another one too: the members still carried on',
    suiteTest: 'test_tracestate_empty_header',
    steps: [
      step([unsampled, tracestate('')], continued),
      step([unsampled, tracestate('foo=1'), tracestate('')], all(continued, carries(['foo', '1']))),
      step([unsampled, tracestate(''), tracestate('foo=1')], all(continued, carries(['foo', '1']))),
    ],
  },
  {
    id: 'tracestate-multiple-headers',
    section: '3.3.1.1 tracestate Header Field Values',
    expectation: 'several tracestate fields are combined into one list, in order',
    suiteTest: 'test_tracestate_multiple_headers_different_keys',
    steps: [
      step(
        [unsampled, tracestate('foo=1,bar=2'), tracestate('rojo=1,congo=2'), tracestate('baz=3')],
        all(
          continued,
          carries(['foo', '1'], ['bar', '2'], ['rojo', '1'], ['congo', '2'], ['baz', '3']),
          ordered('foo', 'bar', 'rojo', 'congo', 'baz'),
        ),
      ),
    ],
  },
  {
    id: 'tracestate-all-allowed-characters',
    section: '3.3.1.3 list-members',
    expectation:
      'a key (simple and multi-tenant tenant@system) and a value of every allowed character: carried on as they are',
    suiteTest: 'test_tracestate_all_allowed_characters',
    steps: [allowedCharacters.simpleKey, allowedCharacters.tenantKey].map((key) =>
      step([unsampled, tracestate(`${key}=${allowedCharacters.value}`)], carries([key, allowedCharacters.value])),
    ),
  },
  {
    id: 'tracestate-whitespace',
    section: '3.3.1.2 list',
    expectation: 'spaces and tabs around list-members are ignored: carried on',
    suiteTest: 'test_tracestate_ows_handling',
    steps: [
      ...['foo=1 \t , \t bar=2, \t baz=3', 'foo=1\t \t,\t \tbar=2,\t \tbaz=3'].map((value) =>
        step([unsampled, tracestate(value)], carries(['foo', '1'], ['bar', '2'], ['baz', '3'])),
      ),
      ...[' foo=1', '\tfoo=1', 'foo=1 ', 'foo=1\t', '\t foo=1 \t'].map((value) =>
        step([unsampled, tracestate(value)], all(continued, carries(['foo', '1']))),
      ),
    ],
  },

  // 3.4: one incoming request, several outgoing calls.
  {
    id: 'calls-valid-traceparent',
    section: '3.4 Mutating the traceparent Field',
    expectation: 'three calls: each in the incoming trace, each with its own parent-id',
    suiteTest: 'test_multiple_requests_with_valid_traceparent',
    steps: [step([traceparent(parts())], all(continued, distinctParents), 3)],
  },
  {
    id: 'calls-no-traceparent',
    section: '4.2 No traceparent Received',
    expectation: 'three calls in a new trace, each with its own parent-id',
    suiteTest: 'test_multiple_requests_without_traceparent',
    steps: [step([], distinctParents, 3)],
  },
  {
    id: 'calls-invalid-traceparent',
    section: '4.3 A traceparent is Received',
    expectation: 'three calls after an invalid traceparent: a new trace, each with its own parent-id',
    suiteTest: 'test_multiple_requests_with_illegal_traceparent',
    steps: [step([traceparent(parts({ trace: zeroTraceId }))], all(restarts(zeroTraceId), distinctParents), 3)],
  },
];
