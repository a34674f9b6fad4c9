// End-to-end: `polytrace lab start python-thread --ui` on the real chain (local
// runtime) and its lab page in Debian's Chromium. The page shows the exercise
// and its hop broken, from the trace the lab verified; the reference solution,
// written into the workspace as an editor saves it, makes the next trace whole
// and the hop verified. The page's keys give a hint and put the mistake back,
// as `polytrace lab hint` and `reset` do. The lab also joins a real `polytrace
// room` (--room, --name), whose board shows the attendee broken, then fixed.
// One exercise, one chain: Python needs no build, so its rounds are the quickest.
import { mkdtempSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exercises, findExercise } from '../../src/labs/catalog.js';
import { exerciseFiles } from '../../src/labs/workspace.js';
import { labActionPath } from '../../src/live/protocol.js';
import { launchChromium, type Browser } from './chromium.js';
import { chainPortsFree, outDir, polytrace, portBases, portFlags, portsAt, repo } from './run-cli.js';

const ports = portsAt(portBases.livePageLab);
const uiPort = portBases.livePageLab + 10;
const pageUrl = `http://127.0.0.1:${uiPort}/`;
const roomPort = portBases.livePageLab + 20;
const roomOrigin = `http://127.0.0.1:${roomPort}`;
const attendee = 'Ada Lovelace';
const exercise = findExercise('python-thread')!;
const hop = 'order-service → notification-service';
const screenshots = resolve(repo, '.polytrace/screenshots');
const workspace = mkdtempSync(join(tmpdir(), 'polytrace-lab-page-'));
const dir = join(workspace, exercise.id);

let lab: ReturnType<typeof polytrace>;
let room: ReturnType<typeof polytrace>;
let roomUrl = '';
let board: Page;
let output = '';
let browser: Browser;
let page: Page;
const openUrl = () =>
  new RegExp(`live page: (http://127\\.0\\.0\\.1:${uiPort}/\\?token=[0-9a-f]{48})`).exec(output)![1]!;

/** The lab view's verdict once it reads `state`; the lab ending first is a failure with its output. */
async function verdict(p: Page, state: 'broken' | 'fixed', timeout: number) {
  const line = p.locator(`#lab-verdict.${state}`);
  await Promise.race([
    line.waitFor({ timeout }),
    lab.then(() => Promise.reject(new Error(`the lab ended:\n${output.slice(-3000)}`))),
  ]);
  return line.innerText();
}

/** The attendee's cell of this exercise on the room's board, once it reads `state`. */
async function boardCell(state: 'broken' | 'fixed') {
  const cell = board.locator(`tr[data-attendee="${attendee}"] td[data-exercise="${exercise.id}"]`);
  await board
    .locator(`tr[data-attendee="${attendee}"] td[data-exercise="${exercise.id}"][data-state="${state}"]`)
    .waitFor({
      timeout: 30_000,
    });
  return cell.innerText();
}

beforeAll(async () => {
  room = polytrace(['room', '--port', String(roomPort)]);
  let roomOutput = '';
  roomUrl = await new Promise<string>((found, reject) => {
    room.all!.on('data', (chunk: Buffer) => {
      roomOutput += chunk.toString();
      const url = /room: (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48})/.exec(roomOutput);
      if (url) found(url[1]!);
    });
    void room.then(() => reject(new Error(`polytrace room ended before printing its URL:\n${roomOutput}`)));
  });
  lab = polytrace([
    'lab',
    'start',
    exercise.id,
    '--ui',
    '--ui-port',
    String(uiPort),
    '--workspace',
    workspace,
    '--runtime',
    'local',
    '--out-dir',
    outDir(),
    '--room',
    roomUrl,
    '--name',
    attendee,
    ...portFlags(ports),
  ]);
  lab.all!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((served, reject) => {
    const check = () => /live page: \S+\?token=[0-9a-f]{48}/.test(output) && served();
    lab.all!.on('data', check);
    void lab.then(() => reject(new Error(`lab ended before serving its page:\n${output}`)));
  });
  browser = await launchChromium(
    (url) => url.startsWith(pageUrl) || url.startsWith(`${roomOrigin}/`),
    'The lab page test',
  );
  page = browser.page;
  board = await browser.context.newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  room?.kill('SIGINT');
  await room;
  if (lab && lab.exitCode === null) {
    lab.kill('SIGINT');
    await lab;
  }
});

describe('the lab view of the live page (lab start --ui), in Chromium', () => {
  it('shows the exercise, and its hop broken by the first trace', async () => {
    await page.goto(openUrl());
    expect(page.url()).toBe(pageUrl);
    const started = Date.now();
    await expect(verdict(page, 'broken', 280_000)).resolves.toBe(`✗ still broken at ${hop}`);
    console.log(`lab page: first verdict ${((Date.now() - started) / 1000).toFixed(1)} s after the page opened`);
    await expect(page.locator('#lab h2').innerText()).resolves.toContain(exercise.title);
    await expect(page.locator('#lab .story').innerText()).resolves.toBe(exercise.story);
    await expect(page.locator('#lab .open code').innerText()).resolves.toBe(join(dir, exercise.file));
    await expect(page.locator(`#lab li.hop[data-hop="${hop}"]`).getAttribute('data-state')).resolves.toBe('broken');
    // The trace itself, as the verifier saw it: split at that hop.
    const trace = page.locator('#traces section.trace').first();
    await expect(trace.getAttribute('class')).resolves.toContain('failed');
    await expect(trace.locator('.diagnosis').innerText()).resolves.toContain(hop);
    await page.screenshot({ path: join(screenshots, 'lab-page-broken.png'), fullPage: true });
  }, 300_000);

  it("the room's board shows the attendee broken at that hop: the lab posted its verdict (--room, --name)", async () => {
    await board.goto(roomUrl);
    await expect(boardCell('broken')).resolves.toBe(`✗ ${hop}`);
  });

  it('every exercise of the catalogue has its hint, reset and solve buttons; the running one has keys', async () => {
    for (const e of exercises) {
      const row = page.locator(`#lab tr[data-exercise="${e.id}"]`);
      for (const action of ['hint', 'reset', 'solve'])
        await expect(row.locator(`button[data-action="${action}"]`).count(), `${e.id} ${action}`).resolves.toBe(1);
    }
    const running = page.locator(`#lab tr[data-exercise="${exercise.id}"] button[data-key]`);
    await expect(running.count()).resolves.toBe(3);
  });

  it('h gives the next hint on the page, as polytrace lab hint does', async () => {
    await page.keyboard.press('h');
    await page.locator('#lab-said:not([hidden])').waitFor();
    await expect(page.locator('#lab-said').innerText()).resolves.toBe(`${exercise.id}, hint 1/3: ${exercise.hints[0]}`);
  });

  it('the reference solution saved into the workspace: the next trace is whole and the hop verified', async () => {
    const mistake = await exerciseFiles(exercise, 'mistake');
    const solution = await exerciseFiles(exercise, 'solution');
    const saved = Date.now();
    for (const [path, text] of solution) if (mistake.get(path) !== text) await writeFile(join(dir, path), text);
    await expect(verdict(page, 'fixed', 120_000)).resolves.toBe(
      `✓ fixed: ${exercise.id}, every span and hop it requires is there and linked`,
    );
    console.log(`lab page: save to the fixed verdict on the page ${((Date.now() - saved) / 1000).toFixed(1)} s`);
    await expect(page.locator(`#lab li.hop[data-hop="${hop}"]`).getAttribute('data-state')).resolves.toBe('verified');
    const trace = page.locator('#traces section.trace').first();
    await expect(trace.getAttribute('class')).resolves.toContain('ok');
    await expect(page.locator(`#lab tr[data-exercise="${exercise.id}"] .state`).innerText()).resolves.toMatch(/^fixed/);
    await page.screenshot({ path: join(screenshots, 'lab-page-fixed.png'), fullPage: true });
    // The room's board, from the lab's own post.
    await expect(boardCell('fixed')).resolves.toBe('✓ fixed');
  }, 150_000);

  it('r puts the mistake back, as polytrace lab reset does: the lab sees the save, and the hop breaks again', async () => {
    await page.keyboard.press('r');
    await expect(verdict(page, 'broken', 120_000)).resolves.toBe(`✗ still broken at ${hop}`);
    await expect(page.locator('#lab-said').innerText()).resolves.toMatch(/saved: rebuilding|the mistake is back/);
  }, 150_000);

  it('refuses a lab action without the page cookie', async () => {
    const answer = await fetch(new URL(labActionPath('solve'), pageUrl), {
      method: 'POST',
      headers: { origin: pageUrl.slice(0, -1), 'content-type': 'application/json' },
      body: JSON.stringify({ exercise: exercise.id }),
    });
    expect(answer.status).toBe(403);
  });

  it('asked nothing of any address but 127.0.0.1, and stops on Ctrl-C with every port free', async () => {
    expect(browser.requests.filter((url) => !url.startsWith(pageUrl) && !url.startsWith(`${roomOrigin}/`))).toEqual([]);
    lab.kill('SIGINT');
    const result = await lab;
    expect(result.exitCode, output.slice(-2000)).toBe(130);
    expect(Object.values(await chainPortsFree({ ...ports, ui: uiPort })).every(Boolean)).toBe(true);
  }, 60_000);
});
