// Where Debian's libfaketime lives on this machine (package `faketime`, in
// the architecture's library folder), for a run that sets a service's clock off.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvironmentError } from '../../common/errors.js';
import { installHints } from '../toolchains.js';

export async function fakeTimeLibrary(): Promise<string> {
  const candidates = ['/usr/lib/faketime'];
  for (const entry of await readdir('/usr/lib').catch(() => [] as string[])) {
    candidates.push(join('/usr/lib', entry, 'faketime'));
  }
  for (const dir of candidates) {
    const files = await readdir(dir).catch(() => [] as string[]);
    if (files.includes('libfaketime.so.1')) return join(dir, 'libfaketime.so.1');
  }
  throw new EnvironmentError(`a clock skew needs libfaketime, which is not installed: ${installHints.faketime}`);
}
