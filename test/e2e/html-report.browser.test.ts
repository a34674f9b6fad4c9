// The HTML report in a real browser: Debian's Chromium, headless, driven by
// playwright-core (which downloads nothing). The test installs nothing either:
// .ci/run installs chromium when it is missing.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { services } from '../../src/topology/chain.js';
import { checkResult, goodTrace, splitTrace } from '../unit/fixtures/run-result.js';

const chromiumPath = '/usr/bin/chromium';
const artifacts = resolve('.polytrace/artifacts');
const result = checkResult([goodTrace(), splitTrace()], { ok: false });

let context: BrowserContext;
let page: Page;
let userDataDir: string;
const requests: string[] = [];
let fileUrl: string;

beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `The HTML report test needs Debian's Chromium at ${chromiumPath}, which is missing: install it with \`apt-get update && apt-get install -y chromium\` (.ci/run does this)`,
    );
  }
  mkdirSync(artifacts, { recursive: true });
  const htmlPath = join(artifacts, 'html-report.html');
  writeFileSync(htmlPath, renderHtml(result));
  fileUrl = pathToFileURL(htmlPath).href;
  userDataDir = mkdtempSync(join(tmpdir(), 'polytrace-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  context.on('request', (request) => requests.push(request.url()));
  // Anything but the report itself is refused, so a stray fetch cannot leave the machine either.
  await context.route('**/*', (route) => (route.request().url() === fileUrl ? route.continue() : route.abort()));
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(fileUrl, { waitUntil: 'load' });
}, 60_000);

afterAll(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

describe('HTML report in headless Chromium', () => {
  it('makes no network request: the page is all there is', () => {
    expect(requests.filter((url) => url !== fileUrl)).toEqual([]);
  });

  it('shows the four services with their languages', async () => {
    const legend = page.locator('.legend');
    for (const service of services) {
      await expect(legend.getByText(service.name, { exact: true }).isVisible()).resolves.toBe(true);
    }
    await expect(legend.innerText()).resolves.toMatch(/Go[\s\S]*Java[\s\S]*Python[\s\S]*Node\.js/);
  });

  it('shows every check of every trace, failures with their message', async () => {
    const tables = page.locator('table.checks');
    await expect(tables.count()).resolves.toBe(2);
    for (const [i, trace] of result.traces.entries()) {
      const rows = tables.nth(i).locator('tbody tr');
      await expect(rows.count()).resolves.toBe(trace.checks.length);
      await expect(tables.nth(i).locator('tr.fail').count()).resolves.toBe(trace.checks.filter((c) => !c.ok).length);
    }
    const failed = tables.nth(1).locator('tr.fail').first();
    await expect(failed.innerText()).resolves.toMatch(/notification-service started a new trace/);
  });

  it('shows the dependency map', async () => {
    const section = page.locator('section.dependencies');
    await expect(section.locator('svg.graph').isVisible()).resolves.toBe(true);
    await expect(section.locator('table.deps tbody tr').count()).resolves.toBe(4);
  });

  it("shows a span's attributes when it is clicked, and says so on hover", async () => {
    const span = page
      .locator('section.trace')
      .first()
      .locator('details.span', { has: page.getByText('POST /notify', { exact: true }) });
    const attribute = span.getByText('notification.order_id', { exact: true });
    await expect(attribute.isVisible()).resolves.toBe(false);
    await expect(span.locator('summary').getAttribute('title')).resolves.toMatch(/click for attributes/);
    await span.locator('summary').hover();
    await span.locator('summary').click();
    await expect(attribute.isVisible()).resolves.toBe(true);
    await expect(span.locator('table.attrs').innerText()).resolves.toMatch(/notification\.order_id\s+ord-1/);
    await page.screenshot({ path: join(artifacts, 'html-report.png'), fullPage: true });
    expect(existsSync(join(artifacts, 'html-report.png'))).toBe(true);
  });
});
