// Who may use a page polytrace serves (the live page, the room's board): the
// holder of its token, compared in constant time, and the cookie it was
// exchanged for.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Compared as SHA-256 digests, which have one length whatever bytes arrive: in constant time, never a throw. */
const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

export const sameToken = (given: string | undefined, token: string): boolean =>
  given !== undefined && timingSafeEqual(digest(given), digest(token));

/** One cookie's value from the Cookie header, as the browser sent it. */
export function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}
