// End-to-end: `polytrace up` on the real chain (local runtime) and its live
// page in Debian's Chromium. The page shows the first verified trace; a click
// on "propagator mismatch" restarts notification-service only, and the next
// trace shows the split with its diagnosis; back to happy, a whole trace again.
// Another page in the same browser cannot trigger an action, and nothing is
// fetched beyond 127.0.0.1. Screenshots go to .polytrace/screenshots/.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionPath } from '../../src/live/protocol.js';
import { scenarios } from '../../src/scenarios/catalog.js';
import { dumpDom, launchChromium, linesWithIds, scrollToTop, type Browser } from './chromium.js';
import { chainPortsFree, outDir, polytrace, portFlags, repo } from './run-cli.js';

/** Ports of this test's chain: clear of every other e2e test's, and below Linux's ephemeral range (32768 up). */
const ports: Record<string, number> = {
  'api-gateway': 26480,
  'auth-service': 26481,
  'order-service': 26482,
  'notification-service': 26483,
  'otel-collector.grpc': 26417,
  'otel-collector.http': 26418,
  'otel-collector.health': 26433,
};
const uiPort = 26490;
const screenshots = resolve(repo, '.polytrace/screenshots');

let up: ReturnType<typeof polytrace>;
let output = '';
let browser: Browser;
let page: Page;
/** A page of another origin on this machine, for the cross-origin test. */
let elsewhere: Server;
let elsewhereUrl: string;
const pageUrl = `http://127.0.0.1:${uiPort}/`;
/** The URL `up` printed: the page with its token, which the page exchanges for its cookie. */
const openUrl = () =>
  new RegExp(`live page: (http://127\\.0\\.0\\.1:${uiPort}/\\?token=[0-9a-f]{48})`).exec(output)![1]!;

/** The newest trace on the page, and how many items the list holds. */
const newest = (p: Page) => p.locator('#traces article.item[data-kind="trace"]').first();
const newestSeq = async (p: Page) =>
  (await newest(p).count()) === 0 ? 0 : Number((await newest(p).getAttribute('data-seq')) ?? 0);

/** Resolves once the trace after `seq` is on the page, and returns its section. */
async function nextTrace(p: Page, seq: number, timeout: number) {
  // Polled from here: the page's policy lets no test code be evaluated from a string there.
  const deadline = Date.now() + timeout;
  while ((await newestSeq(p).catch(() => 0)) <= seq) {
    if (Date.now() > deadline) throw new Error(`no trace after #${seq} within ${timeout / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return newest(p).locator('section.trace');
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  up = polytrace(['up', '--runtime', 'local', ...portFlags(ports), '--ui-port', String(uiPort), '--out-dir', outDir()]);
  up.all!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // The page is served before the chain starts: it shows the start as it goes.
  await new Promise<void>((resolvePage, reject) => {
    const check = () => /live page: \S+\?token=[0-9a-f]{48}/.test(output) && resolvePage();
    up.all!.on('data', check);
    void up.then(() => reject(new Error(`up ended before serving its page:\n${output}`)));
  });
  elsewhere = createServer((_, res) => res.end('<!doctype html><title>another site</title><p>another site</p>'));
  await new Promise<void>((listening) => elsewhere.listen(0, '127.0.0.1', listening));
  elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/`;
  browser = await launchChromium(
    (url) => url.startsWith(pageUrl) || url.startsWith(elsewhereUrl),
    'The live page test',
  );
  page = browser.page;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  elsewhere?.close();
  if (up && up.exitCode === null) {
    up.kill('SIGINT');
    await up;
  }
});

describe('the live page of `polytrace up`, in Chromium', () => {
  it('shows the first verified trace, and the map with every service and its language', async () => {
    await page.goto(openUrl());
    // The token left the address bar: the cookie carries it, and the page holds none.
    expect(page.url()).toBe(pageUrl);
    expect(await page.content()).not.toContain(openUrl().split('=')[1]);
    const first = page.locator('section.trace.ok').first();
    // The chain builds what is missing and starts; `up` ending first is a failure with its output.
    await Promise.race([
      first.waitFor({ timeout: 280_000 }),
      up.then(() => Promise.reject(new Error(`up ended:\n${output.slice(-3000)}`))),
    ]);
    await expect(first.locator('h2').innerText()).resolves.toMatch(/#1 first request/);
    await expect(first.locator('.verdict-line').innerText()).resolves.toMatch(
      /^✓ verified: one trace, \d+ spans across 4 services in 4 languages \(order flow, HTTP 201\)$/,
    );
    const map = page.locator('#map svg.graph');
    await map.waitFor();
    await expect(map.textContent()).resolves.toMatch(
      /api-gateway\s+Go[\s\S]*auth-service\s+Java[\s\S]*order-service\s+Python[\s\S]*notification-service\s+Node\.js/,
    );
    await expect(page.locator('#link').innerText()).resolves.toBe('live');
    // A span's attributes, on click.
    const notify = first.locator('details.span', { has: page.getByText('POST /notify', { exact: true }) });
    await notify.locator('summary').click();
    await expect(notify.locator('table.attrs').innerText()).resolves.toMatch(/notification\.order_id/);
    await page.screenshot({ path: join(screenshots, 'live-page-first.png') });
  }, 300_000);

  it('every break scenario has a key, and the map reads from the back of the room: its labels are no smaller than the trace text', async () => {
    // The break scenarios from the catalogue the CLI reads, not a list kept here.
    const broken = scenarios.filter((s) => s.name !== 'happy').map((s) => s.name);
    expect(broken.length).toBeGreaterThanOrEqual(11);
    const buttons = page.locator('.controls button[data-action="switchScenario"]');
    const keys = new Map<string, string | null>();
    for (const button of await buttons.all()) {
      const key = await button.getAttribute('data-key');
      expect(await button.locator('kbd').innerText(), 'the button shows its key').toBe(key);
      keys.set((await button.getAttribute('data-scenario'))!, key);
    }
    for (const name of broken) expect(keys.get(name), `the key of ${name}`).toMatch(/^.$/);
    const allKeys = await Promise.all(
      (await page.locator('.controls button').all()).map((b) => b.getAttribute('data-key')),
    );
    expect(new Set(allKeys).size, 'no two buttons share a key').toBe(allKeys.length);
    // The size a label is drawn at: its computed size, times how far the browser scaled the map's SVG.
    const labels = await page.locator('#map svg.graph').evaluate((svg) => {
      const browser = globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } };
      const graph = svg as unknown as {
        getBoundingClientRect(): { width: number };
        viewBox: { baseVal: { width: number } };
        querySelectorAll(s: string): Iterable<{ textContent: string | null }>;
      };
      const scale = graph.getBoundingClientRect().width / graph.viewBox.baseVal.width;
      return [...graph.querySelectorAll('text')].map((text) => ({
        text: text.textContent,
        px: parseFloat(browser.getComputedStyle(text).fontSize) * scale,
      }));
    });
    const tracePx = await page
      .locator('section.trace details.span > summary')
      .first()
      .evaluate((summary) =>
        parseFloat(
          (globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } }).getComputedStyle(summary)
            .fontSize,
        ),
      );
    console.log(`map labels ${labels.map((l) => l.px.toFixed(1)).join(', ')} px; trace text ${tracePx} px`);
    expect(labels.length).toBeGreaterThanOrEqual(8);
    expect(tracePx).toBeGreaterThanOrEqual(16);
    for (const label of labels) expect(label.px, `"${label.text}"`).toBeGreaterThanOrEqual(tracePx);
  });

  it('is whole as soon as it loads: a page Chromium dumps at once shows the newest trace, the map and the counts', async () => {
    const dom = await dumpDom(openUrl());
    expect(dom).toMatch(
      /<section class="trace ok" id="trace-1" data-trace-id="[0-9a-f]{32}">\s*<h2><span class="verdict">✓<\/span> #1 <span class="who">first request<\/span>/,
    );
    expect(dom).toMatch(
      /<p class="verdict-line">✓ verified: one trace, \d+ spans across 4 services in 4 languages \(order flow, HTTP 201\)<\/p>/,
    );
    expect(dom).toMatch(/<div id="map"><p class="note">From 1 trace:[\s\S]*<svg class="graph"/);
    expect(dom).toMatch(/id="counts">✓ 1 {2}✗ 0 {2}\(1 traces\)</);
    expect(dom).toMatch(/id="scenario" aria-live="polite">scenario: happy</);
    console.log(linesWithIds(dom, /id="(trace-1|counts|scenario)"/));
  }, 90_000);

  it('a click on "propagator mismatch": notification-service restarts, and the next trace shows the split, diagnosed at order-service → notification-service', async () => {
    const seq = await newestSeq(page);
    const clicked = Date.now();
    await page.getByRole('button', { name: /propagator mismatch/ }).click();
    await expect(page.locator('#switch').innerText()).resolves.toMatch(/propagator-mismatch|switching/);
    const trace = await nextTrace(page, seq, 90_000);
    const took = Date.now() - clicked;
    await expect(trace.getAttribute('class')).resolves.toContain('failed');
    await expect(trace.locator('.diagnosis').innerText()).resolves.toMatch(
      /First break: order-service → notification-service \(propagator-mismatch\): notification-service started a new trace: order-service sent W3C traceparent headers but notification-service expects B3/,
    );
    await expect(trace.locator('.split').innerText()).resolves.toMatch(/under other trace IDs/);
    await page.locator('#switch.done').waitFor();
    await expect(page.locator('#switch').innerText()).resolves.toMatch(
      /^propagator-mismatch: broken at order-service → notification-service, \d+\.\d s after the click$/,
    );
    await page.locator('#map g.edge.broken[data-hop="order-service → notification-service"]').waitFor();
    await expect(page.locator('#scenario').innerText()).resolves.toBe('scenario: propagator-mismatch');
    // Only the service the scenario configures differently restarted.
    expect(output).toMatch(/restarting notification-service for propagator-mismatch/);
    expect(output).not.toMatch(/stopping (api-gateway|auth-service|order-service) to restart it/);
    writeFileSync(
      join(screenshots, 'switch-time.json'),
      `${JSON.stringify({ scenario: 'propagator-mismatch', clickToDiagnosedTraceMs: took })}\n`,
    );
    await scrollToTop(page);
    await page.screenshot({
      path: join(screenshots, 'live-page-split.png'),
      fullPage: true,
      clip: { x: 0, y: 0, width: 1400, height: 1500 },
    });
    // The live page's picture in docs/live-page.md is this one, made by this test: copied when asked (it changes the checkout).
    if (process.env.POLYTRACE_UPDATE_DOCS === '1') {
      mkdirSync(join(repo, 'docs'), { recursive: true });
      copyFileSync(join(screenshots, 'live-page-split.png'), join(repo, 'docs/live-page.png'));
    }
  }, 120_000);

  it('back to happy: a whole trace again', async () => {
    const seq = await newestSeq(page);
    await page.getByRole('button', { name: /back to happy/ }).click();
    const trace = await nextTrace(page, seq, 90_000);
    await expect(trace.getAttribute('class')).resolves.toContain('ok');
    await expect(trace.locator('h2').innerText()).resolves.toMatch(/happy/);
    await expect(trace.locator('.verdict-line').innerText()).resolves.toMatch(
      /^✓ verified: one trace, .* across 4 services in 4 languages/,
    );
    await expect(page.locator('#scenario').innerText()).resolves.toBe('scenario: happy');
  }, 120_000);

  it('keys: s sends a request, t one without a token; older traces fold into one line each', async () => {
    let seq = await newestSeq(page);
    await page.keyboard.press('t');
    let trace = await nextTrace(page, seq, 60_000);
    await expect(trace.locator('.verdict-line').innerText()).resolves.toMatch(/\(unauthorized flow, HTTP 401\)$/);
    await expect(trace.locator('ul.marks').innerText()).resolves.toMatch(/✗ the span's status is ERROR/);
    for (let i = 0; i < 6; i++) {
      seq = await newestSeq(page);
      await page.keyboard.press('s');
      trace = await nextTrace(page, seq, 60_000);
      await expect(trace.getAttribute('class')).resolves.toContain('ok');
    }
    // 10 traces now: the 8 newest whole, the others one line each, each opening again on click.
    await expect(page.locator('#traces section.trace').count()).resolves.toBe(8);
    const folded = page.locator('#traces article.item .row').last();
    await expect(folded.innerText()).resolves.toMatch(/#1[\s\S]*✓ verified/);
    await folded.click();
    await page.locator('#traces article.item[data-seq="1"] section.trace').waitFor();
  }, 300_000);

  it('refuses an action from another page open in the same browser', async () => {
    const countsBefore = await page.locator('#counts').innerText();
    const other = await browser.context.newPage();
    await other.goto(elsewhereUrl);
    // A form-like POST needs no preflight: it reaches the server, which refuses it for its Origin.
    const send = new URL(actionPath('send'), pageUrl).href;
    const refused = other.waitForResponse((r) => r.url() === send);
    await other.evaluate(
      (url) => fetch(url, { method: 'POST', mode: 'no-cors', body: '{}' }).catch(() => undefined),
      send,
    );
    expect((await refused).status()).toBe(403);
    // With the token header the browser asks first (a preflight), and the server grants nothing.
    const withToken = await other.evaluate(
      (url) =>
        fetch(url, {
          method: 'POST',
          headers: { 'x-polytrace-token': 'guess', 'content-type': 'application/json' },
          body: '{}',
        })
          .then((r) => `answered ${r.status}`)
          .catch(() => 'blocked'),
      new URL(actionPath('switchScenario'), pageUrl).href,
    );
    expect(withToken).toBe('blocked');
    await other.close();
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await page.locator('#counts').innerText()).toBe(countsBefore);
  });

  it('asked nothing of any address but 127.0.0.1', () => {
    expect(browser.requests.filter((url) => !url.startsWith('http://127.0.0.1:'))).toEqual([]);
    expect(browser.requests.filter((url) => url.startsWith(pageUrl)).length).toBeGreaterThan(3);
  });

  it('stops on Ctrl-C, and leaves every port free', async () => {
    up.kill('SIGINT');
    const result = await up;
    expect(result.exitCode, output.slice(-2000)).toBe(130);
    expect(output).toMatch(/stopped: nothing left running/);
    expect(Object.values(await chainPortsFree({ ...ports, ui: uiPort })).every(Boolean)).toBe(true);
  }, 60_000);
});
