// The lab view of the live page, made by both sides as page-parts.ts's pieces
// are: the server, in the page's first response, and the page's script, on
// every `lab` event. The exercise, its hops as the newest trace left them,
// and a row per exercise of the workspace with its buttons (hint, reset,
// solve), the running one's with keys.
import { escapeHtml } from '../report/html-escape.js';
import type { LabActionName, LabView } from './protocol.js';

/** The running exercise's keys; `?` lists them. */
export const labKeys: { [A in LabActionName]: string } = { hint: 'h', reset: 'r', solve: 'v' };

const labels: { [A in LabActionName]: { text: string; title: string } } = {
  hint: { text: 'hint', title: 'the next hint, vague to exact, as polytrace lab hint gives it' },
  reset: { text: 'reset', title: 'put the mistake back (edits are moved to a backup folder first)' },
  solve: { text: 'solve', title: 'write the reference fix: a running lab verifies it' },
};

const marks = { verified: '✓', broken: '✗', waiting: '…' } as const;

const verdictText = (view: LabView) =>
  view.verdict === 'fixed'
    ? `✓ fixed: ${view.exercise.id}, every span and hop it requires is there and linked`
    : view.verdict === 'broken'
      ? `✗ still broken at ${view.brokenAt ?? 'a hop'}`
      : '… waiting for the first trace';

function button(action: LabActionName, exercise: string, running: boolean): string {
  const { text, title } = labels[action];
  const key = running ? labKeys[action] : undefined;
  return `<button type="button" data-action="${action}" data-exercise="${escapeHtml(exercise)}"${key ? ` data-key="${key}"` : ''} title="${escapeHtml(title)}">${text}${key ? ` <kbd>${key}</kbd>` : ''}</button>`;
}

/** The inside of the lab section: escaped here, so the page's script may set it as HTML. */
export function labHtml(view: LabView): string {
  const { exercise } = view;
  const hops = view.hops
    .map(
      (h) =>
        `<li class="hop ${h.state}" data-hop="${escapeHtml(h.hop)}" data-state="${h.state}"><span class="mark">${marks[h.state]}</span> ${escapeHtml(h.hop)}</li>`,
    )
    .join('');
  const problems = view.problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('');
  const rows = view.exercises
    .map(
      (e) =>
        `<tr class="${e.running ? 'running' : ''}" data-exercise="${escapeHtml(e.id)}"><td><code>${escapeHtml(e.id)}</code></td><td>${escapeHtml(e.title)}</td><td class="state ${e.state.replace(' ', '-')}">${escapeHtml(e.state)}${e.running ? ' (running)' : ''}</td><td>${(['hint', 'reset', 'solve'] as const).map((a) => button(a, e.id, e.running)).join(' ')}</td></tr>`,
    )
    .join('\n');
  return `<h2>${escapeHtml(exercise.title)} <span class="note">${escapeHtml(exercise.id)} · ${escapeHtml(exercise.language)} · ${escapeHtml(exercise.service)}</span></h2>
<p class="story">${escapeHtml(exercise.story)}</p>
<p class="open">Open <code>${escapeHtml(view.file)}</code>: every save rebuilds ${escapeHtml(exercise.service)} and verifies a new request.</p>
<ul class="hops" aria-label="the exercise's hops">${hops}</ul>
<p class="lab-verdict ${view.verdict}" id="lab-verdict">${escapeHtml(verdictText(view))}</p>
${problems ? `<ul class="problems">${problems}</ul>` : ''}
<p class="said" id="lab-said" aria-live="polite"${view.said ? '' : ' hidden'}>${escapeHtml(view.said ?? '')}</p>
<nav class="controls lab-exercises" aria-label="every exercise of the workspace: hint, reset, solve">
<table class="exercises"><tbody>
${rows}
</tbody></table>
</nav>`;
}
