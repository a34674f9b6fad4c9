// `matrix --junit FILE`: one <testcase> per cell, as CI test reporters read
// it. A cell that did not do what was expected is a <failure>, one that could
// not be judged an <error>. xmlbuilder2 escapes, and replaces what XML 1.0
// cannot hold (a message may quote what a service sent).
import { notJudged } from './direction-table.js';
import { create } from 'xmlbuilder2';
import type { MatrixResult } from '../matrix/result.js';
import { breakLine } from './matrix-table.js';

const seconds = (ms: number) => (ms / 1000).toFixed(3);

export function renderMatrixJunit(result: MatrixResult): string {
  const { cells } = result;
  const failures = cells.filter((c) => c.outcome !== 'as-expected' && c.verdict !== 'error').length;
  const errors = cells.filter((c) => c.verdict === 'error').length;
  const root = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' }).ele('testsuites', {
    name: 'polytrace matrix',
    tests: cells.length,
    failures,
    errors,
    time: seconds(result.durationMs),
  });
  const suite = root.ele('testsuite', {
    name: `polytrace matrix (${result.runtime} runtime)`,
    tests: cells.length,
    failures,
    errors,
    // Cells an interrupt kept from running.
    skipped: result.planned - cells.length,
    time: seconds(result.durationMs),
  });
  for (const cell of cells) {
    const testcase = suite.ele('testcase', {
      classname: 'polytrace.matrix',
      name: cell.label,
      time: seconds(cell.durationMs),
    });
    const properties = testcase.ele('properties');
    properties.ele('property', { name: 'expect', value: cell.expect });
    properties.ele('property', { name: 'verdict', value: cell.verdict });
    if (cell.why) properties.ele('property', { name: 'why', value: cell.why });
    properties.ele('property', { name: 'built', value: cell.built.join(', ') || 'nothing (cached)' });
    if (cell.runDir) properties.ele('property', { name: 'run.dir', value: cell.runDir });
    const details = [
      ...cell.breaks.flatMap((b) => [breakLine(b), `  ${b.message}`]),
      ...(cell.reported ?? []).map((b) => `⚠ ${breakLine(b)} (${notJudged})`),
      ...(cell.metricsNote ? [cell.metricsNote] : []),
    ].join('\n');
    if (cell.error) {
      testcase
        .ele('error', { message: cell.error.message, type: `exit ${cell.error.exitCode}` })
        .txt(cell.error.message);
    } else if (cell.outcome !== 'as-expected') {
      testcase.ele('failure', { message: cell.summary, type: cell.outcome }).txt(details || cell.summary);
    } else if (details) {
      testcase.ele('system-out').txt(details);
    }
  }
  return root.end({ prettyPrint: true }) + '\n';
}
