// The directions a run tried, for people: one row per ordered pair of the
// chain's languages (what the receiver did with the sender's root and child
// traceparent, and whether the chain's own hop was observed), then the
// message of each direction that broke. Terminal, Markdown and HTML.
import type { DirectionTrial, DirectionVerdict, EmittedAs } from '../verify/direction.js';
import { printable, wrap } from './format.js';
import { escapeHtml } from './html-escape.js';
import type { Colors } from './style.js';

/** What the table says of one header: `✓ -03` continued, `✗ -03 new trace`, `✗ no call`. */
function trialCell(trials: readonly DirectionTrial[] | undefined, emittedAs: EmittedAs): string {
  const trial = trials?.find((t) => t.emittedAs === emittedAs);
  if (!trial) return '—';
  const ending = `-${trial.traceparent.split('-').at(-1) ?? ''}`;
  return trial.outcome === 'continued'
    ? `✓ ${ending}`
    : trial.outcome === 'restarted'
      ? `✗ ${ending} new trace`
      : `✗ ${ending} no call`;
}

const pairName = (d: DirectionVerdict) => `${d.from.language} → ${d.to.language}`;
const evidenceCell = (d: DirectionVerdict) =>
  d.observed ? `observed (${d.observed.ok ? '✓' : '✗'} ${d.observed.hop})` : d.evidence;

/** The one sentence under the table that says what the two kinds of evidence mean. */
const directionsLegend =
  "observed: the chain's own hop, verified from the run's traces; derived: the sender's real header handed to the receiver by polytrace (two real halves)";

export function renderDirectionsBlock(
  directions: readonly DirectionVerdict[],
  { colors, width }: { colors: Colors; width: number },
): string {
  const broken = directions.filter((d) => !d.ok);
  const pair = Math.max(9, ...directions.map((d) => pairName(d).length));
  const root = Math.max(4, ...directions.map((d) => trialCell(d.trials, 'root').length));
  const child = Math.max(5, ...directions.map((d) => trialCell(d.trials, 'child').length));
  const head = colors.bold(
    `Directions: ${directions.length - broken.length}/${directions.length} continued every traceparent handed to them`,
  );
  const rows = directions.map((d) => {
    const mark = d.ok ? colors.green('✓') : colors.red('✗');
    return `  ${mark} ${pairName(d).padEnd(pair)}  ${trialCell(d.trials, 'root').padEnd(root)}  ${trialCell(d.trials, 'child').padEnd(child)}  ${evidenceCell(d)}`;
  });
  const messages = broken.map((d) => {
    const [first, ...rest] = wrap(`✗ ${printable(d.message)}`, width - 4, 4).split('\n');
    return ['  ' + first!.replace('✗', colors.red('✗')), ...rest.map((l) => `  ${l}`)].join('\n');
  });
  return [
    head,
    colors.dim(`    ${'from → to'.padEnd(pair)}  ${'root'.padEnd(root)}  ${'child'.padEnd(child)}  evidence`),
    ...rows,
    ...messages,
    ...wrap(directionsLegend, width - 2, 2)
      .split('\n')
      .map((l) => colors.dim(`  ${l.trim()}`)),
  ].join('\n');
}

/** Table cells hold one line, and a pipe would end the cell. */
const mdCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function directionsMarkdown(directions: readonly DirectionVerdict[]): string[] {
  const broken = directions.filter((d) => !d.ok);
  return [
    '### Directions between the languages',
    '',
    '| | From → to | Root | Child | Evidence |',
    '| --- | --- | --- | --- | --- |',
    ...directions.map(
      (d) =>
        `| ${d.ok ? '✅' : '❌'} | ${mdCell(pairName(d))} | ${mdCell(trialCell(d.trials, 'root'))} | ${mdCell(trialCell(d.trials, 'child'))} | ${mdCell(evidenceCell(d))} |`,
    ),
    '',
    ...broken.map((d) => `- ${mdCell(d.message)}`),
    ...(broken.length ? [''] : []),
    `_${directionsLegend}._`,
  ];
}

export function directionsHtml(directions: readonly DirectionVerdict[]): string {
  const rows = directions
    .map(
      (d) =>
        `<tr class="${d.ok ? 'pass' : 'fail'}"><td class="icon">${d.ok ? '✓' : '✗'}</td><td>${escapeHtml(pairName(d))}</td><td>${escapeHtml(trialCell(d.trials, 'root'))}</td><td>${escapeHtml(trialCell(d.trials, 'child'))}</td><td>${escapeHtml(evidenceCell(d))}</td><td>${escapeHtml(d.message)}</td></tr>`,
    )
    .join('\n');
  return `<section class="metrics"><h2>Directions between the languages</h2>
<p class="note">${escapeHtml(directionsLegend)}</p>
<table class="deps directions"><thead><tr><th></th><th>from → to</th><th>root</th><th>child</th><th>evidence</th><th>message</th></tr></thead><tbody>${rows}</tbody></table>
</section>`;
}
