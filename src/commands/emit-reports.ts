// Sends the reports of `check` (and `conformance`) where the flags and environment ask: one to
// stdout, --html and --junit to files, a Markdown summary appended to
// $GITHUB_STEP_SUMMARY when GitHub Actions sets it. The reporters only render.
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { RunResult } from '../verify/result.js';
import { EnvironmentError } from '../common/errors.js';
import { reporters, type ReportContext, type ReporterName } from '../report/reporters.js';
import { colorEnabled, colorsFor } from '../report/style.js';

export interface ReportFlags {
  json?: boolean;
  html?: string;
  junit?: string;
}

/** Writes one report to a file, saying where on stderr; a path that cannot be written is the environment's problem. */
export async function toFile(
  what: string,
  path: string,
  { text, append = false }: { text: string; append?: boolean },
): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await (append ? appendFile : writeFile)(path, text);
  } catch (error) {
    throw new EnvironmentError(`Could not write the ${what} to ${path}: ${(error as Error).message}`, { cause: error });
  }
  process.stderr.write(`polytrace ▸ ${what}: ${path}\n`);
}

export async function emitReports(result: RunResult, flags: ReportFlags, env = process.env): Promise<void> {
  const context: ReportContext = {
    width: process.stdout.columns || 100,
    colors: colorsFor(colorEnabled(process.stdout, env)),
  };
  const render = (name: ReporterName) => reporters[name](result, context);
  process.stdout.write(render(flags.json ? 'json' : 'terminal'));
  if (flags.html) await toFile('HTML report', resolve(flags.html), { text: render('html') });
  if (flags.junit) await toFile('JUnit report', resolve(flags.junit), { text: render('junit') });
  if (env.GITHUB_STEP_SUMMARY)
    await toFile('step summary', env.GITHUB_STEP_SUMMARY, { text: render('github-summary'), append: true });
}
