// The live page's HTTP server: 127.0.0.1 only, the page and its two assets,
// the event stream, and the actions that change the running chain. Any local
// process can reach the port, and a client that is not a browser can send any
// header: so, as Jupyter does, the page's token travels only in the URL
// polytrace prints, the server exchanges it for an HttpOnly, SameSite=Strict
// cookie, and the page, its events, its traces and its actions need that
// cookie. Another web page open in the same browser must not trigger an action
// either: a request from any other origin is refused (its Origin header says
// where it came from). Every request must also name this server in its Host
// header, so a hostile DNS name pointed at 127.0.0.1 cannot make the page its
// own (DNS rebinding).
import { newSecret } from '../common/secret.js';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { EnvironmentError } from '../common/errors.js';
import { cookie, responder, sameToken } from './page-access.js';
import { repoRoot } from '../common/paths.js';
import type { UpControls } from '../core/up-controls.js';
import type { LiveHub } from './hub.js';
import { pageHtml } from './page-html.js';
import { pageStyle } from './page-style.js';
import { pageActions } from './actions.js';
import { isLabAction, labActions } from './lab-actions.js';
import type { LabPageControls } from '../core/lab-page-controls.js';
import { eventsPath, pageToken } from './protocol.js';

export interface LiveServerOptions {
  hub: LiveHub;
  /** 0 picks a free port. */
  port: number;
  /** What the page's buttons do; absent until the chain is up, and in `view` and `lab`. */
  actions(): UpControls | undefined;
  /** What the lab view's buttons do, in `lab` mode. */
  labActions?(): LabPageControls | undefined;
  /** Where an action that failed is told (the page shows it too). */
  onActionError(message: string): void;
}

export interface LiveServer {
  /** The URL to open: it carries the page's token, so it is printed to the user and nowhere else. */
  url: string;
  /** The page's address without the token. */
  origin: string;
  close(): Promise<void>;
}

/** The page's script, bundled from page/ by scripts/bundle-page.mjs when the CLI is built. */
const pageScriptFile = join(repoRoot, 'dist', 'live', 'page.js');

/** The largest action body read. */
const maxBody = 4096;

/** Nothing loads from anywhere but this server, nothing frames it. */
const { exchangeToken, answer, json } = responder(
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > maxBody) req.destroy(new Error('body too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

const withoutToken = "Expected the live page's cookie: open the URL polytrace printed (it carries the token)\n";

export async function startLiveServer(options: LiveServerOptions): Promise<LiveServer> {
  const { hub } = options;
  const token = newSecret();
  const { mode } = hub.options;
  const pageScript = await readFile(pageScriptFile, 'utf8').catch(() => {
    throw new EnvironmentError(`Expected the live page's script at ${pageScriptFile}, got nothing: run npm run build`);
  });
  let origins: string[] = [];
  let cookieName = '';
  const hasCookie = (req: IncomingMessage) => sameToken(cookie(req, cookieName), token);
  const runAction = pageActions({
    scenarios: hub.options.scenarios.map((s) => s.name),
    onError: options.onActionError,
  });
  const runLabAction = labActions({ said: (text) => hub.labSaid(text), onError: options.onActionError });

  async function action(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (mode === 'view') return json(res, 403, { error: 'this page shows a past run: it has no actions' });
    // A browser always names the page a POST comes from; a page elsewhere is not ours.
    if (!origins.includes(String(req.headers.origin))) {
      return json(res, 403, {
        error: `Expected a request from ${origins[0]}, got one from ${req.headers.origin ?? 'nowhere'}`,
      });
    }
    if (!hasCookie(req)) {
      return json(res, 403, {
        error: "Expected the page's cookie (open the URL polytrace printed), got none or another",
      });
    }
    const body = await readBody(req);
    if (mode === 'lab') {
      const controls = options.labActions?.();
      if (!controls || !isLabAction(path)) return json(res, 404, { error: `no lab action ${path}` });
      const answered = runLabAction({ path, body, controls });
      return json(res, answered.status, answered.body);
    }
    const controls = options.actions();
    if (!controls) return json(res, 409, { error: 'the chain is not up yet' });
    const answered = runAction({ path, body, controls });
    return json(res, answered.status, answered.body);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = `http://${req.headers.host ?? ''}`;
    if (!origins.includes(host)) {
      return answer(res, { status: 421, type: 'text/plain; charset=utf-8', body: 'Expected this server by name\n' });
    }
    const url = new URL(req.url ?? '/', host);
    const path = url.pathname;
    if (req.method === 'POST') return action(req, res, path);
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'GET or POST only' });
    // The script and the style hold nothing of the run: the page loads them before anything else.
    if (path === '/page.js') return answer(res, { type: 'text/javascript; charset=utf-8', body: pageScript });
    if (path === '/page.css') return answer(res, { type: 'text/css; charset=utf-8', body: pageStyle });
    const given = url.searchParams.get(pageToken.query);
    if (path === '/' && given !== null) return exchangeToken(res, { given, token, cookieName, refused: withoutToken });
    if (!hasCookie(req)) return answer(res, { status: 403, type: 'text/plain; charset=utf-8', body: withoutToken });
    if (path === '/') {
      return answer(res, { type: 'text/html; charset=utf-8', body: pageHtml(hub.options, hub.snapshot()) });
    }
    if (path === eventsPath) return hub.attach(res);
    const trace = /^\/traces\/(\d+)$/.exec(path);
    if (trace) {
      const html = hub.traceHtml(Number(trace[1]));
      return html
        ? answer(res, { type: 'text/html; charset=utf-8', body: html })
        : json(res, 404, { error: 'no longer kept: only the newest traces are kept whole' });
    }
    return json(res, 404, { error: `nothing at ${path}` });
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { error: (error as Error).message });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new EnvironmentError(
              `port ${options.port} (the live page) is already in use on 127.0.0.1: stop what holds it, or choose another with --ui-port`,
            )
          : error,
      ),
    );
    server.listen({ port: options.port, host: '127.0.0.1', exclusive: true }, resolve);
  });
  const { port } = server.address() as AddressInfo;
  origins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  cookieName = pageToken.cookie(port);
  return {
    url: `${origins[0]}/?${pageToken.query}=${token}`,
    origin: origins[0]!,
    close: async () => {
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
