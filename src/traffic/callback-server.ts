// The probe's end of the W3C Trace Context test-service contract: an HTTP
// server on 127.0.0.1 that a service under test calls back, recording the
// header fields of each call exactly as they arrived (rawHeaders keeps names,
// order and repeats), so the probe can judge the trace context the service's
// instrumented client sent. Any local process can reach this port too: each
// call's URL carries a random path nobody else can guess, only a URL the probe
// handed out is recorded, and the first call to it wins, so nothing another
// process sends can stand in for (or crowd out) the call the probe awaits.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CallbackServer {
  /** A new URL whose first call is recorded under this key (letters, digits, "." and "-"). */
  url(key: string): string;
  /** The header fields of the first call made to `url(key)`, once it came; forgotten once taken. */
  take(key: string): Array<[string, string]> | undefined;
  close(): Promise<void>;
}

/** URLs handed out and not yet taken, at most: each is taken right after its step. */
const maxPendingCallbacks = 1000;

interface Pending {
  fields?: Array<[string, string]>;
}

export async function startCallbackServer(): Promise<CallbackServer> {
  /** By the URL's random path: its first call, once it came. */
  const pending = new Map<string, Pending>();
  const byKey = new Map<string, string>();
  const server = createServer((incoming, answer) => {
    const path = /^\/callback\/([0-9a-f]{32})$/.exec(incoming.url ?? '')?.[1];
    const call = path ? pending.get(path) : undefined;
    if (call && !call.fields) {
      const fields: Array<[string, string]> = [];
      for (let i = 0; i + 1 < incoming.rawHeaders.length; i += 2) {
        fields.push([incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!]);
      }
      call.fields = fields;
    }
    // The body (the step's `arguments`) says nothing about propagation: read it only to free the socket.
    incoming.resume();
    incoming.on('end', () => {
      answer.writeHead(call ? 200 : 404, { 'content-type': 'application/json' });
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
  const forget = (key: string) => {
    const path = byKey.get(key);
    byKey.delete(key);
    if (path) pending.delete(path);
  };
  return {
    url(key) {
      forget(key);
      if (pending.size >= maxPendingCallbacks) {
        throw new Error(`Expected at most ${maxPendingCallbacks} callbacks awaited at once, got one more (${key})`);
      }
      const path = randomBytes(16).toString('hex');
      pending.set(path, {});
      byKey.set(key, path);
      return `${base}/callback/${path}`;
    },
    take(key) {
      const fields = pending.get(byKey.get(key) ?? '')?.fields;
      forget(key);
      return fields;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
