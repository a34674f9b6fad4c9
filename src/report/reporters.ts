// Every reporter in one table per result: each is a pure function from the
// result of `check` (or of `conformance`, or of `bench`) to text. Where the text goes (stdout, a file, the GitHub step
// summary) is the command layer's business (src/commands/emit-reports.ts).
import type { BenchResult } from '../bench/result.js';
import type { ConformanceResult } from '../conformance/result.js';
import type { MatrixResult } from '../matrix/result.js';
import type { RunResult } from '../verify/result.js';
import { renderBenchJson } from './bench-json.js';
import { renderBenchTable } from './bench-table.js';
import { renderConformanceJson } from './conformance-json.js';
import { renderConformanceJunit } from './conformance-junit.js';
import { renderConformanceTable } from './conformance-table.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdownSummary } from './markdown.js';
import { renderMatrixHtml } from './matrix-html.js';
import { renderMatrixJson } from './matrix-json.js';
import { renderMatrixJunit } from './matrix-junit.js';
import { renderMatrixMarkdown } from './matrix-markdown.js';
import { renderMatrixTable } from './matrix-table.js';
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

type ConformanceReporter = (result: ConformanceResult, context: ReportContext) => string;

export const conformanceReporters = {
  terminal: (result, context) => `${renderConformanceTable(result, context)}\n`,
  json: (result) => renderConformanceJson(result),
  junit: (result) => renderConformanceJunit(result),
} satisfies Record<string, ConformanceReporter>;

type BenchReporter = (result: BenchResult, context: ReportContext) => string;

export const benchReporters = {
  terminal: (result, context) => renderBenchTable(result, context),
  json: (result) => renderBenchJson(result),
} satisfies Record<string, BenchReporter>;

type MatrixReporter = (result: MatrixResult, context: ReportContext) => string;

export const matrixReporters = {
  terminal: (result, context) => `${renderMatrixTable(result, context)}\n`,
  json: (result) => renderMatrixJson(result),
  junit: (result) => renderMatrixJunit(result),
  html: (result) => renderMatrixHtml(result),
  'github-summary': (result) => renderMatrixMarkdown(result),
} satisfies Record<string, MatrixReporter>;
