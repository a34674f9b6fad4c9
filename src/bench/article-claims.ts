// What the unified-observability article on polyglot microservices says the instrumentation
// costs (its "Performance Comparison"), shown beside what `bench` measured.
import type { Service } from '../topology/types.js';

export interface ArticleClaim {
  text: string;
  /** For a table column. */
  brief: string;
}

export const articleClaims: Record<Service['language'], ArticleClaim> = {
  go: { text: 'under 0.5 ms per request; about 1 KB per span', brief: '<0.5 ms, ~1 KB/span' },
  java: { text: 'none (the article has no Java service)', brief: '(no Java in it)' },
  python: { text: '1–2 ms per instrumented request', brief: '1–2 ms' },
  nodejs: { text: 'about 1 ms per request', brief: '~1 ms' },
};
