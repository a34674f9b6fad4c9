// End-to-end: what another local process can do to a running `polytrace up`,
// on loopback only, each attempt bounded in count and time. Without the page's
// cookie it reads and changes nothing; a hundred idle page clients cost the CLI
// a bounded amount of memory; a megabyte X-Request-Id header ends up cut in the
// spans and the page; and the Collector takes no export without the run's
// token, whatever bytes the token header holds.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionPath } from '../../src/live/protocol.js';
import { maxPages } from '../../src/live/hub.js';
import { attributeValueLengthLimit } from '../../src/topology/environment.js';
import { flows } from '../../src/topology/chain.js';
import { outDir, polytrace, portBases, portFlags, portsAt } from './run-cli.js';

// Moved ports: clear of the other end-to-end tests and of a person's run on the defaults.
const ports = portsAt(portBases.abuse);
const uiPort = portBases.abuse + 10;
const base = `http://127.0.0.1:${uiPort}/`;
const collectorTraces = `http://127.0.0.1:${ports['otel-collector.http']}/v1/traces`;

let up: ReturnType<typeof polytrace>;
let output = '';
let cookie = '';
let spansFile = '';

/** Bytes on a raw socket (any header bytes, any Host), and the status line's code. */
function raw(port: number, head: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(head));
    let text = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1])));
    socket.on('error', reject);
  });
}

const get = (url: string, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
    req.end();
  });

/** Peak resident memory of a process, in MiB (VmHWM). */
const peakMiB = (pid: number) =>
  Number(/^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

beforeAll(async () => {
  up = polytrace(['up', '--runtime', 'local', ...portFlags(ports), '--ui-port', String(uiPort), '--out-dir', outDir()]);
  await new Promise<void>((resolve, reject) => {
    up.all!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Send your own')) resolve();
    });
    void up.then(() => reject(new Error(`polytrace up ended early:\n${output}`)));
  });
  spansFile = /spans \(OTLP JSON\)\s+(\S+)/.exec(output)![1]!;
  const printed = new RegExp(`live page: (${base.replaceAll('.', '\\.')}\\?token=[0-9a-f]{48})`).exec(output)![1]!;
  const opened = await get(printed);
  cookie = String(opened.headers['set-cookie']).split(';')[0]!;
}, 10 * 60_000);

afterAll(async () => {
  if (up && up.exitCode === null) {
    up.kill('SIGINT');
    expect((await up).exitCode).toBe(130);
  }
}, 60_000);

/** The environment of a running process, as the kernel keeps it (readable by its own user only). */
const environOf = (pid: number): Record<string, string> =>
  Object.fromEntries(
    readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .filter(Boolean)
      .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );

describe('the secrets of the run', () => {
  it('are one per purpose, random, and in no command line, log, spans or metrics file', async () => {
    const runDir = dirname(spansFile);
    const pids = readFileSync(join(runDir, 'processes.txt'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => Number(line.split(' ')[0]));
    const environments = pids.flatMap((pid) => {
      try {
        return [environOf(pid)];
      } catch {
        return []; // a build step's group, ended
      }
    });
    // Read from the processes, not from polytrace's code: what the Collector checks, what the SDKs send.
    const collectorToken = environments.map((e) => e.POLYTRACE_OTLP_TOKEN).find(Boolean)!;
    const sent = environments.map((e) => e.OTEL_EXPORTER_OTLP_HEADERS).filter(Boolean);
    const pageToken = /\?token=([0-9a-f]{48})/.exec(output)![1]!;
    expect(collectorToken).toMatch(/^[0-9a-f]{48}$/);
    expect(sent.length).toBeGreaterThanOrEqual(4);
    for (const headers of sent) expect(headers).toContain(collectorToken);
    expect(pageToken).not.toBe(collectorToken);

    const commandLines = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    expect(commandLines).not.toContain(collectorToken);
    expect(commandLines).not.toContain(pageToken);
    const files = readdirSync(runDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const text = readFileSync(join(file.parentPath, file.name), 'latin1');
      expect(text, file.name).not.toContain(collectorToken);
      expect(text, file.name).not.toContain(pageToken);
    }
  }, 60_000);
});

describe('another local process against `polytrace up`', () => {
  it('reads nothing and changes nothing on the live page without its cookie, whatever it sends', async () => {
    const counts = /id="counts">([^<]*)</.exec((await get(base, { cookie })).body)![1];
    for (const path of ['', 'events', 'traces/1', `?token=${'0'.repeat(48)}`]) {
      const answer = await get(`${base}${path}`, { origin: base.slice(0, -1), referer: base });
      expect(answer.status, path).toBe(403);
      expect(answer.body).not.toMatch(/trace-|polytrace-\d+=/);
    }
    // Twenty guesses, each with another origin or none, and bytes no token has.
    for (let i = 0; i < 20; i++) {
      const head = Buffer.concat([
        Buffer.from(
          `POST ${actionPath(i % 2 ? 'send' : 'sendUnauthorized')} HTTP/1.1\r\nHost: 127.0.0.1:${uiPort}\r\n`,
        ),
        Buffer.from(`Origin: http://127.0.0.1:${uiPort}\r\nContent-Length: 0\r\nCookie: polytrace-${uiPort}=`),
        Buffer.from([0xc3, 0xa9, 0xff, 0x80 + i]),
        Buffer.from('\r\n\r\n'),
      ]);
      expect(await raw(uiPort, head)).toBe(403);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(/id="counts">([^<]*)</.exec((await get(base, { cookie })).body)![1]).toBe(counts);
  }, 60_000);

  it('cuts a megabyte X-Request-Id to the attribute limit, in the spans and on the page', async () => {
    const requestId = `abuse-${'x'.repeat(512 * 1024)}`;
    await fetch(`http://127.0.0.1:${ports['api-gateway']}${flows.order.path}`, {
      method: flows.order.method,
      headers: { authorization: 'Bearer demo', 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify({ items: [{ sku: 'tea', quantity: 1 }] }),
      signal: AbortSignal.timeout(20_000),
    }).catch(() => undefined);
    const deadline = Date.now() + 20_000;
    let values: string[] = [];
    while (values.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      values = [...readFileSync(spansFile, 'utf8').matchAll(/"(abuse-x+)"/g)].map((m) => m[1]!);
    }
    expect(values.length).toBeGreaterThan(0);
    for (const value of values) expect(value.length).toBeLessThanOrEqual(attributeValueLengthLimit);
    expect(readFileSync(spansFile, 'utf8').length).toBeLessThan(2 * 1024 * 1024);
    expect((await get(base, { cookie })).body.length).toBeLessThan(4 * 1024 * 1024);
  }, 60_000);

  it(`holds ${maxPages} pages at most: a hundred idle clients are mostly refused, and the CLI's memory stays bounded`, async () => {
    const before = peakMiB(up.pid!);
    const sockets: Socket[] = [];
    const statuses: number[] = [];
    try {
      for (let i = 0; i < 100; i++) {
        const socket = connect(uiPort, '127.0.0.1');
        socket.on('error', () => {});
        // Idle: it asks for the stream and never reads a byte of it.
        socket.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1:${uiPort}\r\nCookie: ${cookie}\r\n\r\n`);
        const status = await new Promise<number>((resolve) => {
          socket.once('data', (chunk) => {
            socket.pause();
            resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(chunk.toString('latin1'))?.[1]));
          });
          setTimeout(() => resolve(0), 5000);
        });
        statuses.push(status);
        sockets.push(socket);
      }
      // Traces keep coming while they sit idle.
      for (let i = 0; i < 5; i++) {
        await fetch(`http://127.0.0.1:${ports['api-gateway']}${flows.order.path}`, {
          method: flows.order.method,
          headers: { authorization: 'Bearer demo', 'content-type': 'application/json' },
          body: JSON.stringify({ items: [{ sku: 'tea', quantity: 1 }] }),
          signal: AbortSignal.timeout(10_000),
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const after = peakMiB(up.pid!);
      console.log(`CLI peak RSS: ${before.toFixed(0)} MiB before, ${after.toFixed(0)} MiB with 100 idle page clients`);
      expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(maxPages);
      expect(statuses.filter((s) => s === 503).length).toBeGreaterThanOrEqual(100 - maxPages);
      expect(after - before).toBeLessThan(100);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Once they are gone, a page opens again.
    const events = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${base}events`, { headers: { cookie } }, (res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.end();
    });
    expect(events).toBe(200);
  }, 120_000);

  it("takes no export at the Collector without the run's token, whatever bytes the header holds", async () => {
    const before = readFileSync(spansFile, 'utf8').length;
    const body = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'planted' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
                  spanId: '00f067aa0ba902b7',
                  name: 'planted',
                  kind: 2,
                  startTimeUnixNano: '1',
                  endTimeUnixNano: '2',
                },
              ],
            },
          ],
        },
      ],
    });
    const tokens = [undefined, 'Bearer demo', `Bearer ${'0'.repeat(48)}`, 'Basic cG9seXRyYWNlOg=='];
    for (const authorization of tokens) {
      const response = await fetch(collectorTraces, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      expect(response.status, String(authorization)).toBe(401);
    }
    for (let i = 0; i < 10; i++) {
      const head = Buffer.concat([
        Buffer.from(`POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n`),
        Buffer.from(`Content-Length: ${Buffer.byteLength(body)}\r\nAuthorization: Bearer `),
        Buffer.from([0xc3, 0xa9, 0xff, 0x80 + i]),
        Buffer.from(`\r\nConnection: close\r\n\r\n${body}`),
      ]);
      expect([400, 401]).toContain(await raw(ports['otel-collector.http']!, head));
    }
    // A body past the Collector's limit, even without a token, is refused rather than read.
    const big = await fetch(collectorTraces, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(8 * 1024 * 1024),
      signal: AbortSignal.timeout(20_000),
    }).then(
      (r) => r.status,
      () => 0,
    );
    expect([0, 401, 413]).toContain(big);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(readFileSync(spansFile, 'utf8').slice(before)).not.toContain('planted');
  }, 120_000);
});
