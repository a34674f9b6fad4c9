// Navigation over one trace's spans: parents, ancestors, roots.
import type { Span } from '../intake/span.js';

export class TraceTree {
  private readonly byId = new Map<string, Span>();

  constructor(readonly spans: readonly Span[]) {
    for (const span of spans) this.byId.set(span.spanId, span);
  }

  parentOf(span: Span): Span | undefined {
    return span.parentSpanId ? this.byId.get(span.parentSpanId) : undefined;
  }

  /** Spans whose parent ID names a span that is not in the trace. */
  orphans(): Span[] {
    return this.spans.filter((s) => s.parentSpanId && !this.byId.has(s.parentSpanId));
  }

  roots(): Span[] {
    return this.spans.filter((s) => !s.parentSpanId);
  }

  /** Ancestors from the parent upwards; stops at a missing parent or a cycle. */
  ancestors(span: Span): Span[] {
    const seen = new Set<string>([span.spanId]);
    const chain: Span[] = [];
    for (let parent = this.parentOf(span); parent && !seen.has(parent.spanId); parent = this.parentOf(parent)) {
      seen.add(parent.spanId);
      chain.push(parent);
    }
    return chain;
  }

  depth(span: Span): number {
    return this.ancestors(span).length;
  }

  children(span: Span): Span[] {
    return this.spans.filter((s) => s.parentSpanId === span.spanId);
  }
}

/** Spans grouped by trace ID, in first-seen order. */
export function groupByTrace(spans: readonly Span[]): Map<string, Span[]> {
  const traces = new Map<string, Span[]>();
  for (const span of spans) {
    const list = traces.get(span.traceId) ?? [];
    list.push(span);
    traces.set(span.traceId, list);
  }
  return traces;
}
