// `--open`: the live page in the user's browser, where there is one. $BROWSER
// first (the convention of Debian's sensible-browser), then the desktop's opener.
import { spawn } from 'node:child_process';

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
