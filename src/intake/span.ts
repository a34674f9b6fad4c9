// The span as polytrace reasons about it: flattened from OTLP, with the
// resource facts the verifier needs (service, language) on every span.
import type { SpanKind } from '../topology/types.js';

export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

interface SpanLink {
  traceId: string;
  spanId: string;
}

export interface Span {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  /** The W3C tracestate the span carried (empty when none). */
  traceState: string;
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
  /** Span events, e.g. the `exception` event a recorded error adds. */
  events: Array<{ name: string; attributes: Record<string, AttributeValue> }>;
  /**
   * Span links: the spans, often of other traces, this one follows from (a message consumer that
   * starts a new trace links the producer's span). Absent when the span has none.
   */
  links?: SpanLink[];
  resource: Record<string, AttributeValue>;
  status: { code: 'UNSET' | 'OK' | 'ERROR'; message?: string };
}

export function durationMs(span: Span): number {
  return Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6;
}

/** When a set of spans starts and ends, in Unix nanoseconds; the reports draw their time axes on it. */
export function traceExtent(spans: readonly Span[]): { start: bigint; end: bigint } {
  if (spans.length === 0) return { start: 0n, end: 0n };
  let start = BigInt(spans[0]!.startTimeUnixNano);
  let end = BigInt(spans[0]!.endTimeUnixNano);
  for (const span of spans) {
    const [from, to] = [BigInt(span.startTimeUnixNano), BigInt(span.endTimeUnixNano)];
    if (from < start) start = from;
    if (to > end) end = to;
  }
  return { start, end };
}
