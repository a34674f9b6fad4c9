// `polytrace check`: start the chain, fire requests, wait for their spans,
// verify each trace, stop the chain. Returns data; prints nothing.
import { defaultEnvironmentOptions } from '../topology/environment.js';
import type { Scenario } from '../scenarios/scenario.js';
import { fireRequest } from '../traffic/fire-requests.js';
import type { TraceResult } from '../verify/result.js';
import { verifyTrace } from '../verify/verify-trace.js';
import { withChain, type ChainOptions } from './chain-session.js';
import { collectEvidence } from './collect.js';

export interface CheckOptions extends Omit<ChainOptions, 'environment'> {
  requests: number;
  scenario: Scenario;
}

export interface CheckResult {
  ok: boolean;
  runtime: string;
  scenario: string;
  runDir: string;
  spansFile: string;
  traces: TraceResult[];
  durationMs: number;
}

export async function check(options: CheckOptions, signal: AbortSignal): Promise<CheckResult> {
  const started = Date.now();
  const environment = {
    ...defaultEnvironmentOptions,
    ...(options.scenario.overrides ? { overrides: options.scenario.overrides } : {}),
  };
  return withChain({ ...options, environment }, signal, async (session) => {
    const requests = [];
    for (let i = 0; i < options.requests; i++) {
      options.progress({
        step: 'traffic',
        message: `request ${i + 1}/${options.requests}: ${options.scenario.flow.method} ${session.chain.gatewayUrl}${options.scenario.flow.path}`,
      });
      requests.push(await fireRequest(session.tracer, session.chain.gatewayUrl, options.scenario.flow, i, signal));
    }
    // polytrace's own root spans go out now, not at teardown: the verifier waits for them.
    await session.tracer.flush();
    options.progress({ step: 'collect', message: 'waiting for the spans to reach the Collector…' });
    const evidence = await collectEvidence(session.spans, requests, signal);
    const traces = evidence.map(verifyTrace);
    return {
      ok: traces.every((t) => t.ok),
      runtime: session.runtime,
      scenario: options.scenario.name,
      runDir: session.runDir,
      spansFile: session.spansPath,
      traces,
      durationMs: Date.now() - started,
    };
  });
}
