// `polytrace check`: start the chain, fire requests, wait for their spans,
// verify each trace, stop the chain. Returns data; prints nothing.
import { services } from '../topology/chain.js';
import { defaultEnvironmentOptions, telemetryEnvironment, type EnvironmentOptions } from '../topology/environment.js';
import type { Scenario } from '../scenarios/scenario.js';
import { fireRequest, type FiredRequest } from '../traffic/fire-requests.js';
import type { TraceResult } from '../verify/result.js';
import { verifyTrace } from '../verify/verify-trace.js';
import { withChain, type ChainOptions } from './chain-session.js';
import { sleep } from './abort.js';
import { collectEvidence, requestGapMs } from './collect.js';
import { judgeExpectedBreak, type Expectation } from './expect-broken.js';

export interface CheckOptions extends Omit<ChainOptions, 'environment'> {
  /** Requests per round; the scenario's default when not given. */
  requests?: number;
  /** Rounds of requests, to flush out flakiness. */
  repeat: number;
  scenario: Scenario;
  /** Pass only when the scenario's break is found, with the right hop and cause. */
  expectBroken: boolean;
}

export interface CheckResult {
  ok: boolean;
  runtime: string;
  scenario: string;
  runDir: string;
  spansFile: string;
  traces: TraceResult[];
  /** With --expect-broken: whether the scenario's break was diagnosed as its cause. */
  expectation?: Expectation;
  durationMs: number;
}

export function scenarioEnvironment(scenario: Scenario): EnvironmentOptions {
  return { ...defaultEnvironmentOptions, ...(scenario.overrides ? { overrides: scenario.overrides } : {}) };
}

/** The OTEL_* settings each service runs with: the verifier names them when it explains a break. */
export function telemetryConfig(environment: EnvironmentOptions): Record<string, Record<string, string>> {
  return Object.fromEntries(services.map((s) => [s.name, telemetryEnvironment(s, environment)]));
}

export async function check(options: CheckOptions, signal: AbortSignal): Promise<CheckResult> {
  const started = Date.now();
  const environment = scenarioEnvironment(options.scenario);
  const perRound = options.requests ?? options.scenario.defaultRequests ?? 3;
  const total = perRound * options.repeat;
  const { flow } = options.scenario;
  return withChain({ ...options, environment }, signal, async (session) => {
    const traces: TraceResult[] = [];
    for (let round = 0; round < options.repeat; round++) {
      const requests: FiredRequest[] = [];
      for (let i = 0; i < perRound; i++) {
        const n = round * perRound + i + 1;
        options.progress({
          step: 'traffic',
          message: `request ${n}/${total}: ${flow.method} ${session.chain.gatewayUrl}${flow.path}`,
        });
        if (n > 1) await sleep(requestGapMs, signal);
        requests.push(await fireRequest(session.tracer, session.chain.gatewayUrl, flow, n - 1, signal));
      }
      // polytrace's own root spans go out now, not at teardown: the verifier waits for them.
      await session.tracer.flush();
      options.progress({ step: 'collect', message: 'waiting for the spans to reach the Collector…' });
      const evidence = await collectEvidence(session.spans, requests, signal, telemetryConfig(environment));
      traces.push(...evidence.map(verifyTrace));
    }
    const expectation = options.expectBroken ? judgeExpectedBreak(options.scenario, traces) : undefined;
    return {
      ok: expectation ? expectation.met : traces.every((t) => t.ok),
      runtime: session.runtime,
      scenario: options.scenario.name,
      runDir: session.runDir,
      spansFile: session.spansPath,
      traces,
      ...(expectation ? { expectation } : {}),
      durationMs: Date.now() - started,
    };
  });
}
