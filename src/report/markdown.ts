// The GitHub Actions job summary (appended to $GITHUB_STEP_SUMMARY): the
// verdict, one row per request, the failed checks and the dependency map, in
// GitHub-flavoured Markdown.
import type { RunResult } from '../verify/result.js';
import { dependencyMap } from './dependency-map.js';
import { formatMs } from './format.js';
import { directionsMarkdown } from './direction-table.js';

/** Table cells hold one line, and a pipe would end the cell. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function renderMarkdownSummary(result: RunResult): string {
  const verified = result.traces.filter((t) => t.ok).length;
  const counted = `${verified}/${result.traces.length} traces verified`;
  const heading = result.expectation
    ? `${result.expectation.met ? '✅' : '❌'} --expect-broken: ${cell(result.expectation.message)} (${counted})`
    : result.ok
      ? `✅ ${counted}: one traceparent linked every span`
      : `❌ ${counted}${result.directions?.some((d) => !d.ok) ? '; a direction between the languages broke' : ''}`;
  const lines = [
    `## polytrace check \`${result.scenario}\``,
    '',
    heading,
    '',
    `Runtime \`${result.runtime}\`, ${(result.durationMs / 1000).toFixed(1)}s.`,
    '',
    '| Request | Trace | Flow | HTTP | Spans | Checks |',
    '| ---: | --- | --- | ---: | ---: | --- |',
    ...result.traces.map((t, i) => {
      const passed = t.checks.filter((c) => c.ok).length;
      const strays = `${t.linked?.length ? ` (+${t.linked.length} linked)` : ''}${t.strays.length ? ` (+${t.strays.length} split off)` : ''}`;
      return `| ${i + 1} | \`${t.traceId}\` | ${cell(t.flow)} | ${t.status ?? '—'} | ${t.spans.length}${strays} | ${t.ok ? '✅' : '❌'} ${passed}/${t.checks.length} |`;
    }),
  ];
  const failures = result.traces.flatMap((t, i) =>
    t.checks
      .filter((c) => !c.ok)
      .map(
        (c) =>
          `- Request ${i + 1}, **${cell(c.name)}**${c.hop && !c.message.includes(c.hop) ? ` (${cell(c.hop)})` : ''}: ${cell(c.message)}`,
      ),
  );
  if (failures.length > 0) lines.push('', '### Failed checks', '', ...failures);
  const map = dependencyMap(result.traces);
  if (map.edges.length > 0) {
    lines.push(
      '',
      '### Service dependencies',
      '',
      '| Caller | Callee | Requests | Errors | 4xx | p50 | p95 |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
      ...map.edges.map(
        (e) =>
          `| ${cell(e.from)} | ${cell(e.to)} | ${e.requests} | ${e.errors} | ${e.rejected} | ${formatMs(e.p50Ms)} | ${formatMs(e.p95Ms)} |`,
      ),
    );
  }
  if (result.directions) lines.push('', ...directionsMarkdown(result.directions));
  return `${lines.join('\n')}\n\n`;
}
