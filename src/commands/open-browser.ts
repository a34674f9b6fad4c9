// `--open`: the live page in the user's browser, where there is one. $BROWSER
// first (the convention of Debian's sensible-browser), then the desktop's opener.
// The page's URL carries its token, and a program's arguments are in the
// process list for every user to read: so, as Jupyter does, the browser is
// given a file of the user's alone that sends it on to the URL.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const openers: Partial<Record<NodeJS.Platform, string>> = { linux: 'xdg-open', darwin: 'open', win32: 'explorer' };

/** Resolves with the program that opened the URL, or undefined when none could. */
export function openBrowser(url: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  // On Linux a desktop opener needs a display; a server or container has none.
  const desktop = process.platform !== 'linux' || Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
  const program = env.BROWSER?.split(':')[0] || (desktop ? openers[process.platform] : undefined);
  if (!program) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const child = spawn(program, [url], { detached: true, stdio: 'ignore' });
    child.once('error', () => resolve(undefined));
    child.once('spawn', () => {
      child.unref();
      resolve(program);
    });
  });
}

/**
 * A file (0600, in a folder of its own, 0700) whose page sends the browser on to `url`, so that
 * `url` never appears in an argument; removed when polytrace exits.
 */
export function redirectFile(url: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'polytrace-open-'));
  const file = join(dir, 'open.html');
  const quoted = url.replaceAll('&', '&amp;').replaceAll('"', '&quot;');
  writeFileSync(
    file,
    `<!doctype html><meta http-equiv="refresh" content="0;url=${quoted}"><title>polytrace</title>\n`,
    {
      mode: 0o600,
    },
  );
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return pathToFileURL(file).href;
}
