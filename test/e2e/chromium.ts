// Debian's Chromium, headless, driven by playwright-core (which downloads
// nothing). The browser tests install nothing either: .ci/run installs
// chromium when it is missing. Every request to anything but the addresses a
// test allows is refused, so a stray fetch cannot leave the machine.
import { execa } from 'execa';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const chromiumPath = '/usr/bin/chromium';

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Every URL the pages asked for, allowed or not. */
  requests: string[];
  close(): Promise<void>;
}

export async function launchChromium(allowed: (url: string) => boolean, what: string): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `${what} needs Debian's Chromium at ${chromiumPath}, which is missing: install it with \`apt-get update && apt-get install -y chromium\` (.ci/run does this)`,
    );
  }
  const userDataDir = mkdtempSync(join(tmpdir(), 'polytrace-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
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
  const requests: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  await context.route('**/*', (route) => (allowed(route.request().url()) ? route.continue() : route.abort()));
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    requests,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Back to the top of the page, for a screenshot that starts with its header. */
export const scrollToTop = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));

/**
 * The page as Chromium has it as soon as it loads (`--dump-dom`): what a screenshot taken at
 * once, or a reader without the event stream, would see.
 */
export async function dumpDom(url: string): Promise<string> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'polytrace-chromium-'));
  try {
    const dumped = await execa(
      chromiumPath,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        `--user-data-dir=${userDataDir}`,
        '--dump-dom',
        url,
      ],
      { timeout: 60_000, stdin: 'ignore' },
    );
    return dumped.stdout;
  } finally {
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

/** The dumped page's lines that hold the given ids, cut short: what a test prints as its evidence. */
export const linesWithIds = (dom: string, ids: RegExp): string =>
  dom
    .split('\n')
    .filter((line) => ids.test(line))
    .map((line) => line.slice(0, 240))
    .join('\n');
