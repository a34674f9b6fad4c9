// The probe's end of the W3C Trace Context test-service contract: an HTTP
// server on 127.0.0.1 that a service under test calls back, recording the
// header fields of each call exactly as they arrived (rawHeaders keeps names,
// order and repeats), so the probe can judge the trace context the service's
// instrumented client sent.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CallbackServer {
  /** The URL whose call is recorded under this key (letters, digits, "." and "-"). */
  url(key: string): string;
  /** The header fields of the call made to `url(key)`, once it came; forgotten once taken. */
  take(key: string): Array<[string, string]> | undefined;
  close(): Promise<void>;
}

/** Calls kept at most at once: each is taken right after its step. */
const maxKept = 1000;

export async function startCallbackServer(): Promise<CallbackServer> {
  const calls = new Map<string, Array<[string, string]>>();
  const server = createServer((incoming, answer) => {
    const key = /^\/callback\/([\w.-]+)$/.exec(incoming.url ?? '')?.[1];
    if (key && calls.size < maxKept) {
      const fields: Array<[string, string]> = [];
      for (let i = 0; i + 1 < incoming.rawHeaders.length; i += 2) {
        fields.push([incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!]);
      }
      calls.set(key, fields);
    }
    // The body (the step's `arguments`) says nothing about propagation: read it only to free the socket.
    incoming.resume();
    incoming.on('end', () => {
      answer.writeHead(key ? 200 : 404, { 'content-type': 'application/json' });
      answer.end('null');
    });
  });
  // No keep-alive: each call is its own short connection, and close() waits for none.
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (key) => `${base}/callback/${key}`,
    take(key) {
      const fields = calls.get(key);
      calls.delete(key);
      return fields;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
