// Reads the OTLP JSON the Collector's file exporter writes: one
// ExportTraceServiceRequest per line (OTLP/JSON encoding: hex IDs, enum kinds
// as integers, 64-bit integers as strings).
import type { SpanKind } from '../topology/types.js';
import type { AttributeValue, Span } from './span.js';

interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  bytesValue?: string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
}
export interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  traceState?: string;
  name?: string;
  kind?: number | string;
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
  attributes?: OtlpKeyValue[];
  events?: Array<{ name?: string; timeUnixNano?: string | number; attributes?: OtlpKeyValue[] }>;
  links?: Array<{ traceId?: string; spanId?: string; traceState?: string; attributes?: OtlpKeyValue[] }>;
  status?: { code?: number | string; message?: string };
}
interface OtlpTracesData {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: Array<{ spans?: OtlpSpan[] }>;
  }>;
}

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

function spansFromTracesData(data: OtlpTracesData): Span[] {
  const spans: Span[] = [];
  for (const resourceSpans of data.resourceSpans ?? []) {
    const resource = attributeMap(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        spans.push({
          traceId: (span.traceId ?? '').toLowerCase(),
          spanId: (span.spanId ?? '').toLowerCase(),
          parentSpanId: (span.parentSpanId ?? '').toLowerCase(),
          traceState: span.traceState ?? '',
          name: span.name ?? '',
          kind: spanKind(span.kind),
          service: String(resource['service.name'] ?? 'unknown_service'),
          language: String(resource['telemetry.sdk.language'] ?? ''),
          startTimeUnixNano: String(span.startTimeUnixNano ?? '0'),
          endTimeUnixNano: String(span.endTimeUnixNano ?? '0'),
          events: (span.events ?? []).map((e) => ({ name: e.name ?? '', attributes: attributeMap(e.attributes) })),
          ...(span.links?.length
            ? {
                links: span.links.map((l) => ({
                  traceId: (l.traceId ?? '').toLowerCase(),
                  spanId: (l.spanId ?? '').toLowerCase(),
                })),
              }
            : {}),
          attributes: attributeMap(span.attributes),
          resource,
          status: {
            code: statusCode(span.status?.code),
            ...(span.status?.message ? { message: span.status.message } : {}),
          },
        });
      }
    }
  }
  return spans;
}

/** Parses the file exporter's JSON lines; a torn last line (still being written) is left for the next read. */
export function parseOtlpJsonLines(text: string): { spans: Span[]; consumed: number } {
  const spans: Span[] = [];
  let consumed = 0;
  let lineStart = 0;
  for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', lineStart)) {
    const line = text.slice(lineStart, newline).trim();
    lineStart = newline + 1;
    consumed = lineStart;
    if (line) spans.push(...spansFromTracesData(JSON.parse(line) as OtlpTracesData));
  }
  return { spans, consumed };
}
