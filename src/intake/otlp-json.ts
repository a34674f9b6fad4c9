// Reads the OTLP JSON the Collector's file exporter writes: one
// ExportTraceServiceRequest per line (OTLP/JSON encoding: hex IDs, enum kinds
// as integers, 64-bit integers as strings).
import type { SpanKind } from '../topology/types.js';
import { addFault, noFaults, type IntakeFaults } from './intake-faults.js';
import {
  keyValues,
  type OtlpAnyValue,
  type OtlpKeyValue,
  list,
  object,
  optionalEnum,
  optionalString,
  optionalUint64,
  OtlpShapeError,
} from './otlp-guards.js';
import type { AttributeValue, Span } from './span.js';

const kinds: SpanKind[] = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const statusCodes = ['UNSET', 'OK', 'ERROR'] as const;

function anyValue(value: OtlpAnyValue | undefined): AttributeValue {
  if (!value) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.bytesValue !== undefined) return value.bytesValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(anyValue);
  if (value.kvlistValue) return attributeMap(value.kvlistValue.values);
  return null;
}

export function attributeMap(list: OtlpKeyValue[] | undefined): Record<string, AttributeValue> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, anyValue(kv.value)]));
}

function spanKind(kind: number | string | undefined): SpanKind {
  if (typeof kind === 'number') return kinds[kind] ?? 'UNSPECIFIED';
  const name = String(kind ?? '').replace(/^SPAN_KIND_/, '');
  return (kinds as string[]).includes(name) ? (name as SpanKind) : 'UNSPECIFIED';
}

function statusCode(code: number | string | undefined): Span['status']['code'] {
  if (typeof code === 'number') return statusCodes[code] ?? 'UNSET';
  const name = String(code ?? '').replace(/^STATUS_CODE_/, '');
  return (statusCodes as readonly string[]).includes(name) ? (name as Span['status']['code']) : 'UNSET';
}

const traceIdPattern = /^[0-9a-f]{32}$/;
const spanIdPattern = /^[0-9a-f]{16}$/;

/**
 * Why an id is not one W3C Trace Context allows (32 or 16 lowercase hex digits, not all zeros),
 * or undefined when it is. OTLP JSON writes ids as hex; some encoders write them in upper case.
 */
function idFault(id: string, kind: 'trace' | 'span'): string | undefined {
  const pattern = kind === 'trace' ? traceIdPattern : spanIdPattern;
  const digits = kind === 'trace' ? 32 : 16;
  if (!pattern.test(id)) return `${JSON.stringify(id.slice(0, 40))} is not ${digits} hex digits`;
  if (/^0+$/.test(id)) return 'it is all zeros';
  return undefined;
}

/** The span's ids, each checked; the first fault names the span, which is then not used. */
function idsFault(span: Pick<Span, 'traceId' | 'spanId' | 'parentSpanId' | 'links'>): string | undefined {
  const faults = [
    ['traceId', idFault(span.traceId, 'trace')],
    ['spanId', idFault(span.spanId, 'span')],
    ['parentSpanId', span.parentSpanId ? idFault(span.parentSpanId, 'span') : undefined],
    ...(span.links ?? []).flatMap((link, i) => [
      [`links[${i}].traceId`, idFault(link.traceId, 'trace')],
      [`links[${i}].spanId`, idFault(link.spanId, 'span')],
    ]),
  ];
  const found = faults.find(([, fault]) => fault !== undefined);
  return found ? `its ${found[0]} ${found[1]}` : undefined;
}

/** One span of a line, its fields checked by the guards (a wrong type throws OtlpShapeError). */
function spanOf(value: unknown, path: string, resource: Record<string, AttributeValue>): Span {
  const span = object(value, path);
  const text = (key: string) => optionalString(span[key], `${path}.${key}`);
  const events = list(span['events'], `${path}.events`).map((item, i) => {
    const event = object(item, `${path}.events[${i}]`);
    optionalUint64(event['timeUnixNano'], `${path}.events[${i}].timeUnixNano`);
    return {
      name: optionalString(event['name'], `${path}.events[${i}].name`) ?? '',
      attributes: attributeMap(keyValues(event['attributes'], `${path}.events[${i}].attributes`)),
    };
  });
  const links = list(span['links'], `${path}.links`).map((item, i) => {
    const link = object(item, `${path}.links[${i}]`);
    return {
      traceId: (optionalString(link['traceId'], `${path}.links[${i}].traceId`) ?? '').toLowerCase(),
      spanId: (optionalString(link['spanId'], `${path}.links[${i}].spanId`) ?? '').toLowerCase(),
    };
  });
  const status =
    span['status'] === undefined || span['status'] === null ? {} : object(span['status'], `${path}.status`);
  const message = optionalString(status['message'], `${path}.status.message`);
  return {
    traceId: (text('traceId') ?? '').toLowerCase(),
    spanId: (text('spanId') ?? '').toLowerCase(),
    parentSpanId: (text('parentSpanId') ?? '').toLowerCase(),
    traceState: text('traceState') ?? '',
    name: text('name') ?? '',
    kind: spanKind(optionalEnum(span['kind'], `${path}.kind`)),
    service: String(resource['service.name'] ?? 'unknown_service'),
    language: String(resource['telemetry.sdk.language'] ?? ''),
    startTimeUnixNano: optionalUint64(span['startTimeUnixNano'], `${path}.startTimeUnixNano`) ?? '0',
    endTimeUnixNano: optionalUint64(span['endTimeUnixNano'], `${path}.endTimeUnixNano`) ?? '0',
    events,
    ...(links.length ? { links } : {}),
    attributes: attributeMap(keyValues(span['attributes'], `${path}.attributes`)),
    resource,
    status: {
      code: statusCode(optionalEnum(status['code'], `${path}.status.code`)),
      ...(message ? { message } : {}),
    },
  };
}

/**
 * The spans of one line (one ExportTraceServiceRequest). A line that is not the OTLP shape throws
 * OtlpShapeError (the whole line is skipped: nothing in it can be trusted); a span whose ids are
 * not hex is left out and named in `invalid`, the rest of the line is kept.
 */
function spansOfLine(data: unknown): { spans: Span[]; invalid: string[] } {
  const spans: Span[] = [];
  const invalid: string[] = [];
  const root = object(data, 'the line');
  list(root['resourceSpans'], 'resourceSpans').forEach((item, r) => {
    const path = `resourceSpans[${r}]`;
    const resourceSpans = object(item, path);
    const resourceValue = resourceSpans['resource'];
    const resource = attributeMap(
      resourceValue === undefined || resourceValue === null
        ? []
        : keyValues(object(resourceValue, `${path}.resource`)['attributes'], `${path}.resource.attributes`),
    );
    list(resourceSpans['scopeSpans'], `${path}.scopeSpans`).forEach((scope, s) => {
      const scopePath = `${path}.scopeSpans[${s}]`;
      list(object(scope, scopePath)['spans'], `${scopePath}.spans`).forEach((value, i) => {
        const span = spanOf(value, `${scopePath}.spans[${i}]`, resource);
        const fault = idsFault(span);
        if (fault) invalid.push(`invalid span ${JSON.stringify(span.name.slice(0, 60))} of ${span.service}: ${fault}`);
        else spans.push(span);
      });
    });
  });
  return { spans, invalid };
}

/** The outcome of one line: its spans, or why it was skipped. */
function parseOtlpJsonLine(line: string): { spans: Span[]; invalid: string[] } | { unreadable: string } {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch (error) {
    return { unreadable: `not JSON (${(error as Error).message})` };
  }
  try {
    return spansOfLine(data);
  } catch (error) {
    if (error instanceof OtlpShapeError) return { unreadable: `not OTLP JSON: ${error.message}` };
    throw error;
  }
}

/**
 * Parses the file exporter's JSON lines; a torn last line (still being written) is left for the
 * next read. A line that is not OTLP JSON, and a span whose ids are not hex, are skipped and
 * counted in `faults`, named by their line (`firstLine` is the number of the text's first line in
 * the file): the valid spans around them are kept.
 */
export function parseOtlpJsonLines(
  text: string,
  firstLine = 1,
): { spans: Span[]; consumed: number; faults: IntakeFaults } {
  const spans: Span[] = [];
  const faults = noFaults();
  let consumed = 0;
  let lineStart = 0;
  let number = firstLine;
  for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', lineStart), number += 1) {
    const line = text.slice(lineStart, newline).trim();
    lineStart = newline + 1;
    consumed = lineStart;
    if (!line) continue;
    const parsed = parseOtlpJsonLine(line);
    if ('unreadable' in parsed) {
      addFault(faults, { kind: 'line', message: `line ${number}: ${parsed.unreadable}` });
      continue;
    }
    for (const span of parsed.spans) spans.push(span);
    for (const message of parsed.invalid) addFault(faults, { kind: 'span', message: `line ${number}: ${message}` });
  }
  return { spans, consumed, faults };
}
