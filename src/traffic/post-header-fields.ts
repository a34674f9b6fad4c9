// Sends one POST with its header fields exactly as given: names in the case
// written, repeated fields as separate lines, values with their whitespace.
// fetch and the usual header objects merge or normalise all of that, and the
// W3C Trace Context probe needs to send a duplicated traceparent or an empty
// tracestate field as such. node:http takes a raw header list for this.
import { request } from 'node:http';

export interface PostAnswer {
  status: number;
  body: string;
}

/** Longest answer body kept: the probe only shows it in a message. */
const maxBodyBytes = 64 * 1024;

/** A POST with exactly these header fields, in this order, as the W3C test suite sends them. */
interface RawPost {
  url: string;
  fields: ReadonlyArray<readonly [string, string]>;
  body: string;
}

export function postHeaderFields({ url, fields, body }: RawPost, signal: AbortSignal): Promise<PostAnswer> {
  const target = new URL(url);
  const payload = Buffer.from(body);
  // A raw list gets no defaults from node:http: Host and the body's length are ours to send.
  const raw = [
    ['host', target.host],
    ['content-type', 'application/json'],
    ['content-length', String(payload.length)],
    ...fields,
  ].flat();
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', headers: raw, signal, agent: false }, (answer) => {
      const chunks: Buffer[] = [];
      let size = 0;
      answer.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= maxBodyBytes) chunks.push(chunk);
      });
      answer.on('end', () => resolve({ status: answer.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      answer.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}
