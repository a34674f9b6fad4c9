// Follows a file another process appends JSON lines to (the Collector's file
// exporter): each read returns the whole lines added since the last one.
import { open } from 'node:fs/promises';

export class AppendedLines {
  private offset = 0;

  constructor(readonly path: string) {}

  /** The whole lines appended since the last call ('' when none); a line still being written waits. */
  async read(): Promise<string> {
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw error;
    }
    try {
      const { size } = await handle.stat();
      if (size <= this.offset) return '';
      const buffer = Buffer.alloc(size - this.offset);
      await handle.read(buffer, 0, buffer.length, this.offset);
      const end = buffer.lastIndexOf(0x0a);
      if (end === -1) return '';
      this.offset += end + 1;
      return buffer.subarray(0, end + 1).toString('utf8');
    } finally {
      await handle.close();
    }
  }
}
