// Follows the file the Collector's file exporter appends to. The Collector is
// the only path from the services to polytrace, and this file is also the
// run's artifact (OTLP JSON, one request per line). A line that cannot be read
// is skipped and counted (faults), and reading goes on at the next line.
import { AppendedLines } from './appended-lines.js';
import { addFault, mergeFaults, noFaults, type IntakeFaults } from './intake-faults.js';
import { parseOtlpJsonLines } from './otlp-json.js';
import type { Span } from './span.js';

export class SpanFile {
  private readonly lines: AppendedLines;
  private readonly seen: Span[] = [];
  private oversized = 0;
  /** What could not be read so far: unreadable lines and spans with invalid ids. */
  readonly faults: IntakeFaults = noFaults();

  constructor(readonly path: string) {
    this.lines = new AppendedLines(path);
  }

  /** Reads what was appended since the last call; returns the new spans. */
  async poll(): Promise<Span[]> {
    const text = await this.lines.read();
    this.countOversized();
    if (!text) return [];
    const { spans, faults } = parseOtlpJsonLines(text, this.lines.lineNumber);
    this.lines.advance(text);
    mergeFaults(this.faults, faults);
    for (const span of spans) this.seen.push(span);
    return spans;
  }

  private countOversized(): void {
    for (; this.oversized < this.lines.oversized; this.oversized += 1) {
      addFault(this.faults, { kind: 'line', message: `line ${this.lines.lineNumber}: longer than a line may be` });
    }
  }

  all(): readonly Span[] {
    return this.seen;
  }

  /** Drops what was read so far (the file is still followed from where it was): for a reader that keeps its own. */
  forget(): void {
    this.seen.length = 0;
  }
}
