// The room's HTTP server: the presenter's board and the endpoint attendees'
// labs post their status to. It listens on 127.0.0.1 unless the presenter
// names an address of the room's network. Everything but the board's style
// and script needs the room's token, which the URL polytrace prints carries:
// the board exchanges it for an HttpOnly, SameSite=Strict cookie (so the token
// leaves the projected address bar), a lab sends it in a header. Tokens are
// compared in constant time, as the live page's server does.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EnvironmentError } from '../common/errors.js';
import { cookie, responder, sameToken } from './page-access.js';
import { newSecret } from '../common/secret.js';
import { parseStatusPost, roomBounds, RoomBoard } from '../labs/room-board.js';
import { roomPaths, roomTokenHeader, roomTokenQuery } from '../labs/room-protocol.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../common/paths.js';
import { roomPageHtml } from './room-page.js';

export interface RoomServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** The address to listen on: 127.0.0.1 unless the presenter names one. */
  listen: string;
  exercises: readonly { id: string; title: string }[];
}

export interface RoomServer {
  /** The URL to open and hand out: it carries the room's token. */
  url: string;
  board: RoomBoard;
  close(): Promise<void>;
}

/** Nothing loads from anywhere but this server, nothing frames it. */
const { exchangeToken, answer, json } = responder(
  "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
);

/** The body, or undefined once it passes the bound (the rest is not read). */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (Buffer.byteLength(body) > roomBounds.body) {
        resolve(undefined);
        req.pause();
      }
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/** The board's script, bundled from page/room.ts by scripts/bundle-page.mjs when the CLI is built. */
const roomScriptFile = join(repoRoot, 'dist', 'live', 'room.js');

const withoutToken = "Expected the room's token: open the URL polytrace room printed\n";

export async function startRoomServer(options: RoomServerOptions): Promise<RoomServer> {
  const roomPageScript = await readFile(roomScriptFile, 'utf8').catch(() => {
    throw new EnvironmentError(`Expected the room board's script at ${roomScriptFile}, got nothing: run npm run build`);
  });
  const token = newSecret();
  const board = new RoomBoard(options.exercises);
  let cookieName = '';

  async function status(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const given = req.headers[roomTokenHeader];
    if (!sameToken(typeof given === 'string' ? given : undefined, token))
      return json(res, 403, {
        error: "Expected the room's token (from the URL polytrace room printed), got none or another",
      });
    const body = await readBody(req);
    if (body === undefined) {
      res.setHeader('connection', 'close');
      return json(res, 413, { error: `Expected a status of at most ${roomBounds.body} bytes` });
    }
    const post = parseStatusPost(body, board.exerciseIds);
    if (typeof post === 'string') return json(res, 400, { error: post });
    const result = board.apply(post, Date.now());
    return result.ok ? json(res, 200, { ok: true }) : json(res, result.status, { error: result.error });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://room');
    const path = url.pathname;
    if (req.method === 'POST' && path === roomPaths.status) return status(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'GET, or POST to /status' });
    if (path === roomPaths.script) return answer(res, { type: 'text/javascript; charset=utf-8', body: roomPageScript });
    const given = url.searchParams.get(roomTokenQuery);
    if (path === '/' && given !== null) return exchangeToken(res, { given, token, cookieName, refused: withoutToken });
    if (!sameToken(cookie(req, cookieName), token))
      return answer(res, { status: 403, type: 'text/plain; charset=utf-8', body: withoutToken });
    if (path === '/') return answer(res, { type: 'text/html; charset=utf-8', body: roomPageHtml(origin) });
    if (path === roomPaths.state) return json(res, 200, board.state());
    return json(res, 404, { error: `nothing at ${path}` });
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { error: (error as Error).message });
      else res.destroy();
    });
  });
  // A client that opens a connection and sends nothing holds nothing for long.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  server.maxConnections = roomBounds.attendees * 2;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new EnvironmentError(
              `port ${options.port} is already in use on ${options.listen}: choose another with --port`,
            )
          : error.code === 'EADDRNOTAVAIL'
            ? new EnvironmentError(`Expected --listen as an address of this machine, got ${options.listen}`)
            : error,
      ),
    );
    server.listen({ port: options.port, host: options.listen, exclusive: true }, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = options.listen.includes(':') ? `[${options.listen}]` : options.listen;
  const origin = `http://${host}:${port}`;
  cookieName = `polytrace-room-${port}`;
  return {
    url: `${origin}/?${roomTokenQuery}=${token}`,
    board,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
