// The run's metrics for people: its checks, and latency per service and route
// from the histograms beside the same figure from the server spans (the
// unified-observability article's "compare P95 latency across languages").
import type { RunResult } from '../verify/result.js';
import { formatMs, printable, wrap } from './format.js';
import { escapeHtml } from './html-escape.js';
import type { Colors } from './style.js';

type Latency = RunResult['metrics']['latency'][number];

const pair = (value: { p50Ms: number; p95Ms: number } | null) =>
  value
    ? `${formatMs(value.p50Ms).padStart(8)} ${formatMs(value.p95Ms).padStart(8)}`
    : `${'—'.padStart(8)} ${'—'.padStart(8)}`;

export function renderMetricsBlock(result: RunResult, { colors, width }: { colors: Colors; width: number }): string {
  const { metrics } = result;
  const head = colors.bold(`Metrics (${metrics.file})`);
  const checks = metrics.checks.map((c) => {
    const [first, ...rest] = wrap(`${c.ok ? '✓' : '✗'} ${c.name}: ${printable(c.message)}`, width - 4, 6).split('\n');
    const marked = first!.replace(/^[✓✗]/, c.ok ? colors.green('✓') : colors.red('✗'));
    return ['  ' + marked, ...rest.map((l) => `  ${l}`)].join('\n');
  });
  const service = Math.max(7, ...metrics.latency.map((r) => r.service.length));
  const route = Math.max(5, ...metrics.latency.map((r) => r.route.length));
  const table = [
    colors.dim(`  ${'service'.padEnd(service)}  ${'route'.padEnd(route)}  req   metrics p50/p95     spans p50/p95`),
    ...metrics.latency.map(
      (r: Latency) =>
        `  ${r.service.padEnd(service)}  ${r.route.padEnd(route)} ${String(r.requests).padStart(4)} ${pair(r.fromMetrics)} ${pair(r.fromSpans)}`,
    ),
  ];
  return [head, ...checks, ...table].join('\n');
}

export function metricsHtml(result: RunResult): string {
  const { metrics } = result;
  const cell = (v: { p50Ms: number; p95Ms: number } | null) =>
    v ? `<td>${formatMs(v.p50Ms)}</td><td>${formatMs(v.p95Ms)}</td>` : '<td>—</td><td>—</td>';
  const checks = metrics.checks
    .map(
      (c) =>
        `<tr class="${c.ok ? 'pass' : 'fail'}"><td class="icon">${c.ok ? '✓' : '✗'}</td><td class="check-name">${escapeHtml(c.name)}</td><td>${escapeHtml(c.message)}</td></tr>`,
    )
    .join('\n');
  const rows = metrics.latency
    .map(
      (r) =>
        `<tr><td>${escapeHtml(r.service)}</td><td>${escapeHtml(r.route)}</td><td>${r.requests}</td>${cell(r.fromMetrics)}${cell(r.fromSpans)}</tr>`,
    )
    .join('\n');
  return `<section class="metrics"><h2>Metrics</h2>
<table class="deps metric-checks"><thead><tr><th></th><th>check</th><th>result</th></tr></thead><tbody>${checks}</tbody></table>
<table class="deps latency"><thead><tr><th>service</th><th>route</th><th>requests</th><th>p50 (metrics)</th><th>p95 (metrics)</th><th>p50 (spans)</th><th>p95 (spans)</th></tr></thead><tbody>${rows}</tbody></table>
</section>`;
}
