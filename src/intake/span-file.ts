// Follows the file the Collector's file exporter appends to. The Collector is
// the only path from the services to polytrace, and this file is also the
// run's artifact (OTLP JSON, one request per line).
import { AppendedLines } from './appended-lines.js';
import { parseOtlpJsonLines } from './otlp-json.js';
import type { Span } from './span.js';

export class SpanFile {
  private readonly lines: AppendedLines;
  private readonly seen: Span[] = [];

  constructor(readonly path: string) {
    this.lines = new AppendedLines(path);
  }

  /** Reads what was appended since the last call; returns the new spans. */
  async poll(): Promise<Span[]> {
    const text = await this.lines.read();
    if (!text) return [];
    const { spans } = parseOtlpJsonLines(text);
    this.seen.push(...spans);
    return spans;
  }

  all(): readonly Span[] {
    return this.seen;
  }

  /** Drops what was read so far (the file is still followed from where it was): for a reader that keeps its own. */
  forget(): void {
    this.seen.length = 0;
  }
}
