// The terminal report of `conformance`: which SDK each service ran (from its
// spans), one row per case with a mark per language, then each failed case
// with what each service sent instead.
import type { ConformanceResult, SdkEvidence } from '../conformance/result.js';
import { formatMs, wrap } from './format.js';
import type { Colors } from './style.js';
import { serviceColor } from './style.js';

interface TableOptions {
  width: number;
  colors: Colors;
}

export function sdkLabel(sdk: SdkEvidence | undefined): string {
  if (!sdk) return 'SDK unknown (a chain polytrace did not start: its spans were not read)';
  return `${sdk.name} ${sdk.version}${sdk.distro ? ` (${sdk.distro})` : ''}`;
}

/** The section's number, for the table; the failures list gives its title. */
const sectionNumber = (section: string) => section.split(' ')[0]!;

function where(result: ConformanceResult): string {
  if (result.runtime === 'running') return 'a chain already running';
  // A scenario that breaks propagation on purpose shows in the verdict: say which one ran.
  return result.scenario && result.scenario !== 'happy'
    ? `${result.runtime} runtime, scenario ${result.scenario}`
    : `${result.runtime} runtime`;
}

export function renderConformanceTable(result: ConformanceResult, { width, colors }: TableOptions): string {
  const services = result.services;
  const cases = services[0]?.cases ?? [];
  const languageWidth = Math.max(...services.map((s) => s.language.length), 5) + 2;
  const nameWidth = Math.max(...services.map((s) => s.service.length));
  const idWidth = Math.max(...cases.map((c) => c.id.length), 'case'.length);
  const sectionWidth = Math.max(...cases.map((c) => sectionNumber(c.section).length), 'section'.length);
  // One column per language; the last one unpadded, so no line ends in spaces.
  const column = (text: string, index: number) => (index < services.length - 1 ? text.padEnd(languageWidth) : text);

  const lines = [
    colors.bold(`W3C Trace Context Level 1 conformance: ${cases.length} cases per service, ${where(result)}`),
    '',
    ...services.map(
      (s) =>
        `  ${serviceColor(colors, s.service)(s.language.padEnd(languageWidth))}${s.service.padEnd(nameWidth)}  ${colors.dim(sdkLabel(s.sdk))}`,
    ),
    '',
    colors.dim(
      `  ${'case'.padEnd(idWidth)}  ${'section'.padEnd(sectionWidth)}  ${services.map((s, i) => column(s.language, i)).join('')}`,
    ),
    ...cases.map((c, row) => {
      const marks = services.map((s, i) =>
        s.cases[row]!.ok ? colors.green(column('✓', i)) : colors.red(column('✗', i)),
      );
      return `  ${c.id.padEnd(idWidth)}  ${colors.dim(sectionNumber(c.section).padEnd(sectionWidth))}  ${marks.join('')}`;
    }),
    `  ${'passed'.padEnd(idWidth)}  ${''.padEnd(sectionWidth)}  ${services
      .map((s, i) => {
        const passed = s.cases.filter((c) => c.ok).length;
        const text = column(`${passed}/${s.cases.length}`, i);
        return passed === s.cases.length ? colors.green(text) : colors.red(text);
      })
      .join('')}`,
  ];

  const failed = cases.filter((_, row) => services.some((s) => !s.cases[row]!.ok));
  if (failed.length > 0) {
    lines.push('', colors.bold('Failed cases, and what each service sent instead:'));
    for (const probeCase of failed) {
      const row = cases.indexOf(probeCase);
      lines.push(`  ${colors.red('✗')} ${colors.bold(probeCase.id)} ${colors.dim(`(${probeCase.section})`)}`);
      for (const s of services.filter((s) => !s.cases[row]!.ok)) {
        const text = wrap(`${s.language.padEnd(languageWidth)}${s.cases[row]!.message}`, width - 6, 6 + languageWidth);
        lines.push(`      ${text}`);
      }
    }
  }
  const footer = `ran in ${formatMs(result.durationMs)}${result.spansFile ? `; spans: ${result.spansFile}` : ''}. A failed case is the SDK's behaviour, reported: the exit code stays 0.`;
  lines.push('', colors.dim(wrap(footer, width, 0)));
  return lines.join('\n');
}
