// `matrix --html FILE`: the matrix as one self-contained page, as the check's
// report is (inline CSS, no script, no URL, a CSP that fetches nothing). Every
// text from the run is escaped: a message may quote what a service sent.
import { notJudged } from './direction-table.js';
import type { CellResult, MatrixResult } from '../matrix/result.js';
import type { SdkLanguage } from '../topology/sdk-versions.js';
import { formatMs } from './format.js';
import { escapeHtml } from './html-escape.js';
import { reportCss, reportHead } from './html-style.js';
import { breakLine, versionColumns } from './matrix-table.js';

const matrixCss = `
.cells td.verdict.ok{color:var(--ok)}.cells td.verdict.failed{color:var(--bad)}.cells td.verdict.error{color:var(--warn)}
.cells td ul{margin:0;padding-left:18px}`;

function cellRow(cell: CellResult, languages: readonly SdkLanguage[]): string {
  const state = cell.outcome === 'as-expected' ? 'ok' : cell.verdict === 'error' ? 'error' : 'failed';
  const details = [
    ...(cell.why ? [`<li class="meta">why: ${escapeHtml(cell.why)}</li>`] : []),
    ...(cell.error ? [`<li>${escapeHtml(cell.error.message)}</li>`] : []),
    ...cell.breaks.map(
      (b) => `<li><code>${escapeHtml(breakLine(b))}</code><br><span class="meta">${escapeHtml(b.message)}</span></li>`,
    ),
    ...(cell.reported ?? []).map((b) => `<li class="meta">⚠ ${escapeHtml(`${breakLine(b)} (${notJudged})`)}</li>`),
    ...(cell.metricsNote ? [`<li class="meta">${escapeHtml(cell.metricsNote)}</li>`] : []),
  ];
  return `<tr>${languages.map((l) => `<td><code>${escapeHtml(cell.versions[l])}</code></td>`).join('')}<td class="verdict ${state}">${state === 'ok' ? '✓' : '✗'} ${escapeHtml(cell.verdict)}</td><td>${escapeHtml(cell.expect)}</td><td>${escapeHtml(cell.summary)}${details.length > 0 ? `<ul>${details.join('')}</ul>` : ''}</td><td class="dur">${escapeHtml(formatMs(cell.durationMs))}</td><td>${escapeHtml(cell.built.join(', ') || 'nothing (cached)')}</td></tr>`;
}

export function renderMatrixHtml(result: MatrixResult): string {
  const { cells } = result;
  const languages = versionColumns(cells);
  const asExpected = cells.filter((c) => c.outcome === 'as-expected').length;
  const verdict = result.interrupted
    ? `interrupted after ${cells.length} of ${result.planned} cells`
    : `${asExpected}/${cells.length} cells did what they were expected to do`;
  return `${reportHead({ title: `polytrace matrix: ${escapeHtml(verdict)}`, css: `${reportCss}${matrixCss}` })}
<body>
<header>
<h1>polytrace matrix</h1>
<p class="meta">${cells.length} cells · runtime ${escapeHtml(result.runtime)} · ${escapeHtml(formatMs(result.durationMs))}</p>
<div class="banner ${result.ok ? 'ok' : 'failed'}">${result.ok ? '✓' : '✗'} ${escapeHtml(verdict)}</div>
</header>
<section>
<table class="checks cells">
<thead><tr>${languages.map((l) => `<th>${escapeHtml(l)}</th>`).join('')}<th>verdict</th><th>expected</th><th>what it did</th><th>time</th><th>built</th></tr></thead>
<tbody>
${cells.map((cell) => cellRow(cell, languages)).join('\n')}
</tbody>
</table>
</section>
</body>
</html>
`;
}
