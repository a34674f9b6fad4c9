// End-to-end: `polytrace view` opens a real run (a `check` of the
// propagator-mismatch scenario on the local runtime) in the live page,
// read-only: the same traces verified again from the spans file, the split on
// the map, and no action to take. Screenshots go to .polytrace/screenshots/.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionPath } from '../../src/live/protocol.js';
import { dumpDom, launchChromium, linesWithIds, scrollToTop, type Browser } from './chromium.js';
import { outDir, polytrace, repo } from './run-cli.js';

const screenshots = resolve(repo, '.polytrace/screenshots');
const uiPort = 26590;
const pageUrl = `http://127.0.0.1:${uiPort}/`;

let runDir: string;
let browser: Browser;

/** Starts `view` and resolves once its page is served; the caller stops it. */
async function view(target: string) {
  const run = polytrace(['view', target, '--ui-port', String(uiPort)]);
  let output = '';
  await new Promise<void>((served, failed) => {
    run.all!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/live page: \S+\?token=[0-9a-f]{48}/.test(output)) served();
    });
    void run.then(() => failed(new Error(`view ended before serving its page:\n${output}`)));
  });
  return {
    output: () => output,
    /** The URL `view` printed, with the page's token. */
    url: () => /live page: (\S+\?token=[0-9a-f]{48})/.exec(output)![1]!,
    stop: async () => {
      run.kill('SIGINT');
      return run;
    },
  };
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  const check = await polytrace([
    'check',
    '--runtime',
    'local',
    '--scenario',
    'propagator-mismatch',
    '--requests',
    '2',
    '--expect-broken',
    '--json',
    '--out-dir',
    outDir(),
  ]);
  expect(check.exitCode, check.stderr).toBe(0);
  runDir = (JSON.parse(check.stdout) as { runDir: string }).runDir;
  browser = await launchChromium((url) => url.startsWith(pageUrl), 'The view test');
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

describe('`polytrace view` of a past run, in Chromium', () => {
  it('shows the run folder read-only: every trace verified again, the split diagnosed, the broken hop on the map', async () => {
    const served = await view(runDir);
    try {
      expect(served.output()).toMatch(/spans\.jsonl: 2 traces, 0 verified/);
      const { page } = browser;
      await page.goto(served.url());
      const traces = page.locator('#traces section.trace');
      await traces.nth(1).waitFor();
      await expect(traces.count()).resolves.toBe(2);
      for (const i of [0, 1]) {
        await expect(traces.nth(i).getAttribute('class')).resolves.toContain('failed');
        await expect(traces.nth(i).locator('.diagnosis').innerText()).resolves.toMatch(
          /First break: order-service → notification-service \(propagator-mismatch\): notification-service started a new trace/,
        );
      }
      const broken = page.locator('#map g.edge.broken[data-hop="order-service → notification-service"]');
      await expect(broken.textContent()).resolves.toMatch(/✗ broken in 2 traces\s*propagator-mismatch/);
      // Read-only: no action on the page, and the server takes none.
      await expect(page.locator('.controls').count()).resolves.toBe(0);
      await expect(page.locator('.read-only').innerText()).resolves.toMatch(/A past run, read-only/);
      const refused = await page.evaluate(
        (url) => fetch(url, { method: 'POST', body: '{}' }).then((r) => r.status),
        new URL(actionPath('send'), pageUrl).href,
      );
      expect(refused).toBe(403);
      // A span's attributes, on click.
      const notify = traces.first().locator('details.span', { has: page.getByText('POST /notify', { exact: true }) });
      await notify.locator('summary').click();
      await expect(notify.locator('table.attrs').innerText()).resolves.toMatch(/notification\.order_id/);
      await scrollToTop(page);
      await page.screenshot({
        path: join(screenshots, 'view-run.png'),
        fullPage: true,
        clip: { x: 0, y: 0, width: 1400, height: 1400 },
      });
    } finally {
      expect((await served.stop()).exitCode).toBe(130);
    }
  }, 60_000);

  it('is whole as soon as it loads: a page Chromium dumps at once shows both traces, diagnosed, and the broken hop', async () => {
    const served = await view(runDir);
    try {
      const dom = await dumpDom(served.url());
      const traces = [...dom.matchAll(/<section class="trace failed" id="trace-(\d)"/g)].map((m) => m[1]);
      expect(traces).toEqual(['2', '1']);
      expect(
        dom.match(/First break: <b>order-service → notification-service<\/b> \(propagator-mismatch\)/g),
      ).toHaveLength(2);
      expect(dom).toContain('<g class="edge broken" data-hop="order-service → notification-service">');
      expect(dom).toMatch(/id="counts">✓ 0 {2}✗ 2 {2}\(2 traces\)</);
      console.log(linesWithIds(dom, /id="(trace-\d|counts)"/));
    } finally {
      expect((await served.stop()).exitCode).toBe(130);
    }
  }, 90_000);

  it('opens the spans file alone, as a CI job keeps it', async () => {
    const served = await view(join(runDir, 'spans.jsonl'));
    try {
      await browser.page.goto(served.url());
      await browser.page.locator('#traces section.trace').nth(1).waitFor();
      await expect(browser.page.locator('h1').innerText()).resolves.toMatch(/^polytrace view .*spans\.jsonl$/);
    } finally {
      await served.stop();
    }
    expect(browser.requests.filter((url) => !url.startsWith(pageUrl))).toEqual([]);
  }, 60_000);

  it('says in one line what it expected when there is no run there (exit 2)', async () => {
    const result = await polytrace(['view', join(runDir, 'no-such-run')]);
    expect(result.exitCode).toBe(2);
    expect(result.all).toMatch(
      /^polytrace: Expected a run folder or a spans\.jsonl file, got .*no-such-run: there is nothing there$/m,
    );
    expect(result.all).not.toMatch(/\n\s+at /);
  });
});
