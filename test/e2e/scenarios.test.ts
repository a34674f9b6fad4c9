// End-to-end: each pitfall of the article, caused for real by one setting of a
// real service, is found and explained by the verifier (--expect-broken).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rabbitmqServer } from '../../src/runtime/local/rabbitmq-node.js';
import { isAlive } from '../../src/common/process-alive.js';
import { scenarios } from '../../src/scenarios/catalog.js';
import { brokersOf } from '../../src/topology/chain.js';
import { expectMessageHops, type JsonResult as ChainJson } from './chain-assertions.js';
import { outDir, polytrace, portBases, portFlags, portsAt, startUntilPartlyUp } from './run-cli.js';

const perRun = 5 * 60_000;

/** `polytrace check --runtime local` with these flags, in a fresh out-dir. */
const localCheck = (flags: string[]) => polytrace(['check', '--runtime', 'local', ...flags, '--out-dir', outDir()]);

interface JsonResult {
  ok: boolean;
  metrics: { ok: boolean; diagnosis?: { hop: string; cause: string } };
  expectation: { met: boolean; message: string } | null;
  traces: Array<{ ok: boolean; diagnosis: { hop: string; cause: string; message: string } | null }>;
}

describe('scenarios on the real chain (local runtime)', () => {
  // The scenarios through RabbitMQ have their own block below (they need Debian's rabbitmq-server).
  it.each(scenarios.filter((s) => s.breaks && brokersOf(s.flow).length === 0).map((s) => [s.name, s.breaks!] as const))(
    '%s: the break is found at its hop, as its cause',
    async (name, breaks) => {
      const result = await localCheck(['--scenario', name, '--expect-broken', '--json']);
      expect(result.exitCode, result.stderr).toBe(0);
      const json = JSON.parse(result.stdout) as JsonResult;
      expect(json.expectation?.met).toBe(true);
      if (breaks.cause === 'semconv-mismatch') {
        // A break in the metrics: the traces stay whole.
        expect(json.metrics.diagnosis).toMatchObject(breaks);
        return;
      }
      const brokenTraces = json.traces.filter((t) => !t.ok);
      expect(brokenTraces.length).toBeGreaterThan(0);
      for (const trace of brokenTraces) expect(trace.diagnosis).toMatchObject(breaks);
    },
    perRun,
  );

  it(
    'without --expect-broken a broken scenario exits 1 and names the hop and the cause',
    async () => {
      const result = await localCheck(['--scenario', 'propagator-mismatch', '--requests', '1']);
      expect(result.exitCode).toBe(1);
      // The terminal report wraps long sentences: compare with the line breaks folded.
      expect(result.stdout.replace(/\s+/g, ' ')).toMatch(
        /order-service → notification-service: notification-service started a new trace: order-service sent W3C traceparent headers but notification-service expects B3/,
      );
    },
    perRun,
  );

  it(
    'clock-skew: order-service 2 s ahead (libfaketime), the trace stays whole, exit 0, and a warning names it and the offset',
    async () => {
      const result = await localCheck(['--scenario', 'clock-skew', '--requests', '2', '--json']);
      expect(result.exitCode, result.stderr).toBe(0);
      const json = JSON.parse(result.stdout) as JsonResult & {
        traces: Array<{ clockSkews: Array<{ service: string; offsetMs: number }> }>;
      };
      for (const trace of json.traces) {
        expect(trace.ok).toBe(true);
        const [skew] = trace.clockSkews;
        expect(skew?.service).toBe('order-service');
        expect(Math.abs(skew!.offsetMs - 2000)).toBeLessThanOrEqual(400);
      }
      const judged = await localCheck(['--scenario', 'clock-skew', '--requests', '1', '--expect-broken']);
      expect(judged.exitCode, judged.all).toBe(0);
      expect(judged.stdout.replace(/\s+/g, ' ')).toMatch(
        /--expect-broken: Every trace stayed whole, and each warned that order-service's clock is 2 s off/,
      );
    },
    perRun,
  );

  it.each(['propagator-mismatch', 'lost-context'])(
    "%s gives the same verdict and diagnosis with notification-service's clock 2 s ahead",
    async (name) => {
      const result = await localCheck([
        '--scenario',
        name,
        '--clock-skew',
        'notification-service=2',
        '--expect-broken',
        '--json',
      ]);
      expect(result.exitCode, result.stderr).toBe(0);
      const json = JSON.parse(result.stdout) as JsonResult;
      expect(json.expectation?.met).toBe(true);
      for (const trace of json.traces.filter((t) => !t.ok))
        expect(trace.diagnosis).toMatchObject(scenarios.find((s) => s.name === name)!.breaks!);
    },
    perRun,
  );

  it(
    'downstream-error: Node and Python throw, the trace stays connected, every span on the error path is ERROR, exit 0',
    async () => {
      const result = await localCheck(['--scenario', 'downstream-error', '--requests', '2', '--json']);
      expect(result.exitCode, result.stderr).toBe(0);
      const json = JSON.parse(result.stdout) as JsonResult & {
        traces: Array<{ status: number; checks: Array<{ name: string; ok: boolean; message: string }> }>;
      };
      for (const trace of json.traces) {
        expect(trace.ok).toBe(true);
        expect(trace.status).toBe(502);
        expect(trace.checks.find((c) => c.name === 'error-path')?.message).toMatch(
          /All 7 spans on the error path are ERROR; notification-service threw \S+, order-service threw \S+/,
        );
      }
      expect(json.metrics.ok).toBe(true);
    },
    perRun,
  );
});

// The async pitfall ("Common Pitfalls": async queues), through a real RabbitMQ node of the run's own.
const rabbitmq = await rabbitmqServer().then(
  () => undefined,
  (error: Error) => error.message,
);
const ci = process.env.CI === 'true';
if (rabbitmq && !ci) {
  const line = '!'.repeat(100);
  console.warn(`\n${line}\n!! SKIPPED: the async scenarios on the local runtime. ${rabbitmq}\n${line}\n`);
}

/** Ports of their own for these runs (the broker's are picked free by check itself). */
const asyncPorts = portFlags(portsAt(portBases.asyncLocal));

/** Every process group the run's ledger names has ended: the broker's node and its epmd included. */
function expectLedgerStopped(spansFile: string): void {
  const ledger = readFileSync(join(dirname(spansFile), 'processes.txt'), 'utf8');
  const groups = ledger
    .split('\n')
    .filter(Boolean)
    .map((l) => Number(l.split(' ')[0]));
  expect(groups.length).toBeGreaterThanOrEqual(7);
  expect(groups.filter(isAlive)).toEqual([]);
}

describe.skipIf(Boolean(rabbitmq) && !ci)('the async pitfall through RabbitMQ (local runtime)', () => {
  beforeAll(() => {
    // Under CI a missing broker fails every test here: .ci/run installs it.
    if (rabbitmq) expect.fail(`Expected Debian's rabbitmq-server (.ci/run installs it), got: ${rabbitmq}`);
  });

  it(
    'async: the CONSUMER span of notification-service is the child of the PRODUCER span of order-service, exit 0',
    async () => {
      const result = await localCheck(['--scenario', 'async', '--requests', '2', '--json', ...asyncPorts]);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/rabbitmq is ready on amqp:\/\/127\.0\.0\.1:\d+ \(node started in [\d.]+s\)/);
      const json = JSON.parse(result.stdout) as ChainJson;
      for (const trace of json.traces) {
        expect(trace.ok).toBe(true);
        expect(
          trace.checks.find((c) => c.name === 'edge order-service → rabbitmq → notification-service')?.message,
        ).toMatch(
          /the PRODUCER span "order.created send" of order-service is the parent of the CONSUMER span "order.created process" of notification-service/,
        );
      }
      expectMessageHops(json, 'parent');
      expectLedgerStopped(json.spansFile);
    },
    perRun,
  );

  it(
    '--links: the consumer starts a new trace with a span link to the producer, and the verdict says the trace continues by link',
    async () => {
      const result = await localCheck(['--scenario', 'async', '--links', '--requests', '1', ...asyncPorts]);
      expect(result.exitCode, result.all).toBe(0);
      const text = result.stdout.replace(/\s+/g, ' ');
      expect(text).toMatch(
        /┄┄ continues by link: order-service → rabbitmq → notification-service, in a trace of its own ┄┄/,
      );
      expect(text).toMatch(
        /✓ 1\/1 traces verified: one traceparent linked every span \(across the broker by span link\)/,
      );
      const json = await localCheck(['--scenario', 'async', '--links', '--requests', '1', '--json', ...asyncPorts]);
      expect(json.exitCode, json.stderr).toBe(0);
      const parsed = JSON.parse(json.stdout) as ChainJson;
      expect(
        parsed.traces[0]!.checks.find((c) => c.name === 'edge order-service → rabbitmq → notification-service')
          ?.message,
      ).toMatch(
        /the trace continues by link: the CONSUMER span "order.created process" of notification-service starts trace [0-9a-f]{8}… with a span link to the PRODUCER span "order.created send" of order-service/,
      );
      expectMessageHops(parsed, 'link');
    },
    perRun,
  );

  it(
    'queue-context-dropped --expect-broken: the hop and "context not injected into the message headers", exit 0',
    async () => {
      const result = await localCheck([
        '--scenario',
        'queue-context-dropped',
        '--expect-broken',
        '--requests',
        '2',
        '--json',
        ...asyncPorts,
      ]);
      expect(result.exitCode, result.stderr).toBe(0);
      const json = JSON.parse(result.stdout) as JsonResult;
      expect(json.expectation?.met).toBe(true);
      for (const trace of json.traces) {
        expect(trace.ok).toBe(false);
        expect(trace.diagnosis).toMatchObject({
          hop: 'order-service → rabbitmq → notification-service',
          cause: 'context-not-injected',
        });
        expect(trace.diagnosis!.message).toMatch(/context not injected into the message headers/);
      }
      // Without --expect-broken the same break is a failed check: exit 1.
      const plain = await localCheck(['--scenario', 'queue-context-dropped', '--requests', '1', ...asyncPorts]);
      expect(plain.exitCode, plain.all).toBe(1);
      expect(plain.stdout.replace(/\s+/g, ' ')).toMatch(
        /first break: order-service → rabbitmq → notification-service \(context-not-injected\)/,
      );
    },
    perRun,
  );

  it(
    'leaves no broker running when the CLI itself is killed with SIGKILL: the reaper stops its node and its epmd',
    async () => {
      const dir = outDir();
      // Ready lines of order-service or notification-service come after the broker's.
      const { run } = await startUntilPartlyUp([
        'check',
        '--runtime',
        'local',
        '--scenario',
        'async',
        ...asyncPorts,
        '--out-dir',
        dir,
      ]);
      run.kill('SIGKILL');
      await run;
      const [runId] = readdirSync(dir);
      const ledger = join(dir, runId!, 'processes.txt');
      const groups = readFileSync(ledger, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => Number(l.split(' ')[0]));
      const deadline = Date.now() + 30_000;
      while (groups.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      expect(groups.filter(isAlive)).toEqual([]);
    },
    perRun,
  );

  it('--links with a scenario that has no broker is a usage error (exit 2)', async () => {
    const result = await localCheck(['--scenario', 'happy', '--links', ...asyncPorts]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(
      /Expected --links with a scenario whose messages pass a broker \(async, queue-context-dropped\), got "happy"/,
    );
  });
});
