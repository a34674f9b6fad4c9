// `--open` gives the browser a file of the user's alone, never the page's URL
// (with its token) as an argument, which every user can read in the process list.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { redirectFile } from '../../src/commands/open-browser.js';

describe('redirectFile', () => {
  it('holds the URL with its token in a 0600 file, and is named without it', () => {
    const url = `http://127.0.0.1:4242/?token=${'ab'.repeat(24)}`;
    const opened = redirectFile(url);
    expect(opened).toMatch(/^file:\/\//);
    expect(opened).not.toContain('ab'.repeat(24));
    const file = fileURLToPath(opened);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain(`<meta http-equiv="refresh" content="0;url=${url}">`);
  });
});
