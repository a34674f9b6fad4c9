// End-to-end: a line in the spans file that is not OTLP JSON (a Collector
// write cut short by a full disk leaves one) costs that line only. `up` keeps
// running, says how many lines it could not read, and verifies the requests
// that come after it.
import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { orderBody } from '../../src/traffic/fire-requests.js';
import { cli, outDir, repo } from './run-cli.js';

const ports = {
  'api-gateway': 29180,
  'auth-service': 29181,
  'order-service': 29182,
  'notification-service': 29183,
  'otel-collector.grpc': 25417,
  'otel-collector.http': 25418,
  'otel-collector.health': 25233,
};
const portFlags = Object.entries(ports).flatMap(([name, port]) => ['--port', `${name}=${port}`]);

describe('a malformed line in the spans file', () => {
  it('up survives it, and verifies the request sent after it', async () => {
    const up = execa('node', [cli, 'up', '--runtime', 'local', ...portFlags, '--out-dir', outDir()], {
      cwd: repo,
      reject: false,
      all: true,
      stdin: 'ignore',
      env: { NO_COLOR: '1' },
    });
    let seen = '';
    up.all!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
    });
    const waitFor = (pattern: RegExp, what: string, ms = 200_000) =>
      new Promise<void>((resolve, reject) => {
        const started = Date.now();
        const timer = setInterval(() => {
          if (pattern.test(seen)) {
            clearInterval(timer);
            resolve();
          } else if (Date.now() - started > ms) {
            clearInterval(timer);
            reject(new Error(`Expected ${what} within ${ms} ms, got: ${seen}`));
          }
        }, 100);
        void up.then(() => {
          clearInterval(timer);
          reject(new Error(`up ended before ${what}: ${seen}`));
        });
      });
    try {
      await waitFor(/spans \(OTLP JSON\)\s+\S+[\s\S]*Send your own/, 'the chain was up');
      const spansFile = /spans \(OTLP JSON\)\s+(\S+)/.exec(seen)![1]!;
      // The Collector writes a line in more than one write (its writer is buffered): append only
      // once the file ends with a whole line and has stood still.
      const settled = () => readFileSync(spansFile, 'utf8').endsWith('\n');
      for (let size = -1, tries = 0; (size !== statSync(spansFile).size || !settled()) && tries < 20; tries += 1) {
        size = statSync(spansFile).size;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      // What a write cut short leaves: the start of an export request, then the next line.
      appendFileSync(spansFile, '{"resourceSpans":[{"resource":{"attributes":[{"key":"service.na\n');
      // The Collector writes at its own offset, not appending: its next line may overwrite part of
      // ours, and then that line of its own is cut short too. The request after it is whole again.
      const order = () =>
        fetch(`http://127.0.0.1:${ports['api-gateway']}/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer polytrace-demo-token' },
          body: orderBody(0),
        });
      expect((await order()).status).toBe(201);
      await waitFor(/[✓✗] your request/, 'a verdict on the first request by hand', 60_000);
      const before = seen.length;
      expect((await order()).status).toBe(201);
      await waitFor(new RegExp(`^[\\s\\S]{${before}}[\\s\\S]*[✓✗] your request`), 'a verdict on the second', 60_000);
      expect(seen.slice(before)).toMatch(/✓ your request: one trace/);
      expect(seen.slice(before)).not.toMatch(/unexpected error/);
      expect(seen).toMatch(/⚠ the spans file has had \d+ unreadable lines? so far, skipped \(line \d+: not JSON/);
    } finally {
      up.kill('SIGINT');
      await up;
    }
    expect(seen).not.toMatch(/unexpected error \(a bug\)/);
  }, 300_000);
});
