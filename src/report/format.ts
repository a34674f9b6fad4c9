// Number formats every reporter shares, so the terminal, HTML and Markdown agree.

/** At most 7 characters: `151.7ms` below a second, `12.35s` above, so columns never overflow. */
export function formatMs(ms: number): string {
  return ms < 999.95 ? `${ms.toFixed(1)}ms` : `${(ms / 1000).toFixed(2)}s`;
}

/**
 * Word-wraps plain text to `width` columns, every line after the first indented
 * by `indent` spaces: failure sentences are long, terminals may be 80 wide.
 */
export function wrap(text: string, width: number, indent: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const room = width - (lines.length === 0 ? 0 : indent);
    if (line && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : `${' '.repeat(indent)}${l}`)).join('\n');
}

/**
 * Text from spans made safe for a terminal: a span name is whatever a service (or anyone who can
 * reach it) chose, and an escape sequence in it could move the cursor, rewrite what is on screen
 * or set the window title. Control characters (C0, DEL, C1) are shown as \xNN instead.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
