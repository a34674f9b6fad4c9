// Follows the file the Collector's file exporter appends to. The Collector is
// the only path from the services to polytrace, and this file is also the
// run's artifact (OTLP JSON, one request per line).
import { open } from 'node:fs/promises';
import { parseOtlpJsonLines } from './otlp-json.js';
import type { Span } from './span.js';

export class SpanFile {
  private offset = 0;
  private readonly seen: Span[] = [];

  constructor(readonly path: string) {}

  /** Reads what was appended since the last call; returns the new spans. */
  async poll(): Promise<Span[]> {
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    try {
      const { size } = await handle.stat();
      if (size <= this.offset) return [];
      const buffer = Buffer.alloc(size - this.offset);
      await handle.read(buffer, 0, buffer.length, this.offset);
      // Only whole lines: the exporter may be half-way through writing the last one.
      const end = buffer.lastIndexOf(0x0a);
      if (end === -1) return [];
      this.offset += end + 1;
      const { spans } = parseOtlpJsonLines(buffer.subarray(0, end + 1).toString('utf8'));
      this.seen.push(...spans);
      return spans;
    } finally {
      await handle.close();
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
