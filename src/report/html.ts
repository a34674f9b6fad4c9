// `--html FILE`: one self-contained page a workshop can project or CI can keep
// as an artifact. Inline CSS, no script, no URL of any kind, and a CSP that
// forbids fetching anything, so it opens the same offline, from a mail or a CI
// artifact store.
import type { RunResult } from '../verify/result.js';
import { metricsHtml } from './metrics-table.js';
import { directionsHtml } from './direction-table.js';
import { dependencyMap } from './dependency-map.js';
import { dependencySection, servicesLegend } from './html-map.js';
import { reportCss, reportHead } from './html-style.js';
import { escapeHtml } from './html-escape.js';
import { traceSectionHtml } from './html-trace.js';

export function renderHtml(result: RunResult): string {
  const map = dependencyMap(result.traces);
  const verified = result.traces.filter((t) => t.ok).length;
  const verdict = `${verified}/${result.traces.length} traces verified`;
  const expectation = result.expectation
    ? `<div class="banner ${result.expectation.met ? 'ok' : 'failed'}">${result.expectation.met ? '✓' : '✗'} --expect-broken: ${escapeHtml(result.expectation.message)}</div>`
    : '';
  const banner = result.expectation
    ? `<p class="meta">${escapeHtml(verdict)}</p>${expectation}`
    : `<div class="banner ${result.ok ? 'ok' : 'failed'}">${result.ok ? `✓ ${verdict}: one traceparent linked every span` : `✗ ${verdict}${result.directions?.some((d) => !d.ok) ? '; a direction between the languages broke' : ''}`}</div>`;
  return `${reportHead({ title: `polytrace check: ${escapeHtml(result.scenario)}, ${escapeHtml(verdict)}`, css: reportCss })}
<body>
<header>
<h1>polytrace check</h1>
<p class="meta">scenario <b>${escapeHtml(result.scenario)}</b> · runtime ${escapeHtml(result.runtime)} · ${(result.durationMs / 1000).toFixed(1)}s · spans: <code>${escapeHtml(result.spansFile)}</code></p>
${banner}
${servicesLegend(map)}
<p class="note">Click a span for its attributes.</p>
</header>
${dependencySection(map)}
${metricsHtml(result)}
${result.directions ? directionsHtml(result.directions) : ''}
${result.traces.map((trace, i) => traceSectionHtml(trace, `Request ${i + 1}`, `request-${i + 1}`)).join('\n')}
</body>
</html>
`;
}
