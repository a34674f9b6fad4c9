// Who may use a page polytrace serves (the live page, the room's board): the
// holder of its token, compared in constant time, and the cookie it was
// exchanged for; and the headers every answer of such a page carries.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

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

/**
 * How a page's server answers: with its content-security policy (nothing loads from anywhere but
 * the server), and headers that keep it from being sniffed, framed, cached or referred.
 */
export function responder(contentSecurityPolicy: string) {
  const headers = {
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
  const answer = (
    res: ServerResponse,
    { status = 200, type, body }: { status?: number; type: string; body: string },
  ) => {
    res.writeHead(status, { ...headers, 'content-type': type });
    res.end(body);
  };
  const json = (res: ServerResponse, status: number, body: object) =>
    answer(res, { status, type: 'application/json; charset=utf-8', body: JSON.stringify(body) });
  /**
   * The page's address with its token: the token leaves the address bar (and the history) at
   * once, for a cookie that carries it from then on; a wrong token gets `refused` and a 403.
   */
  const exchangeToken = (
    res: ServerResponse,
    { given, token, cookieName, refused }: { given: string; token: string; cookieName: string; refused: string },
  ) => {
    if (!sameToken(given, token)) return answer(res, { status: 403, type: 'text/plain; charset=utf-8', body: refused });
    res.writeHead(303, {
      ...headers,
      'set-cookie': `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`,
      location: '/',
    });
    res.end();
  };
  return { headers, answer, json, exchangeToken };
}
