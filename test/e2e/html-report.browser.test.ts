// The HTML report in a real browser: Debian's Chromium, headless (chromium.ts).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { services } from '../../src/topology/chain.js';
import { checkResult, goodTrace, splitTrace } from '../unit/fixtures/run-result.js';
import { launchChromium, type Browser } from './chromium.js';

const artifacts = resolve('.polytrace/artifacts');
const result = checkResult([goodTrace(), splitTrace()], { ok: false });

let browser: Browser;
let page: Page;
let requests: string[];
let fileUrl: string;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  const htmlPath = join(artifacts, 'html-report.html');
  writeFileSync(htmlPath, renderHtml(result));
  fileUrl = pathToFileURL(htmlPath).href;
  // Anything but the report itself is refused.
  browser = await launchChromium((url) => url === fileUrl, 'The HTML report test');
  ({ page, requests } = browser);
  await page.goto(fileUrl, { waitUntil: 'load' });
}, 60_000);

afterAll(async () => {
  await browser?.close();
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
    const tables = page.locator('section.trace table.checks');
    await expect(tables.count()).resolves.toBe(2);
    for (const [i, trace] of result.traces.entries()) {
      const rows = tables.nth(i).locator('tbody tr');
      await expect(rows.count()).resolves.toBe(trace.checks.length);
      await expect(tables.nth(i).locator('tr.fail').count()).resolves.toBe(trace.checks.filter((c) => !c.ok).length);
    }
    const failed = tables.nth(1).locator('tr.fail').first();
    await expect(failed.innerText()).resolves.toMatch(/notification-service started a new trace/);
  });

  it('shows the dependency map, with the broken hop where the trace split', async () => {
    const section = page.locator('section.dependencies');
    await expect(section.locator('svg.graph').isVisible()).resolves.toBe(true);
    await expect(section.locator('table.deps tbody tr:not(.broken)').count()).resolves.toBe(4);
    const broken = section.locator('svg.graph g.edge.broken[data-hop="order-service → notification-service"]');
    await expect(broken.isVisible()).resolves.toBe(true);
    await expect(broken.textContent()).resolves.toMatch(/✗ broken in 1 trace\s*propagator-mismatch/);
    await expect(section.locator('table.deps tr.broken').innerText()).resolves.toMatch(
      /order-service\s+notification-service\s+✗ the link was lost in 1 trace: propagator-mismatch/,
    );
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
