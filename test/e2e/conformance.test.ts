// End-to-end: each service's POST /w3c/test (the test-service endpoint of the
// W3C Trace Context test suite) continues the caller's trace into the calls it
// is asked to make, as the suite's harness checks, and refuses non-loopback URLs.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { services } from '../../src/topology/chain.js';
import { outDir, polytrace, portBases, portsAt } from './run-cli.js';

// Moved ports: clear of the other end-to-end tests and of a person's run on the defaults.
const ports = portsAt(portBases.conformance);

const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
const harness = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    received.push({ headers: request.headers, body });
    response.end('{}');
  });
});
let harnessUrl = '';
let up: ReturnType<typeof polytrace>;

beforeAll(async () => {
  await new Promise<void>((resolve) => harness.listen(0, '127.0.0.1', resolve));
  harnessUrl = `http://127.0.0.1:${(harness.address() as AddressInfo).port}/`;
  const flags = Object.entries(ports).flatMap(([name, port]) => ['--port', `${name}=${port}`]);
  up = polytrace(['up', '--runtime', 'local', '--conformance', ...flags, '--out-dir', outDir()]);
  await new Promise<void>((resolve, reject) => {
    up.all.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Send your own')) resolve();
    });
    void up.then((result) => reject(new Error(`polytrace up ended early:\n${result.all}`)));
  });
}, 10 * 60_000);

afterAll(async () => {
  up?.kill('SIGINT');
  const result = await up;
  expect(result.exitCode, result.all).toBe(130);
  harness.close();
}, 60_000);

describe('POST /w3c/test (polytrace up --conformance)', () => {
  it.each(services.map((s) => [s.name, s.language] as const))(
    '%s (%s) propagates the caller’s trace into each call, in order',
    async (name) => {
      received.length = 0;
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const response = await fetch(`http://127.0.0.1:${ports[name]}/w3c/test`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
        body: JSON.stringify([
          { url: harnessUrl, arguments: [{ step: 1 }] },
          { url: harnessUrl, arguments: [{ step: 2 }] },
        ]),
        signal: AbortSignal.timeout(10_000),
      });
      expect(response.status).toBe(200);
      expect(received.map((r) => JSON.parse(r.body))).toEqual([[{ step: 1 }], [{ step: 2 }]]);
      for (const { headers } of received) {
        const [version, trace, parent, flags] = String(headers.traceparent).split('-');
        expect({ version, trace, flags }).toEqual({ version: '00', trace: traceId, flags: '01' });
        // A new span per call: the parent is the service's client span, not the caller's.
        expect(parent).toMatch(/^[0-9a-f]{16}$/);
        expect(parent).not.toBe('00f067aa0ba902b7');
      }
    },
  );

  it.each(services.map((s) => s.name))('%s refuses a URL that is not on loopback, and calls nothing', async (name) => {
    received.length = 0;
    const response = await fetch(`http://127.0.0.1:${ports[name]}/w3c/test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        { url: harnessUrl, arguments: [] },
        { url: 'http://192.0.2.1/', arguments: [] },
      ]),
      signal: AbortSignal.timeout(10_000),
    });
    expect(response.status).toBe(400);
    expect(received).toEqual([]);
  });

  it.each(services.map((s) => s.name))(
    '%s refuses what a web page in the browser can send: a text/plain POST, calling nothing',
    async (name) => {
      received.length = 0;
      const response = await fetch(`http://127.0.0.1:${ports[name]}/w3c/test`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify([{ url: harnessUrl, arguments: [] }]),
        signal: AbortSignal.timeout(10_000),
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(received).toEqual([]);
    },
  );

  it.each(services.map((s) => s.name))(
    '%s refuses any request that names a web page as its Origin, calling nothing',
    async (name) => {
      received.length = 0;
      const response = await fetch(`http://127.0.0.1:${ports[name]}/w3c/test`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
        body: JSON.stringify([{ url: harnessUrl, arguments: [] }]),
        signal: AbortSignal.timeout(10_000),
      });
      expect(response.status).toBe(403);
      expect(received).toEqual([]);
    },
  );

  it.each(services.map((s) => s.name))(
    '%s follows no redirect: a loopback URL cannot send it elsewhere',
    async (name) => {
      received.length = 0;
      // A loopback URL that answers 307 towards the harness: a client that follows it would arrive there.
      const redirector = createServer((_, response) => {
        response.writeHead(307, { location: harnessUrl });
        response.end();
      });
      await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/`;
        const response = await fetch(`http://127.0.0.1:${ports[name]}/w3c/test`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify([{ url, arguments: [] }]),
          signal: AbortSignal.timeout(10_000),
        });
        expect(response.status).toBeLessThan(500);
        expect(received).toEqual([]);
      } finally {
        redirector.close();
      }
    },
  );
});
