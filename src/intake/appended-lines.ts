// Follows a file another process appends JSON lines to (the Collector's file
// exporter): each read returns the whole lines added since the last one. A
// line longer than any export request could be (a file that is not the
// Collector's, or a write that never ended its line) is skipped to its end and
// counted, so neither it nor the memory it would take can stop the reader.
import { open } from 'node:fs/promises';

/** The most one read takes in, and so the longest line kept: far above a Collector's batch of spans. */
const maxLineBytes = 64 * 1024 * 1024;
/** What one read takes in at first: a few hundred lines, so memory stays small when the lines are. */
const firstReadBytes = 1024 * 1024;

export class AppendedLines {
  private offset = 0;
  private size = 0;
  /** Inside a line too long to keep: its bytes are passed over up to its newline. */
  private skipping = false;
  /** Lines skipped for being longer than maxLineBytes. */
  oversized = 0;
  /** Lines before the offset, so a fault can be named by its line number. */
  lineNumber = 1;

  constructor(
    readonly path: string,
    private readonly limit = maxLineBytes,
  ) {}

  /** Bytes in the file after the last whole line read (a line still being written, or a tail without a newline). */
  get unread(): number {
    return this.size - this.offset;
  }

  /** Bytes read (or passed over) so far. */
  get position(): number {
    return this.offset;
  }

  /**
   * The whole lines appended since the last call, at most `limit` bytes of them ('' when none); a
   * line still being written waits.
   */
  async read(): Promise<string> {
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw error;
    }
    try {
      this.size = (await handle.stat()).size;
      if (this.size <= this.offset) return '';
      // A small read first; a larger one only while no newline is in it, up to the longest line kept.
      const available = this.size - this.offset;
      for (
        let want = Math.min(available, firstReadBytes, this.limit);
        ;
        want = Math.min(want * 4, available, this.limit)
      ) {
        const buffer = Buffer.alloc(want);
        const { bytesRead } = await handle.read(buffer, 0, want, this.offset);
        const read = buffer.subarray(0, bytesRead);
        if (this.skipping || read.includes(0x0a) || want >= Math.min(available, this.limit)) return this.take(read);
      }
    } finally {
      await handle.close();
    }
  }

  private take(buffer: Buffer): string {
    let start = 0;
    if (this.skipping) {
      const newline = buffer.indexOf(0x0a);
      if (newline === -1) {
        this.offset += buffer.length;
        return '';
      }
      this.skipping = false;
      this.lineNumber += 1;
      start = newline + 1;
    }
    const end = buffer.lastIndexOf(0x0a);
    if (end < start) {
      // No newline in a whole read's worth: this line is longer than any line may be.
      if (buffer.length - start >= this.limit) {
        this.oversized += 1;
        this.skipping = true;
        this.offset += buffer.length;
      } else {
        this.offset += start;
      }
      return '';
    }
    this.offset += end + 1;
    const text = buffer.subarray(start, end + 1).toString('utf8');
    return text;
  }

  /** Counts the lines of text just returned (the caller numbers its faults from lineNumber first). */
  advance(text: string): void {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineNumber += 1;
  }
}
