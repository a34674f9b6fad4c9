// A span is one span id. An exporter that retries after a timeout may send
// the same span twice: an identical copy is the same span, and is kept once.
// Two different spans under one id are a broken SDK or a forged export, and
// the verifier says so.
import type { Span } from '../intake/span.js';

export interface DedupedSpans {
  spans: Span[];
  /** Span ids that arrived with different content. */
  conflicts: Array<{ spanId: string; spans: Span[] }>;
}

export function dedupeBySpanId(spans: readonly Span[]): DedupedSpans {
  const byId = new Map<string, Span[]>();
  for (const span of spans) byId.set(span.spanId, [...(byId.get(span.spanId) ?? []), span]);
  const conflicts: DedupedSpans['conflicts'] = [];
  const kept: Span[] = [];
  for (const [spanId, copies] of byId) {
    const distinct = [...new Map(copies.map((s) => [JSON.stringify(s), s])).values()];
    kept.push(distinct[0]!);
    if (distinct.length > 1) conflicts.push({ spanId, spans: distinct });
  }
  return { spans: kept, conflicts };
}
