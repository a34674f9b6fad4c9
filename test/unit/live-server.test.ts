// The live page's server on 127.0.0.1: the page and its assets, the event
// stream, and actions that only the page itself can trigger (its cookie, got
// for the token of the printed URL; its origin; its own host name). No chain:
// the actions are stand-ins.
import { request as httpRequest, type ClientRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveHub, maxPages } from '../../src/live/hub.js';
import { actionPath, type ActionName } from '../../src/live/protocol.js';
import { startLiveServer, type LiveServer } from '../../src/live/server.js';
import { scenarios } from '../../src/scenarios/catalog.js';
import { goodTrace, splitTrace } from './fixtures/run-result.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exercises, findExercise } from '../../src/labs/catalog.js';
import { labView } from '../../src/live/lab-view.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with any headers (Host and Origin included, which fetch would not let us set). */
function call(url: string, method: string, headers: Record<string, string> = {}, body = ''): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.setTimeout(5_000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/** The events of the stream until one `until` accepts (or 5 s); `during` runs once the page caught up. */
function events(
  { url, cookie }: { url: string; cookie: string },
  until: (event: string, data: any) => boolean,
  during: () => void = () => {},
): Promise<Array<{ event: string; data: any }>> {
  return new Promise((resolve, reject) => {
    const seen: Array<{ event: string; data: any }> = [];
    const req = httpRequest(`${url}events`, { headers: { cookie } }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (!event || !data) continue;
          seen.push({ event, data: JSON.parse(data) });
          if (event === 'history') during();
          if (until(event, seen.at(-1)!.data)) {
            req.destroy();
            resolve(seen);
          }
        }
      });
    });
    req.setTimeout(5_000, () => req.destroy(new Error(`not the awaited event within 5 s: ${JSON.stringify(seen)}`)));
    req.on('error', reject);
    req.end();
  });
}

/** The printed URL's token exchanged for the page's cookie, as a browser does on opening it. */
async function session(server: LiveServer): Promise<{ base: string; cookie: string }> {
  const opened = await call(server.url, 'GET');
  expect(opened.status).toBe(303);
  expect(opened.headers.location).toBe('/');
  const setCookie = String(opened.headers['set-cookie']);
  expect(setCookie).toMatch(/^polytrace-\d+=[0-9a-f]+; HttpOnly; SameSite=Strict; Path=\/$/);
  return { base: `${server.origin}/`, cookie: setCookie.split(';')[0]! };
}

describe('the live server of `up`', () => {
  const calls: string[] = [];
  const hub = new LiveHub({
    mode: 'live',
    title: 'polytrace up',
    scenarios: scenarios.map(({ name, summary }) => ({ name, summary })),
    scenario: 'happy',
  });
  let server: LiveServer;
  let cookie: string;
  let base: string;
  let origin: string;
  /** A switch the stand-in has not finished: a second one is refused at once, as `up` refuses it. */
  let switching = false;

  beforeAll(async () => {
    server = await startLiveServer({
      hub,
      port: 0,
      actions: () => ({
        send: async () => (calls.push('send'), goodTrace()),
        sendUnauthorized: async () => (calls.push('sendUnauthorized'), goodTrace()),
        switchScenario: (name) => {
          if (switching) throw new Error('a scenario switch is already under way');
          calls.push(`switch ${name}`);
          return Promise.resolve(goodTrace());
        },
      }),
      onActionError: () => {},
    });
    origin = server.origin;
    ({ base, cookie } = await session(server));
  });
  afterAll(() => server.close());

  const act = (name: ActionName, headers: Record<string, string>, body = '{}') =>
    call(`${origin}${actionPath(name)}`, 'POST', { 'content-type': 'application/json', ...headers }, body);

  it('listens on 127.0.0.1 only, and serves the page with a policy that loads nothing from elsewhere', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
    const page = await call(base, 'GET', { cookie });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(
      /default-src 'none'; script-src 'self';.* connect-src 'self'/,
    );
    expect(page.body).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    expect(page.body).toMatch(
      /<button [^>]*data-scenario="propagator-mismatch"[^>]*>propagator mismatch <kbd>2<\/kbd>/,
    );
    for (const asset of ['page.js', 'page.css']) expect((await call(`${base}${asset}`, 'GET')).status).toBe(200);
    // Every scenario has a key of its own, the tenth and eleventh too.
    const keysShown = scenarios.map(
      (s) => new RegExp(`data-scenario="${s.name}" data-key="([^"]+)"`).exec(page.body)?.[1] ?? `none for ${s.name}`,
    );
    expect(keysShown.filter((k) => k.startsWith('none'))).toEqual([]);
    expect(new Set(keysShown).size).toBe(scenarios.length);
  });

  it('refuses a cross-origin POST, even one that carries the token', async () => {
    const answer = await act('send', { origin: 'http://evil.example', cookie });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).error).toMatch(/got one from http:\/\/evil\.example/);
    expect((await act('switchScenario', { cookie }, '{"name":"lost-context"}')).status).toBe(403);
    expect(calls).toEqual([]);
  });

  it('refuses a POST from the page without the token, or with another', async () => {
    expect((await act('send', { origin })).status).toBe(403);
    expect((await act('send', { origin, cookie: cookie.replace(/.$/, 'x') })).status).toBe(403);
    expect(calls).toEqual([]);
  });

  it('gives nothing of the run to a client without the cookie, whatever headers it sends', async () => {
    const headers = { origin, referer: base };
    for (const path of ['', 'events', 'traces/1']) {
      const answer = await call(`${base}${path}`, 'GET', headers);
      expect(answer.status, path).toBe(403);
      expect(answer.body).toBe(
        "Expected the live page's cookie: open the URL polytrace printed (it carries the token)\n",
      );
    }
    expect((await call(`${base}?token=guess`, 'GET')).status).toBe(403);
    expect((await call(`${base}?token=`, 'GET')).headers['set-cookie']).toBeUndefined();
    expect((await act('send', headers)).status).toBe(403);
    expect(calls).toEqual([]);
  });

  it('refuses a token of any bytes with 403, never 500', async () => {
    const raw = (head: string) =>
      new Promise<number>((resolve, reject) => {
        const socket = connect(Number(new URL(base).port), '127.0.0.1', () =>
          socket.end(Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from('\r\n\r\n')])),
        );
        let text = '';
        socket.on('data', (chunk) => (text += chunk.toString('latin1')));
        socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1])));
        socket.on('error', reject);
      });
    const host = new URL(base).host;
    const name = cookie.split('=')[0];
    expect(await raw(`GET / HTTP/1.1\r\nHost: ${host}\r\nCookie: ${name}=\xe9\xff\xfe`)).toBe(403);
    expect(await raw(`GET /?token=%C3%A9%FF HTTP/1.1\r\nHost: ${host}`)).toBe(403);
    const post = `POST /actions/send HTTP/1.1\r\nHost: ${host}\r\nOrigin: ${origin}\r\nContent-Length: 0\r\nCookie: ${name}=\xff\xff`;
    expect(await raw(post)).toBe(403);
    expect(calls).toEqual([]);
  });

  it(`keeps at most ${maxPages} pages open, and refuses the next with 503 and why`, async () => {
    const open = await Promise.all(
      Array.from(
        { length: maxPages },
        () =>
          new Promise<ClientRequest>((resolve, reject) => {
            const req = httpRequest(`${base}events`, { headers: { cookie } }, (res) =>
              res.statusCode === 200 ? resolve(req) : reject(new Error(`HTTP ${res.statusCode}`)),
            );
            req.on('error', () => {});
            req.end();
          }),
      ),
    );
    try {
      const refused = await call(`${base}events`, 'GET', { cookie });
      expect(refused.status).toBe(503);
      expect(refused.body).toMatch(new RegExp(`^Expected at most ${maxPages} live pages open at once`));
    } finally {
      for (const req of open) req.destroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  });

  it('answers nothing to a host name other than its own (DNS rebinding)', async () => {
    const port = new URL(server.url).port;
    expect((await call(base, 'GET', { host: `evil.example:${port}`, cookie })).status).toBe(421);
    const answer = await act('send', {
      host: `evil.example:${port}`,
      origin: `http://evil.example:${port}`,
      cookie,
    });
    expect(answer.status).toBe(421);
  });

  it("runs the page's actions: a request, one without a token, a scenario switch; an unknown scenario is refused", async () => {
    const headers = { origin, cookie };
    expect((await act('send', headers)).status).toBe(202);
    expect((await act('sendUnauthorized', headers)).status).toBe(202);
    expect((await act('switchScenario', headers, '{"name":"propagator-mismatch"}')).status).toBe(202);
    expect((await act('switchScenario', headers, '{"name":"no-such-thing"}')).status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toEqual(['send', 'sendUnauthorized', 'switch propagator-mismatch']);
  });

  it('refuses a second switch while one is under way, at once (409), as `up` refuses it', async () => {
    switching = true;
    const answer = await act('switchScenario', { origin, cookie }, '{"name":"lost-context"}');
    switching = false;
    expect(answer.status).toBe(409);
    expect(JSON.parse(answer.body).error).toBe('a scenario switch is already under way');
    expect(calls).not.toContain('switch lost-context');
  });

  it('pushes each trace as it comes, its HTML rendered by the report, and the map with the broken hop', async () => {
    const brokenMap = (event: string, data: any) => event === 'map' && String(data.html).includes('data-hop');
    const seen = await events({ url: base, cookie }, brokenMap, () => {
      hub.addTrace(goodTrace(), { sentBy: 'polytrace', scenario: 'happy', first: true });
      hub.addTrace(splitTrace(), { sentBy: 'polytrace', scenario: 'propagator-mismatch' });
    });
    expect(seen[0]).toMatchObject({ event: 'state', data: { mode: 'live', scenario: 'happy' } });
    const traces = seen.filter((e) => e.event === 'trace').map((e) => e.data);
    expect(traces.map((t) => [t.ok, t.hop ?? null])).toEqual([
      [true, null],
      [false, 'order-service → notification-service'],
    ]);
    expect(traces[1].html).toMatch(/<section class="trace failed" id="trace-2"/);
    expect(traces[1].verdict).toMatch(/^✗ broken at order-service → notification-service/);
    const map = seen.filter((e) => e.event === 'map').at(-1)!.data.html;
    expect(map).toContain('data-hop="order-service → notification-service"');
    // A page that opens later gets the same, whole.
    expect((await call(`${base}traces/2`, 'GET', { cookie })).body).toContain('id="trace-2"');
  });

  it("answers the page already whole: the newest traces, the map, the counts and the buttons' state", async () => {
    const page = (await call(base, 'GET', { cookie })).body;
    const list = page.slice(page.indexOf('<div id="traces">'));
    expect(list.indexOf('id="trace-2"')).toBeGreaterThan(0);
    expect(list.indexOf('id="trace-2"')).toBeLessThan(list.indexOf('id="trace-1"'));
    expect(page).toContain('<div id="map"><p class="note">From 2 traces');
    expect(page).toContain('data-hop="order-service → notification-service"');
    expect(page).toMatch(/<span class="counts" id="counts">✓ 1 {2}✗ 1 {2}\(2 traces\)<\/span>/);
    expect(page).toMatch(/<span class="scenario-now" id="scenario" aria-live="polite">scenario: happy<\/span>/);
    // The chain is not up here: every button waits; once it is, they do not.
    expect(page).toMatch(/<button [^>]*data-action="send"[^>]* disabled>/);
    hub.setReady(true);
    const ready = (await call(base, 'GET', { cookie })).body;
    expect(ready).not.toMatch(/<button [^>]* disabled/);
    expect(ready).toMatch(/<button [^>]*data-scenario="happy"[^>]* aria-pressed="true">/);
  });

  it("serves the page's script bundled in one file, which follows the event stream", async () => {
    const script = await call(`${base}page.js`, 'GET');
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.body).toContain('new EventSource(eventsPath)');
    expect(script.body).toContain('var eventsPath = "/events";');
    expect(script.body).not.toMatch(/^\s*(import|export)\s/m);
  });
});

describe('the live server of `view`', () => {
  it('has no actions: a past run is read-only', async () => {
    const hub = new LiveHub({ mode: 'view', title: 'polytrace view run', scenarios: [] });
    const server = await startLiveServer({ hub, port: 0, actions: () => undefined, onActionError: () => {} });
    try {
      const { base, cookie } = await session(server);
      const page = await call(base, 'GET', { cookie });
      expect(page.body).not.toContain('data-action=');
      expect((await call(`${base}actions/send`, 'POST', { origin: server.origin, cookie })).status).toBe(403);
    } finally {
      await server.close();
    }
  });

  it("answers the page with the run's traces and map already in it", async () => {
    const hub = new LiveHub({ mode: 'view', title: 'polytrace view run', scenarios: [] });
    hub.addTrace(splitTrace(), { sentBy: 'polytrace', scenario: '' }, Date.UTC(2026, 0, 1));
    hub.drawMap();
    const server = await startLiveServer({ hub, port: 0, actions: () => undefined, onActionError: () => {} });
    try {
      const { base, cookie } = await session(server);
      const page = (await call(base, 'GET', { cookie })).body;
      expect(page).toMatch(
        /<article class="item" data-seq="1" data-kind="trace"><section class="trace failed" id="trace-1"/,
      );
      expect(page).toContain('data-hop="order-service → notification-service"');
      expect(page).toContain('<p class="note" id="older" hidden></p>');
    } finally {
      await server.close();
    }
  });

  it('says which flag moves it when its port is taken', async () => {
    const hub = new LiveHub({ mode: 'view', title: 'polytrace view run', scenarios: [] });
    const first = await startLiveServer({ hub, port: 0, actions: () => undefined, onActionError: () => {} });
    try {
      const port = Number(new URL(first.url).port);
      await expect(startLiveServer({ hub, port, actions: () => undefined, onActionError: () => {} })).rejects.toThrow(
        /port \d+ \(the live page\) is already in use on 127\.0\.0\.1: .*--ui-port/,
      );
    } finally {
      await first.close();
    }
  });
});

describe('the live server in lab mode (lab start --ui)', () => {
  const done: string[] = [];
  let server: LiveServer;
  let hub: LiveHub;

  beforeAll(async () => {
    hub = new LiveHub({ mode: 'lab', title: 'polytrace lab: python-thread', scenarios: [] });
    const exercise = findExercise('python-thread')!;
    hub.setLab(await labView({ exercise, workspace: mkdtempSync(join(tmpdir(), 'lab-')), file: '/w/app.py' }));
    server = await startLiveServer({
      hub,
      port: 0,
      actions: () => undefined,
      labActions: () => ({
        hint: async (e) => (done.push(`hint ${e.id}`), `hint of ${e.id}`),
        reset: async (e) => (done.push(`reset ${e.id}`), `reset ${e.id}`),
        solve: async (e) => (done.push(`solve ${e.id}`), `solve ${e.id}`),
      }),
      onActionError: () => {},
    });
  });
  afterAll(() => server.close());

  it("shows the exercise and a row per exercise in its first response; takes the lab's actions from its own page only", async () => {
    const { base, cookie } = await session(server);
    const page = await call(base, 'GET', { cookie });
    expect(page.body).toContain('<section class="lab" id="lab">');
    expect(page.body).toContain('… waiting for the first trace');
    expect(page.body.match(/<tr class="[^"]*" data-exercise=/g)).toHaveLength(exercises.length);
    const origin = server.origin;
    const body = JSON.stringify({ exercise: 'python-thread' });
    const json = { 'content-type': 'application/json' };
    expect((await call(`${base}lab/solve`, 'POST', { ...json, origin }, body)).status).toBe(403);
    expect((await call(`${base}lab/solve`, 'POST', { ...json, origin: 'http://evil.test', cookie }, body)).status).toBe(
      403,
    );
    // `up`'s actions are not the lab's.
    expect(
      (await call(`${base}${actionPath('send').slice(1)}`, 'POST', { ...json, origin, cookie }, '{}')).status,
    ).toBe(404);
    const said = events(
      { url: base, cookie },
      (event, data) => event === 'lab' && data.said === 'solve python-thread',
      () => void call(`${base}lab/solve`, 'POST', { ...json, origin, cookie }, body),
    );
    await said;
    expect(done).toEqual(['solve python-thread']);
  });
});
