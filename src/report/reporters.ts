// Every reporter in one table: each is a pure function from the result of
// `check` to text. Where the text goes (stdout, a file, the GitHub step
// summary) is the command layer's business (src/commands/emit-reports.ts).
import type { RunResult } from '../verify/result.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdownSummary } from './markdown.js';
import type { Colors } from './style.js';
import { renderCheckResult } from './terminal.js';

/** What only a terminal reporter needs; the file reporters ignore it. */
export interface ReportContext {
  width: number;
  colors: Colors;
}

export type Reporter = (result: RunResult, context: ReportContext) => string;

export const reporters = {
  terminal: (result, context) => `${renderCheckResult(result, context)}\n`,
  json: (result) => renderJson(result),
  junit: (result) => renderJunit(result),
  html: (result) => renderHtml(result),
  'github-summary': (result) => renderMarkdownSummary(result),
} satisfies Record<string, Reporter>;

export type ReporterName = keyof typeof reporters;
