// The run behind `polytrace check`: start the chain, fire requests, wait for
// their spans, verify each trace, stop the chain. Returns data; prints nothing.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readOtlpMetricLines } from '../intake/otlp-metrics.js';
import type { RunOptions, StartedChain } from '../runtime/runtime.js';
import { judgeExpectedBreak } from '../scenarios/expected-break.js';
import type { Scenario } from '../scenarios/scenario.js';
import { otelSettings } from '../topology/environment.js';
import { fireRequest, type FiredRequest } from '../traffic/fire-requests.js';
import type { RunResult, TraceResult } from '../verify/result.js';
import { verifyMetrics } from '../verify/metrics.js';
import { verifyTrace } from '../verify/verify-trace.js';
import { directionEnds, judgeDirections } from '../verify/directions.js';
import { observedHops } from '../verify/observed-hops.js';
import { timed } from '../common/timeline.js';
import { withChain, type ChainSession } from './chain-session.js';
import { collectEvidence } from './collect.js';
import { probeDirections } from './directions.js';
import { sdkVersionChecks, sdksRan } from './sdk-evidence.js';

export interface CheckOptions {
  /** What the user asked of the run: built once by the command, handed to the runtime as it is. */
  runOptions: RunOptions;
  scenario: Scenario;
  /** Requests per round; the scenario's default when not given. */
  requests?: number;
  /** Rounds of requests, to flush out flakiness. */
  repeat: number;
  /** Pass only when the scenario's break is found, with the right hop and cause. */
  expectBroken: boolean;
  /**
   * Try every direction between the chain's languages through the services' test-service
   * endpoints (the run's environment must turn them on).
   */
  directions?: boolean;
  /** Called once the verdict is in, before the chain stops (`bench --timeline` reads memory here). */
  beforeStop?: (chain: StartedChain) => void | Promise<void>;
}

export async function run(options: CheckOptions, signal: AbortSignal): Promise<RunResult> {
  const started = Date.now();
  const { runOptions, scenario } = options;
  const perRound = options.requests ?? scenario.defaultRequests ?? 3;
  const total = perRound * options.repeat;
  const { flow } = scenario;
  const settings = otelSettings(runOptions.environment);
  const fired: FiredRequest[] = [];
  const collected = await withChain(runOptions, signal, async (session) => {
    const traces: TraceResult[] = [];
    const { timeline } = runOptions;
    for (let round = 0; round < options.repeat; round++) {
      const requests: FiredRequest[] = [];
      const firstSent = timeline?.now();
      for (let i = 0; i < perRound; i++) {
        const n = round * perRound + i + 1;
        runOptions.progress({
          step: 'traffic',
          message: `request ${n}/${total}: ${flow.method} ${session.chain.gatewayUrl}${flow.path}`,
        });
        requests.push(
          await fireRequest(
            session.tracer,
            { gatewayUrl: session.chain.gatewayUrl, flow, index: n - 1, runId: session.runId },
            signal,
          ),
        );
      }
      if (firstSent !== undefined) timeline?.since('requests', firstSent);
      const evidence = await timed(timeline, 'spans', async () => {
        // polytrace's own root spans go out now, not at teardown: the verifier waits for them.
        await session.tracer.flush();
        runOptions.progress({ step: 'collect', message: 'waiting for the spans to reach the Collector…' });
        return collectEvidence(
          { file: session.spans, requests, run: { otelSettings: settings, runId: session.runId } },
          signal,
        );
      });
      traces.push(...(await timed(timeline, 'verify', async () => evidence.map(verifyTrace))));
      fired.push(...requests);
    }
    const handed = options.directions ? await tryDirections(session, runOptions, signal) : undefined;
    await options.beforeStop?.(session.chain);
    return {
      traces,
      handed,
      // Every span read, the probe's too: a service the flow never reached still names its SDK there.
      allSpans: handed ? [...session.spans.all()] : [],
      runtime: session.runtime,
      runDir: session.runDir,
      spansFile: session.spansPath,
      spanFaults: session.spans.faults,
    };
  });
  // After teardown: every service exported its last metrics on SIGTERM, and the Collector wrote
  // them before it stopped, so the totals are the whole run's.
  const { traces } = collected;
  const metricsFile = join(collected.runDir, 'metrics.jsonl');
  const { series, faults: metricFaults } = readOtlpMetricLines(await readFile(metricsFile, 'utf8').catch(() => ''));
  const metrics = {
    file: metricsFile,
    ...verifyMetrics({ series, requests: fired, spans: traces.flatMap((t) => t.spans) }),
  };
  const expectation = options.expectBroken ? judgeExpectedBreak(scenario, traces, metrics.diagnosis) : undefined;
  const sdks = sdksRan(traces.flatMap((t) => [...t.spans, ...t.strays, ...(t.linked ?? [])]));
  // With directions, the probe's own spans name the SDK of a service the flow did not reach too.
  const sdksSeen = collected.handed ? sdksRan([...traces.flatMap((t) => t.spans), ...collected.allSpans]) : sdks;
  const sdkChecks = sdkVersionChecks(runOptions.sdk, sdksSeen);
  const directions = collected.handed
    ? judgeDirections({
        ends: directionEnds(sdksSeen),
        handed: collected.handed,
        observed: observedHops(traces),
        named: Object.keys(runOptions.sdk),
      })
    : undefined;
  // With --expect-broken the scenario's break decides: a scenario that breaks propagation on
  // purpose breaks the directions through that service too, and they are reported, not judged.
  const ok = expectation
    ? expectation.met
    : traces.every((t) => t.ok) &&
      metrics.ok &&
      sdkChecks.every((c) => c.ok) &&
      (directions ?? []).every((d) => d.ok || !d.judged);
  return {
    ok,
    runtime: collected.runtime,
    scenario: scenario.name,
    runDir: collected.runDir,
    spansFile: collected.spansFile,
    unreadable: { spans: collected.spanFaults, metrics: metricFaults },
    traces,
    metrics,
    ...(expectation ? { expectation } : {}),
    sdks,
    ...(directions ? { directions } : {}),
    ...(!directions && Object.keys(runOptions.sdk).length > 0
      ? {
          directionsNotTried: `directions between the languages are judged by the local runtime only (--runtime local): its probe calls back this machine's loopback, which the ${collected.runtime} runtime's services cannot reach`,
        }
      : {}),
    ...(sdkChecks.length ? { sdkChecks } : {}),
    durationMs: Date.now() - started,
  };
}

/** The headers each SDK emitted, handed to each other SDK, once the run's own traces are in. */
async function tryDirections(session: ChainSession, runOptions: RunOptions, signal: AbortSignal) {
  runOptions.progress({
    step: 'traffic',
    message:
      "trying every direction between the chain's languages (each SDK's root and child traceparent, handed to each other SDK)…",
  });
  const handed = await timed(runOptions.timeline, 'directions', () => probeDirections(session.chain, signal));
  // The evidence of the derived verdicts, kept with the spans: every header handed over, and the
  // call that followed, as the callback server recorded them. The user's alone, as the spans are.
  await writeFile(join(session.runDir, 'directions.json'), `${JSON.stringify(handed, null, 2)}\n`, { mode: 0o600 });
  // The probe's own spans name the SDK of a service the flow did not reach; they may still be on their way.
  await session.spans.poll();
  return handed;
}
