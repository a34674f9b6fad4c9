// End-to-end: the evidence is the run's own. Only the run can export into
// its Collector (a per-run bearer secret), only its user can read or write
// the spans file, the user's OTEL_* shell cannot bend polytrace's own span,
// and two checks at once on one machine each verify their own chain.
import { statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { expectConnectedOrderTraces, rawTraces, type JsonResult } from './chain-assertions.js';
import { cli, outDir, repo } from './run-cli.js';

const ports = {
  'api-gateway': 29080,
  'auth-service': 29081,
  'order-service': 29082,
  'notification-service': 29083,
  'otel-collector.grpc': 25317,
  'otel-collector.http': 25318,
  'otel-collector.health': 25133,
};
const portFlags = Object.entries(ports).flatMap(([name, port]) => ['--port', `${name}=${port}`]);

/** One OTLP/HTTP JSON export of a single span under a trace id of our own. */
function foreignExport(traceId: string): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api-gateway' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId,
                spanId: randomBytes(8).toString('hex'),
                name: 'POST /orders',
                kind: 2,
                startTimeUnixNano: String(now),
                endTimeUnixNano: String(now + 1_000_000n),
              },
            ],
          },
        ],
      },
    ],
  });
}

describe("the evidence is the run's own", () => {
  it('a foreign export during a run is refused with 401 and never reaches the spans file, which only the user can read', async () => {
    const dir = outDir();
    const up = execa('node', [cli, 'up', '--runtime', 'local', ...portFlags, '--out-dir', dir], {
      cwd: repo,
      reject: false,
      all: true,
      stdin: 'ignore',
      env: { NO_COLOR: '1' },
    });
    try {
      const spansFile = await new Promise<string>((resolve, reject) => {
        let seen = '';
        up.all!.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          const match = /spans \(OTLP JSON\)\s+(\S+)/.exec(seen);
          if (match && /Send your own/.test(seen)) resolve(match[1]!);
        });
        void up.then((r) => reject(new Error(`up ended early: ${r.all}`)));
      });
      const traceId = randomBytes(16).toString('hex');
      const url = `http://127.0.0.1:${ports['otel-collector.http']}/v1/traces`;
      for (const authorization of [undefined, 'Bearer not-the-secret']) {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          body: foreignExport(traceId),
        });
        expect(response.status, `export with authorization ${authorization ?? '(none)'}`).toBe(401);
      }
      // Past a batch timeout and a file flush: had it been taken, it would be in the file now.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(rawTraces(spansFile).has(traceId)).toBe(false);
      expect(rawTraces(spansFile).size).toBeGreaterThan(0);
      expect(statSync(spansFile).mode & 0o777).toBe(0o600);
      expect(statSync(spansFile.replace(/\/spans\.jsonl$/, '')).mode & 0o777).toBe(0o700);
    } finally {
      up.kill('SIGINT');
      await up;
    }
  }, 300_000);

  it("ignores the user's OTEL_* shell: sampler off, SDK disabled, other propagators, exporter and resource", async () => {
    const hostile = {
      OTEL_SDK_DISABLED: 'true',
      OTEL_TRACES_SAMPLER: 'always_off',
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_PROPAGATORS: 'b3',
      OTEL_SERVICE_NAME: 'evil',
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=evil,deployment.environment=evil',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:9/v1/traces',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20wrong',
      OTEL_BSP_SCHEDULE_DELAY: '600000',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '1',
    };
    const result = await execa(
      'node',
      [cli, 'check', '--runtime', 'local', '--json', '--requests', '2', '--out-dir', outDir()],
      {
        cwd: repo,
        reject: false,
        all: true,
        stdin: 'ignore',
        env: { NO_COLOR: '1', ...hostile },
      },
    );
    expect(result.exitCode, result.all).toBe(0);
    const json = JSON.parse(result.stdout) as JsonResult;
    expectConnectedOrderTraces(json, 'local', 2);
    for (const trace of json.traces) expect(trace.spans.filter((s) => s.service === 'evil')).toEqual([]);
  }, 300_000);

  it('two checks started at the same instant on one machine both verify their own chain', async () => {
    const check = () =>
      execa('node', [cli, 'check', '--runtime', 'local', '--json', '--requests', '2', '--out-dir', outDir()], {
        cwd: repo,
        reject: false,
        all: true,
        stdin: 'ignore',
        env: { NO_COLOR: '1' },
      });
    const [first, second] = await Promise.all([check(), check()]);
    for (const result of [first!, second!]) {
      expect(result.exitCode, result.all).toBe(0);
      expectConnectedOrderTraces(JSON.parse(result.stdout) as JsonResult, 'local', 2);
    }
  }, 600_000);
});
