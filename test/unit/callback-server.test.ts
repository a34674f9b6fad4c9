// The conformance probe's callback server against another local process: it
// cannot guess a callback's URL, cannot overwrite a call already recorded, and
// cannot fill the table with calls of its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCallbackServer, type CallbackServer } from '../../src/traffic/callback-server.js';

const call = (url: string, marker: string) =>
  fetch(url, { method: 'POST', headers: { traceparent: marker }, body: '[]' }).then((r) => r.status);

describe('the conformance callback server', () => {
  let callbacks: CallbackServer;
  beforeAll(async () => {
    callbacks = await startCallbackServer();
  });
  afterAll(() => callbacks.close());

  it('hands out a URL no other process can derive from the case it stands for', () => {
    const first = callbacks.url('gateway-go.case.0.0');
    const again = callbacks.url('gateway-go.case.0.0');
    expect(first).not.toContain('gateway-go');
    expect(first).not.toBe(again);
    expect(new URL(first).pathname).toMatch(/^\/callback\/[0-9a-f]{32}$/);
    callbacks.take('gateway-go.case.0.0');
  });

  it('records only the first call to a URL: a later one cannot replace the evidence', async () => {
    const url = callbacks.url('orders.case.1.0');
    expect(await call(url, 'from-the-service')).toBe(200);
    expect(await call(url, 'planted')).toBe(200);
    const fields = callbacks.take('orders.case.1.0');
    expect(fields?.find(([name]) => name === 'traceparent')?.[1]).toBe('from-the-service');
  });

  it('records nothing at a path it did not hand out, however many come', async () => {
    const base = new URL(callbacks.url('auth.case.2.0')).origin;
    for (let i = 0; i < 50; i++) expect(await call(`${base}/callback/auth.case.2.${i}`, 'noise')).toBe(404);
    for (let i = 0; i < 20; i++) expect(await call(`${base}/callback/${'0'.repeat(31)}${i % 10}`, 'noise')).toBe(404);
    expect(callbacks.take('auth.case.2.0')).toBeUndefined();
  });
});
