// A message through a broker, as the reports name it: `producer → broker →
// consumer`, read from the spans themselves. The broker makes no span of its
// own; its clients name it in `messaging.system` (semantic conventions for
// messaging spans).
import type { Span } from '../intake/span.js';

/** `order-service → rabbitmq → notification-service` when `consumer` took a message `producer` sent; else undefined. */
export function messageHop(consumer: Span, producer: Span | undefined): string | undefined {
  if (!producer || consumer.kind !== 'CONSUMER' || producer.kind !== 'PRODUCER') return undefined;
  if (producer.service === consumer.service) return undefined;
  const system = consumer.attributes['messaging.system'] ?? producer.attributes['messaging.system'] ?? 'broker';
  return `${producer.service} → ${String(system)} → ${consumer.service}`;
}

/** The span a message came from: the parent, or, for a consumer that started a trace of its own, the span it links. */
export function producerOf(consumer: Span, spans: readonly Span[]): Span | undefined {
  const byKey = (traceId: string, spanId: string) => spans.find((s) => s.traceId === traceId && s.spanId === spanId);
  const parent = consumer.parentSpanId ? byKey(consumer.traceId, consumer.parentSpanId) : undefined;
  if (parent) return parent;
  for (const link of consumer.links ?? []) {
    const linked = byKey(link.traceId, link.spanId);
    if (linked) return linked;
  }
  return undefined;
}
