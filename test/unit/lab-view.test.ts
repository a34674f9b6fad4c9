// The lab view's parts: each hop from the trace's own checks, the HTML both
// sides draw (escaped), and the page's lab actions (which exercise, one at a time).
import { describe, expect, it } from 'vitest';
import type { LabPageControls } from '../../src/core/lab-page-controls.js';
import { exercises, findExercise } from '../../src/labs/catalog.js';
import { exerciseHops } from '../../src/labs/hops.js';
import { labVerdict } from '../../src/labs/verdict.js';
import { labActions } from '../../src/live/lab-actions.js';
import { labHtml } from '../../src/live/lab-parts.js';
import { labActionPath, type LabView } from '../../src/live/protocol.js';
import { verifyTrace } from '../../src/verify/verify-trace.js';
import { evidence, orderTrace, splitAt } from './fixtures/synthetic-trace.js';

const exercise = findExercise('python-thread')!;
const hop = 'order-service → notification-service';

describe("an exercise's hops, from the trace", () => {
  it('waiting before the first trace, broken where the trace split, verified once whole', () => {
    expect(exerciseHops(exercise)).toEqual([{ hop, state: 'waiting' }]);
    const { kept, strays } = splitAt(orderTrace(), 'notification-service');
    const split = verifyTrace(evidence(kept, { strays }));
    expect(exerciseHops(exercise, { trace: split, verdict: labVerdict(exercise, split) })).toEqual([
      { hop, state: 'broken' },
    ]);
    const whole = verifyTrace(evidence(orderTrace()));
    expect(exerciseHops(exercise, { trace: whole, verdict: labVerdict(exercise, whole) })).toEqual([
      { hop, state: 'verified' },
    ]);
  });

  it('a break inside a service, beside the hops the exercise requires', () => {
    const inside = findExercise('node-email-queue')!;
    const spans = orderTrace().filter((s) => s.name !== 'email.send');
    const trace = verifyTrace(evidence(spans));
    const hops = exerciseHops(inside, { trace, verdict: labVerdict(inside, trace) });
    expect(hops).toContainEqual({ hop: 'inside notification-service', state: 'broken' });
    expect(hops).toContainEqual({ hop, state: 'verified' });
  });
});

const view = (said?: string): LabView => ({
  exercise: { id: exercise.id, title: '<b>t</b>', story: 's & s', service: 'order-service', language: 'python' },
  file: '/w/app.py',
  verdict: 'broken',
  brokenAt: hop,
  hops: [{ hop, state: 'broken' }],
  problems: ['<script>'],
  exercises: exercises.map((e) => ({ id: e.id, title: e.title, state: 'not started', running: e.id === exercise.id })),
  ...(said ? { said } : {}),
});

describe("the lab view's HTML", () => {
  it('escapes what it shows, and gives every exercise its three buttons, the running one keys', () => {
    const html = labHtml(view('<img src=x>'));
    expect(html).not.toMatch(/<b>t<\/b>|<script>|<img/);
    expect(html).toContain('&lt;script&gt;');
    expect(html.match(/<button /g)).toHaveLength(exercises.length * 3);
    expect(html.match(/data-key=/g)).toHaveLength(3);
    expect(html).toContain(`✗ still broken at ${hop}`);
  });
});

describe("the lab page's actions", () => {
  const controls = (gate: Promise<void>): LabPageControls => ({
    hint: async (e) => (await gate, `hint of ${e.id}`),
    reset: async (e) => `reset ${e.id}`,
    solve: async (e) => `solve ${e.id}`,
  });

  it('name an exercise of the catalogue, run one at a time, and tell what they did', async () => {
    const said: string[] = [];
    let open = () => {};
    const gate = new Promise<void>((r) => (open = r));
    const run = labActions({ said: (t) => said.push(t), onError: (t) => said.push(`error ${t}`) });
    const path = labActionPath('hint');
    expect(run({ path, body: '{"exercise":"nope"}', controls: controls(gate) }).status).toBe(400);
    expect(run({ path, body: 'not json', controls: controls(gate) }).status).toBe(400);
    expect(run({ path: '/lab/other', body: '{}', controls: controls(gate) }).status).toBe(404);
    const body = JSON.stringify({ exercise: exercise.id });
    expect(run({ path, body, controls: controls(gate) }).status).toBe(202);
    expect(run({ path: labActionPath('solve'), body, controls: controls(gate) }).status).toBe(409);
    open();
    await new Promise((r) => setTimeout(r, 10));
    expect(said).toEqual([`hint of ${exercise.id}`]);
    expect(run({ path: labActionPath('solve'), body, controls: controls(gate) }).status).toBe(202);
  });
});
