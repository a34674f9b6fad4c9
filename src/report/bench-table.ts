// The terminal report of `bench`: latency and throughput per configuration, what each SDK adds
// beside what the article says it costs, memory and CPU per component, the spans lost and the
// chain's peak memory against its limit.
import { articleClaims } from '../bench/article-claims.js';
import { intervalMethod, type Interval } from '../bench/statistics.js';
import type { BenchSummary, ConfigurationSummary, Overhead } from '../bench/summary.js';
import type { BenchResult } from '../bench/result.js';
import { serviceNamed, services } from '../topology/chain.js';
import { formatMs, wrap } from './format.js';
import type { Colors } from './style.js';
import { serviceColor } from './style.js';

interface TableOptions {
  width: number;
  colors: Colors;
}

const mib = (bytes: number) => bytes / 1024 ** 2;
const inMib = (bytes: Interval): Interval => ({
  ...bytes,
  mean: mib(bytes.mean),
  ...(bytes.halfWidth === undefined ? {} : { halfWidth: mib(bytes.halfWidth) }),
});

/** Two decimals below 10, one below 100, none above: `0.41`, `12.3`, `337`. */
function figure(value: number): string {
  const size = Math.abs(value);
  return value.toFixed(size < 10 ? 2 : size < 100 ? 1 : 0);
}

/** `12.3 ± 1.1`, or `12.3` from a single round; a difference gets its sign. */
function interval(value: Interval, signed = false): string {
  if (Number.isNaN(value.mean)) return '–';
  const sign = signed && value.mean >= 0 ? '+' : '';
  return `${sign}${figure(value.mean)}${value.halfWidth === undefined ? '' : ` ± ${figure(value.halfWidth)}`}`;
}

export function row(cells: string[], widths: number[]): string {
  // Left-aligned first column, the others right-aligned; no line ends in spaces.
  return `  ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')}`.trimEnd();
}

function spansCell(c: ConfigurationSummary): string {
  if (c.spans.fromOff > 0) return `${c.spans.fromOff} from off`;
  return c.spans.expected === 0 ? '–' : `${c.spans.lost}/${c.spans.expected}`;
}

function configurationTable(configurations: ConfigurationSummary[], colors: Colors): string[] {
  const widths = [12, 8, 8, 8, 14, 11, 12];
  const header = ['configuration', 'p50', 'p95', 'p99', 'mean ms', 'req/s', 'lost/expected'];
  return [
    colors.dim(row(header, widths)),
    ...configurations.map((c) => {
      const text = row(
        [
          c.name,
          formatMs(c.p50Ms),
          formatMs(c.p95Ms),
          formatMs(c.p99Ms),
          interval(c.meanMs),
          interval(c.throughput),
          spansCell(c),
        ],
        widths,
      );
      return c.spans.lost > 0 || c.spans.fromOff > 0 || c.failed > 0 ? colors.red(text) : text;
    }),
  ];
}

/** One line of the overhead table: what turning an SDK on adds, and what the article says it costs. */
function overheadRow(o: Overhead, { label, claim }: { label: string; claim: string }, widths: number[]): string {
  return row(
    [
      label,
      interval(o.addedMeanMs, true),
      interval(o.addedP50Ms, true),
      interval(o.addedCpuMsPerRequest, true),
      interval(inMib(o.addedPeakRssBytes), true),
      claim,
    ],
    widths,
  );
}

function overheadTable(languages: BenchSummary['languages'], total: Overhead | undefined, colors: Colors): string[] {
  const widths = [8, 14, 14, 14, 14, 0];
  const lines = [
    colors.dim(row(['SDK', 'latency mean', 'latency p50', 'CPU/request', 'peak RSS MiB', 'the article says'], widths)),
  ];
  for (const o of languages) {
    const { language } = serviceNamed(o.service);
    lines.push(
      serviceColor(
        colors,
        o.service,
      )(overheadRow(o, { label: language, claim: articleClaims[language].brief }, widths)),
    );
  }
  if (total) lines.push(overheadRow(total, { label: 'all four', claim: '' }, widths));
  return lines;
}

/** What a matrix shows: a figure per component and configuration, and a last row of its own. */
interface MatrixFigures {
  cell: (usage: ConfigurationSummary['components'][number]) => string;
  last: { label: string; cell: (c: ConfigurationSummary) => string };
}

/** One matrix: a row per component, a column per configuration. */
function componentMatrix(
  configurations: ConfigurationSummary[],
  { cell, last }: MatrixFigures,
  colors: Colors,
): string[] {
  const components = [...new Set(configurations.flatMap((c) => c.components.map((u) => u.component)))];
  const widths = [20, ...configurations.map(() => 9)];
  return [
    colors.dim(row(['component', ...configurations.map((c) => c.name)], widths)),
    ...components.map((component) =>
      serviceColor(
        colors,
        component,
      )(
        row(
          [
            component,
            ...configurations.map((c) => {
              const usage = c.components.find((u) => u.component === component);
              return usage ? cell(usage) : '–';
            }),
          ],
          widths,
        ),
      ),
    ),
    row([last.label, ...configurations.map(last.cell)], widths),
  ];
}

export function renderBenchTable(result: BenchResult, { width, colors }: TableOptions): string {
  const { summary, options } = result;
  const { configurations } = summary;
  const lines = [
    colors.bold(
      wrap(
        `polytrace bench: ${options.rounds} round${options.rounds === 1 ? '' : 's'} × ${configurations.length} configurations, ${options.requests} requests each at concurrency ${options.concurrency} after ${options.warmup} warm-up, ${result.runtime} runtime`,
        width,
        2,
      ),
    ),
    '',
    colors.bold('Latency (all rounds’ requests together) and throughput, per configuration'),
    ...configurationTable(configurations, colors),
    colors.dim(
      wrap(
        `  <language>-off: that service's telemetry off, the others on. lost/expected: the spans of the services that were on (the topology's, per answered request).`,
        width,
        2,
      ),
    ),
    '',
    colors.bold('What each SDK adds: all-on minus that SDK off, per request, in ms (RSS in MiB)'),
    ...overheadTable(summary.languages, summary.total, colors),
    colors.dim(
      wrap(
        `  CPU/request: CPU time of the service itself (all four: of the four services together) per measured request; peak RSS: of the service (all four: of the whole chain). Latency is end to end: once the cores are busy it is mostly the time a request waits for one, shared with whatever else the machine runs.`,
        width,
        2,
      ),
    ),
    '',
    colors.bold('Peak RSS (MiB) per component during the load'),
    ...componentMatrix(
      configurations,
      {
        cell: (usage) => mib(usage.peakRssBytes).toFixed(0),
        last: { label: 'whole chain', cell: (c) => mib(c.chainPeakRssBytes).toFixed(0) },
      },
      colors,
    ),
    '',
    colors.bold('CPU ms per request, per component'),
    ...componentMatrix(
      configurations,
      {
        cell: (usage) => figure(usage.cpuMsPerRequest.mean),
        last: { label: 'polytrace (client)', cell: (c) => figure(c.clientCpuMsPerRequest.mean) },
      },
      colors,
    ),
    '',
  ];

  const mark = (ok: boolean) => (ok ? colors.green('✓') : colors.red('✗'));
  const loss = summary.firstLoss;
  lines.push(
    loss
      ? `${mark(false)} spans lost: first in ${loss.configuration} (round ${loss.round}): ${loss.service} lost ${loss.lost}`
      : `${mark(true)} spans: none lost in any configuration`,
  );
  for (const c of configurations.filter((c) => c.spans.fromOff > 0)) {
    lines.push(`${mark(false)} ${c.name}: ${c.spans.fromOff} spans arrived from a service whose telemetry was off`);
  }
  for (const c of configurations.filter((c) => c.failed > 0)) {
    lines.push(`${mark(false)} ${c.name}: ${c.failed} of ${c.requests} requests not answered as expected`);
  }
  const peak = summary.peakChainRssBytes;
  const under = peak < summary.chainMemoryLimitBytes;
  lines.push(
    `${mark(under)} chain memory: at most ${mib(peak).toFixed(0)} MiB at once (Collector included), ${under ? 'under' : 'over'} the ${mib(summary.chainMemoryLimitBytes).toFixed(0)} MiB limit`,
  );
  if (result.incomplete) lines.push(`${mark(false)} incomplete: ${result.incomplete}`);
  const seconds = Math.round(result.durationMs / 1000);
  const took = seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  lines.push('', colors.dim(wrap(`± : ${intervalMethod}. The bench took ${took}.`, width, 0)));
  return `${lines.join('\n')}\n`;
}
