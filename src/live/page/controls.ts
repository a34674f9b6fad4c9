// The page's buttons and keys: each sends its action, by the action's name
// (the browser adds the page's cookie, which this script cannot read); a scenario switch shows how it goes and how long from
// the click to its first diagnosed trace.
import { buttonState, countsText, scenarioText, switchFailedText } from '../page-parts.js';
import {
  actionPath,
  labActionPath,
  type ActionBodies,
  type ActionName,
  type LabActionBody,
  type LabActionName,
  type LiveState,
  type Row,
} from '../protocol.js';
import type { SwitchProgress } from '../../core/up-controls.js';
import { byId } from './dom.js';

const switchBox = byId('switch');
const progressLine = byId('progress');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

let state: LiveState | undefined;
/** A switch this page asked for, until its first trace is in. */
let pending: { scenario: string; asked: number; message: string } | undefined;
let ticker: number | undefined;

const buttons = () => document.querySelectorAll<HTMLButtonElement>('.controls button');

export function showState(next: LiveState): void {
  state = next;
  byId('scenario').textContent = scenarioText(state);
  byId('counts').textContent = countsText(state);
  refreshButtons();
}

/** Each button as the chain's state allows (the lab view's are drawn anew on each of its events). */
export function refreshButtons(): void {
  if (!state) return;
  for (const button of buttons()) {
    const { disabled, pressed } = buttonState(state, button.dataset.scenario);
    button.disabled = disabled;
    if (pressed !== undefined) button.setAttribute('aria-pressed', String(pressed));
  }
}

function showSwitch(text: string, kind?: 'done' | 'failed'): void {
  switchBox.hidden = false;
  switchBox.className = kind ? `switch ${kind}` : 'switch';
  switchBox.textContent = text;
}

function stopTicker(): void {
  window.clearInterval(ticker);
  ticker = undefined;
}

/** A switch's step: a failure ends it; the others are shown while this page waits for its trace. */
export function showSwitchStep(step: SwitchProgress): void {
  if (step.phase === 'failed') {
    stopTicker();
    pending = undefined;
    showSwitch(switchFailedText(step), 'failed');
  } else if (pending) {
    pending.message = step.phase === 'ready' ? `${step.message}: sending a request…` : step.message;
  }
}

/** A trace polytrace sent in the scenario this page switched to ends the switch: how long it took. */
export function traceArrived(trace: Row): void {
  if (!pending || trace.sentBy !== 'polytrace' || trace.scenario !== pending.scenario) return;
  stopTicker();
  const took = Date.now() - pending.asked;
  showSwitch(
    `${trace.scenario}: ${trace.ok ? 'a whole trace' : `broken at ${trace.hop}`}, ${seconds(took)} after the click`,
    'done',
  );
  switchBox.dataset.tookMs = String(took);
  pending = undefined;
}

async function post<A extends ActionName>(name: A, body: ActionBodies[A]): Promise<void> {
  await postTo(actionPath(name), body);
}

/** A lab button: what it answers comes back as a `lab` event, for every page to show. */
async function postLab(name: LabActionName, body: LabActionBody): Promise<void> {
  await postTo(labActionPath(name), body);
}

async function postTo(path: string, body: object): Promise<void> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.ok) return;
  const answer = (await response.json()) as { error: string };
  progressLine.textContent = `✗ ${answer.error}`;
}

function switchTo(name: string): void {
  if (!state?.ready || state.switching) return;
  const asked = Date.now();
  pending = { scenario: name, asked, message: `switching to ${name}…` };
  stopTicker();
  ticker = window.setInterval(() => {
    if (pending) showSwitch(`${pending.message} ${seconds(Date.now() - pending.asked)}`);
  }, 100);
  showSwitch(pending.message);
  void post('switchScenario', { name });
}

function act(button: HTMLButtonElement): void {
  if (button.disabled) return;
  const exercise = button.dataset.exercise;
  if (exercise !== undefined) return void postLab(button.dataset.action as LabActionName, { exercise });
  const action = button.dataset.action as ActionName;
  if (action === 'switchScenario') switchTo(button.dataset.scenario!);
  else void post(action, {});
}

/** Clicks on the buttons, and their keys (? opens the help). */
export function listen(): void {
  document.addEventListener('click', (e) => {
    const button = (e.target as Element).closest<HTMLButtonElement>('.controls button');
    if (button) act(button);
  });
  const help = document.getElementById('help') as HTMLDialogElement | null;
  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
    if (e.key === '?' && help) {
      if (help.open) help.close();
      else help.showModal();
      return;
    }
    const button = document.querySelector<HTMLButtonElement>(
      `.controls button[data-key="${CSS.escape(e.key.toLowerCase())}"]`,
    );
    if (button) {
      e.preventDefault();
      act(button);
    }
  });
}
