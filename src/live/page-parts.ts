// The pieces of the live page that both sides make: the server, in the page's
// first response (so it is whole before any event), and the page's script, as
// events come. One definition each, so the two cannot drift apart.
import { escapeHtml } from '../report/html-escape.js';
import type { SwitchProgress } from '../core/up-controls.js';
import type { LiveState, ProgressLine, Row } from './protocol.js';

/** Lines the list holds (and the hub keeps), newest first; older ones are only counted. */
export const maxRows = 300;
/** Traces the page shows whole; older ones fold into their line, and open again on click. */
export const maxWhole = 8;

export const clock = (at: number) => new Date(at).toTimeString().slice(0, 8);

const rowClass = (row: Row) => (row.kind === 'note' ? 'note' : row.ok ? 'ok' : 'failed');

/** A trace or a note as one line. */
export const rowHtml = (row: Row) =>
  `<div class="row ${rowClass(row)}" title="${escapeHtml(row.verdict)}"><span class="seq">#${row.seq}</span><span class="when">${clock(row.at)}</span><span class="verdict-text">${escapeHtml(row.verdict)}</span>${row.traceId ? `<span class="id">${escapeHtml(row.traceId.slice(0, 12))}…</span>` : ''}</div>`;

/** One item of the list: the trace's own HTML when it is shown whole, else its line. */
export const itemHtml = (row: Row, wholeHtml?: string) =>
  `<article class="item" data-seq="${row.seq}" data-kind="${row.kind}">${wholeHtml ?? rowHtml(row)}</article>`;

/** Below the list: how many older lines it no longer holds (every trace and note has its own seq). */
export const olderText = (dropped: number) =>
  `${dropped} older line${dropped === 1 ? '' : 's'} not shown (the page keeps ${maxRows}).`;

export const scenarioText = (state: LiveState) => (state.scenario ? `scenario: ${state.scenario}` : '');

export const countsText = ({ counts }: LiveState) =>
  `✓ ${counts.ok}  ✗ ${counts.failed}${counts.notes ? `  ○ ${counts.notes}` : ''}  (${counts.traces} traces)`;

export const progressText = (line: ProgressLine) => `${clock(line.at)}  ${line.message}`;

/** A button waits while the chain is not up; a scenario's also while a switch is under way, and is pressed while it runs. */
export function buttonState(state: LiveState, scenario: string | undefined): { disabled: boolean; pressed?: boolean } {
  if (scenario === undefined) return { disabled: !state.ready };
  return { disabled: !state.ready || state.switching !== null, pressed: scenario === state.scenario };
}

/** The switch box when a switch failed. */
export const switchFailedText = (progress: SwitchProgress) => `✗ ${progress.message}`;
