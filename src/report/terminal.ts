// The human report of `check`: a waterfall per trace, its checks, a summary.
import type { SdkRan } from '../verify/result.js';
import type { RunResult } from '../verify/result.js';
import type { TraceResult } from '../verify/result.js';
import { renderWaterfall } from './waterfall.js';
import { dependencyMap } from './dependency-map.js';
import { renderDependencyTable } from './dependency-table.js';
import type { Colors } from './style.js';
import { printable, wrap } from './format.js';
import { client } from '../topology/chain.js';
import { describeFaults, hasFaults } from '../intake/intake-faults.js';
import { renderMetricsBlock } from './metrics-table.js';
import { renderDirectionsBlock } from './direction-table.js';
import { markLegend, traceVerdict } from './verdict.js';

export interface TerminalOptions {
  width: number;
  colors: Colors;
}

/** The failed checks, the first break and the clock warnings of a trace, wrapped to the width. */
function renderTraceDetails(trace: TraceResult, { colors, width }: TerminalOptions): string[] {
  // Wrapped as plain text first: colour codes would count as columns.
  const failures = trace.checks
    .filter((c) => !c.ok)
    .map((c) => {
      const [first, ...rest] = wrap(`✗ ${c.name}: ${printable(c.message)}`, width - 4, 6).split('\n');
      const named = first!.replace(`✗ ${c.name}:`, `${colors.red('✗')} ${colors.bold(c.name)}:`);
      return ['    ' + named, ...rest.map((l) => `    ${l}`)].join('\n');
    });
  const cause = trace.diagnosis
    ? [`    ${colors.yellow('⇒')} first break: ${colors.bold(trace.diagnosis.hop)} (${trace.diagnosis.cause})`]
    : [];
  const skews = trace.clockSkews.map((c) => {
    const [first, ...rest] = wrap(`⚠ ${printable(c.message)}`, width - 4, 6).split('\n');
    return ['    ' + first!.replace('⚠', colors.yellow('⚠')), ...rest.map((l) => `    ${l}`)].join('\n');
  });
  return [...failures, ...cause, ...skews];
}

function renderTraceSummary(trace: TraceResult, options: TerminalOptions): string {
  const { colors, width } = options;
  // Only the chain's services count: polytrace's own span is Node too, and would make a trace that
  // lost notification-service still look like four languages.
  const chain = trace.spans.filter((s) => s.service !== client.name);
  const services = new Set(chain.map((s) => s.service));
  const languages = new Set(chain.map((s) => s.language).filter(Boolean));
  const passed = trace.checks.filter((c) => c.ok).length;
  const head = trace.ok ? colors.green(`✓ trace ${trace.traceId}`) : colors.red(`✗ trace ${trace.traceId}`);
  const linked = trace.linked?.length ? ` (+${trace.linked.length} in a trace it continues by link)` : '';
  const facts = `${trace.flow} flow, HTTP ${trace.status ?? '—'}, ${trace.spans.length} spans${linked}, ${services.size} services, ${languages.size} languages (${[...languages].join(', ')}); ${passed}/${trace.checks.length} checks passed`;
  const [factsFirst, ...factsRest] = wrap(facts, width - 4, 2).split('\n');
  const summary = [`${head}`, ...[factsFirst!, ...factsRest].map((l) => `  ${colors.dim(l.trim())}`)].join('\n');
  return [summary, ...renderTraceDetails(trace, options)].join('\n');
}

/**
 * One trace as `up` prints it: a heading, the waterfall, a one-line verdict, what its marks mean,
 * and, when something failed, which check and where it broke.
 */
export function renderUpTrace(trace: TraceResult, heading: string, options: TerminalOptions): string {
  const { colors, width } = options;
  const verdict = traceVerdict(trace);
  const legend = markLegend(trace).flatMap((line) => wrap(printable(line), width - 4, 2).split('\n'));
  return [
    colors.bold(heading),
    renderWaterfall(trace.spans, { ...options, strays: trace.strays, linked: trace.linked ?? [] }),
    ...wrap(printable(verdict), width, 2)
      .split('\n')
      .map((line) => (trace.ok ? colors.green(line) : colors.red(line))),
    ...legend.map((line) => colors.dim(`  ${line}`)),
    ...renderTraceDetails(trace, options),
  ].join('\n');
}

/** `api-gateway go 1.41.0, auth-service java 1.58.0 (opentelemetry-java-instrumentation 2.25.0), …` */
const sdksLine = (sdks: readonly SdkRan[]): string =>
  sdks.map((s) => `${s.service} ${s.language} ${s.version}${s.distro ? ` (${s.distro})` : ''}`).join(', ');

/** What a passing verdict says of the directions: all continued, or the judged ones did and some others broke. */
function directionsSaid(directions: RunResult['directions']): string {
  if (!directions) return '';
  const judged = directions.filter((d) => d.judged);
  const reported = directions.filter((d) => !d.ok && !d.judged).length;
  if (reported === 0) return `; all ${judged.length} directions between the languages continued`;
  return `; the ${judged.length} directions between the versions asked for continued (${reported} other${reported > 1 ? 's' : ''} broke, reported below)`;
}

export function renderCheckResult(result: RunResult, options: TerminalOptions): string {
  const { colors } = options;
  const blocks = result.traces.map((trace, i) =>
    [
      colors.bold(`Request ${i + 1}`),
      renderWaterfall(trace.spans, { ...options, strays: trace.strays, linked: trace.linked ?? [] }),
      renderTraceSummary(trace, options),
    ].join('\n'),
  );
  const verified = result.traces.filter((t) => t.ok).length;
  const counted = `${verified}/${result.traces.length} traces verified`;
  const verdict = result.expectation
    ? [
        colors.dim(counted),
        result.expectation.met
          ? colors.green(`✓ --expect-broken: ${result.expectation.message}`)
          : colors.red(`✗ --expect-broken: ${result.expectation.message}`),
      ].join('\n')
    : result.ok
      ? colors.green(
          `✓ ${counted}: one traceparent linked every span${result.traces.some((t) => t.linked?.length) ? ' (across the broker by span link)' : ''}; the metrics agree${directionsSaid(result.directions)}`,
        )
      : colors.red(
          `✗ ${counted}${result.metrics.ok ? '' : '; a metrics check failed'}${result.directions?.some((d) => !d.ok && d.judged) ? '; a direction between the languages broke' : ''}${(result.sdkChecks ?? []).every((c) => c.ok) ? '' : '; an SDK ran at another version than --sdk asked'}`,
        );
  const unreadable = (['spans', 'metrics'] as const)
    .filter((file) => hasFaults(result.unreadable[file]))
    .map((file) =>
      colors.yellow(
        `⚠ the ${file} file had ${describeFaults(result.unreadable[file])}, skipped: ${result.unreadable[file].examples[0] ?? ''}`,
      ),
    );
  const footer = [
    ...unreadable,
    verdict,
    ...(result.sdks?.length ? [colors.dim(`SDKs (from telemetry.sdk.version): ${sdksLine(result.sdks)}`)] : []),
    ...(result.sdkChecks ?? []).filter((c) => !c.ok).map((c) => colors.red(`✗ ${c.message}`)),
    ...(result.directionsNotTried ? [colors.dim(result.directionsNotTried)] : []),
    colors.dim(
      `scenario ${result.scenario}, runtime ${result.runtime}, ${(result.durationMs / 1000).toFixed(1)}s; spans: ${result.spansFile}`,
    ),
  ];
  const dependencies = renderDependencyTable(dependencyMap(result.traces), options);
  const metrics = renderMetricsBlock(result, options);
  const directions = result.directions ? [renderDirectionsBlock(result.directions, options)] : [];
  return [...blocks, dependencies, metrics, ...directions, '', ...footer].join('\n\n').replace(/\n\n\n/g, '\n\n');
}
