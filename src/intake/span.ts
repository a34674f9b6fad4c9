// The span as polytrace reasons about it: flattened from OTLP, with the
// resource facts the verifier needs (service, language) on every span.
import type { SpanKind } from '../topology/types.js';

export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

export interface Span {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  kind: SpanKind;
  /** `service.name` of the resource that produced the span. */
  service: string;
  /** `telemetry.sdk.language` of that resource. */
  language: string;
  /** Nanoseconds since the epoch, as decimal strings: they do not fit a JS number. */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, AttributeValue>;
  resource: Record<string, AttributeValue>;
  status: { code: 'UNSET' | 'OK' | 'ERROR'; message?: string };
}

export function durationMs(span: Span): number {
  return Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6;
}

export function startMs(span: Span): number {
  return Number(BigInt(span.startTimeUnixNano) / 1000n) / 1000;
}

export function endMs(span: Span): number {
  return Number(BigInt(span.endTimeUnixNano) / 1000n) / 1000;
}
