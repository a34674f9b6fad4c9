// The human report of `check`: a waterfall per trace, its checks, a summary.
import type { CheckResult } from '../core/check.js';
import type { TraceResult } from '../verify/result.js';
import { renderWaterfall } from './waterfall.js';
import type { Colors } from './style.js';

export interface TerminalOptions {
  width: number;
  colors: Colors;
}

export function renderTraceSummary(trace: TraceResult, { colors }: Pick<TerminalOptions, 'colors'>): string {
  const services = new Set(trace.spans.map((s) => s.service));
  const languages = new Set(trace.spans.map((s) => s.language).filter(Boolean));
  const passed = trace.checks.filter((c) => c.ok).length;
  const head = trace.ok ? colors.green(`✓ trace ${trace.traceId}`) : colors.red(`✗ trace ${trace.traceId}`);
  const facts = `${trace.flow} flow, HTTP ${trace.status ?? '—'}, ${trace.spans.length} spans, ${services.size} services, ${languages.size} languages (${[...languages].join(', ')}); ${passed}/${trace.checks.length} checks passed`;
  const failures = trace.checks
    .filter((c) => !c.ok)
    .map((c) => `    ${colors.red('✗')} ${colors.bold(c.name)}: ${c.message}`);
  return [`${head}  ${colors.dim(facts)}`, ...failures].join('\n');
}

export function renderCheckResult(result: CheckResult, options: TerminalOptions): string {
  const { colors } = options;
  const blocks = result.traces.map((trace, i) =>
    [colors.bold(`Request ${i + 1}`), renderWaterfall(trace.spans, options), renderTraceSummary(trace, options)].join(
      '\n',
    ),
  );
  const verified = result.traces.filter((t) => t.ok).length;
  const verdict = result.ok
    ? colors.green(`✓ ${verified}/${result.traces.length} traces verified: one traceparent linked every span`)
    : colors.red(`✗ ${verified}/${result.traces.length} traces verified`);
  const footer = [
    verdict,
    colors.dim(
      `scenario ${result.scenario}, runtime ${result.runtime}, ${(result.durationMs / 1000).toFixed(1)}s; spans: ${result.spansFile}`,
    ),
  ];
  return [...blocks, '', ...footer].join('\n\n').replace(/\n\n\n/g, '\n\n');
}
