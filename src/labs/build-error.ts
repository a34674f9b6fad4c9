// The one line that says why a workspace does not build or start: the
// compiler's or interpreter's own error, with its file and line, found in the
// tail of the build's (or the start's) log.
import type { Service } from '../topology/types.js';

/** A compiler's line that already names the file and line: Go's and javac's (through Maven). */
const compilerLine: Partial<Record<Service['language'], RegExp>> = {
  // ./otel.go:31:2: undefined: autoprop
  go: /^\s*(\S+\.go:\d+:\d+: .+)$/m,
  // [ERROR] /…/VerifyController.java:[52,9] cannot find symbol
  java: /^\s*\[ERROR\] (\S+\.java:\[\d+,\d+\] .+)$/m,
};

/** Where an interpreter says the error is, on a line before the error itself. */
const frameLine: Partial<Record<Service['language'], RegExp>> = {
  // File "/…/app.py", line 12
  python: /^\s*File "([^"]+\.py)", line (\d+)/,
  // /…/app.js:12
  nodejs: /^\s*(\S+\.js):(\d+)$/,
};

/**
 * The toolchain's error with its file and line, on one line; none when the log names no file. The
 * log may be indented (an error's tail of a log is).
 */
export function buildErrorLine(language: Service['language'], log: string): string | undefined {
  const compiler = compilerLine[language];
  if (compiler) {
    const found = log.match(compiler);
    return found ? (found[1] ?? found[0]).trim() : undefined;
  }
  const frame = frameLine[language]!;
  const lines = log.split('\n');
  const errorAt = lines.findIndex((line) => /^\s*\w*(Error|Exception)\b:?/.test(line));
  if (errorAt < 0) return undefined;
  for (let i = errorAt - 1; i >= 0; i--) {
    const found = lines[i]!.match(frame);
    if (found) return `${found[1]}:${found[2]}: ${lines[errorAt]!.trim()}`;
  }
  return undefined;
}
