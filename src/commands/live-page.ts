// The live page's flags, shared by `up` and `view`: where it listens, and
// whether to open it in a browser.
import { UsageError } from '../common/errors.js';
import type { LiveServer } from '../live/server.js';
import { openBrowser, redirectFile } from './open-browser.js';

export interface LivePageFlags {
  uiPort?: string;
  open?: boolean;
}

/** `--ui-port`: a port from 1 to 65535; without it, any free one (0). */
export function parseUiPort(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UsageError(`Expected --ui-port to be a port from 1 to 65535, got "${value}"`);
  }
  return port;
}

/** Says where the page is, and opens it when asked. */
export async function announcePage(server: LiveServer, flags: LivePageFlags): Promise<void> {
  process.stderr.write(`polytrace ▸ live page: ${server.url}${flags.open ? '' : ' (--open opens it in a browser)'}\n`);
  if (!flags.open) return;
  const opener = await openBrowser(redirectFile(server.url));
  process.stderr.write(
    opener
      ? `polytrace ▸ opened it with ${opener}\n`
      : `polytrace ▸ no browser to open here (no $BROWSER, no desktop opener): open ${server.url} yourself\n`,
  );
}
