// `bench --timeline`: per runtime, one line per phase of a warm check (median
// start and duration, fastest and slowest), the wall time, the time from the
// last answer to the verdict, and each component's memory; or one JSON document.
import type { RuntimeTimeline, TimelineBenchResult } from '../bench/timeline.js';
import { row } from './bench-table.js';
import { formatMs } from './format.js';
import type { Colors } from './style.js';

const schemaVersion = 1;
const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;

function runtimeBlock(timeline: RuntimeTimeline, colors: Colors): string[] {
  const passed = timeline.runs.filter((r) => r.ok).length;
  const widths = [26, 9, 9, 17];
  const lines = [
    colors.bold(
      `${timeline.runtime} runtime: ${formatMs(timeline.totalMs)} a check (median of ${timeline.runs.length}; ${passed}/${timeline.runs.length} passed)`,
    ),
    colors.dim(row(['phase', 'starts', 'takes', 'fastest–slowest'], widths)),
    ...timeline.phases.map((p) =>
      row(
        [
          // A component's start overlaps the others': indented under the chain's start.
          p.name.startsWith('start ') ? `  ${p.name}` : p.name,
          formatMs(p.startMs),
          formatMs(p.durationMs),
          `${formatMs(p.minMs)}–${formatMs(p.maxMs)}`,
        ],
        widths,
      ),
    ),
    `  verdict after the last answer: ${formatMs(timeline.verdictAfterAnswerMs)} (waiting for the spans, then verifying)`,
  ];
  if (timeline.rssBytes) {
    const parts = Object.entries(timeline.rssBytes.components)
      .sort(([, a], [, b]) => b - a)
      .map(([name, bytes]) => `${name} ${mib(bytes)}`);
    lines.push(`  memory once the verdict is in (RSS): ${mib(timeline.rssBytes.chain)} in all; ${parts.join(', ')}`);
  } else {
    lines.push(`  memory: not read in the ${timeline.runtime} runtime`);
  }
  return lines;
}

export function renderTimelineTable(result: TimelineBenchResult, colors: Colors): string {
  const blocks = result.runtimes.map((t) => runtimeBlock(t, colors).join('\n'));
  return `${colors.bold('Timeline of a warm check, one request')}\n\n${blocks.join('\n\n')}\n`;
}

export function renderTimelineJson(result: TimelineBenchResult): string {
  return `${JSON.stringify({ schemaVersion, ...result }, null, 2)}\n`;
}
