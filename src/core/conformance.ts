// The run behind `polytrace conformance`: probe each service's POST /w3c/test
// (the test-service endpoint of the W3C Trace Context test suite) with every
// case of src/conformance/, judge what each service's instrumented client sent
// back, and name the SDK that did it from the service's own spans. Starts the
// chain with the endpoints on, or probes one already up. Returns data; prints
// nothing.
import { probeCases, type ProbeCase } from '../conformance/cases.js';
import { judgeCase, type CaseVerdict, type StepOutcome } from '../conformance/judge.js';
import type { ConformanceResult, SdkEvidence, ServiceConformance } from '../conformance/result.js';
import { sleep } from '../common/abort.js';
import { EnvironmentError, InterruptedError } from '../common/errors.js';
import type { Progress } from '../common/progress.js';
import type { Span } from '../intake/span.js';
import type { SpanFile } from '../intake/span-file.js';
import type { RunOptions } from '../runtime/runtime.js';
import { services } from '../topology/chain.js';
import type { PortMap } from '../topology/ports.js';
import { startCallbackServer } from '../traffic/callback-server.js';
import { withChain } from './chain-session.js';
import { callTestService, requireLoopback, type ProbeContext } from './test-service-call.js';

/** Where the services to probe are: a chain this run starts, or one `up --conformance` already runs. */
export type ConformanceTarget =
  { kind: 'chain'; runOptions: RunOptions; scenario: string } | { kind: 'running'; ports: PortMap; progress: Progress };

/** A service that let this many steps in a row go unanswered is not probed further. */
const unansweredLimit = 3;
/** How long the service's spans may take to reach the Collector's file. */
const sdkEvidenceMs = 15_000;

export async function conformance(target: ConformanceTarget, signal: AbortSignal): Promise<ConformanceResult> {
  const started = Date.now();
  if (target.kind === 'running') {
    const endpoints = Object.fromEntries(
      services.map((s) => [s.name, `http://127.0.0.1:${target.ports[s.name]}/w3c/test`]),
    );
    try {
      const probed = await probeAll(endpoints, target.progress, signal);
      return { runtime: 'running', services: probed, durationMs: Date.now() - started };
    } catch (error) {
      // Ctrl-C: nothing of the chain is ours to stop, but it is an interruption, not a bug.
      if (signal.aborted) throw new InterruptedError();
      throw error;
    }
  }
  return withChain(target.runOptions, signal, async (session) => {
    const endpoints = Object.fromEntries(
      services.map((s) => [s.name, `${session.chain.serviceUrls[s.name]}/w3c/test`]),
    );
    const probed = await probeAll(endpoints, target.runOptions.progress, signal);
    target.runOptions.progress({ step: 'collect', message: "reading each service's SDK from its spans…" });
    const sdks = await sdkEvidence(session.spans, signal);
    return {
      runtime: session.runtime,
      scenario: target.scenario,
      runDir: session.runDir,
      spansFile: session.spansPath,
      services: probed.map((p) => ({ ...p, ...(sdks.has(p.service) ? { sdk: sdks.get(p.service)! } : {}) })),
      durationMs: Date.now() - started,
    };
  });
}

async function probeAll(
  endpoints: Record<string, string>,
  progress: Progress,
  signal: AbortSignal,
): Promise<ServiceConformance[]> {
  requireLoopback(endpoints);
  const callbacks = await startCallbackServer();
  try {
    // Every endpoint must answer before any case runs: a chain without --conformance (404) or a
    // service that is down is an environment problem, not a verdict on its SDK.
    const ready = await Promise.allSettled(
      services.map((s) => preflight(s.name, endpoints[s.name]!, { callbacks, signal })),
    );
    // The first in the topology's order, whichever failed first.
    const refused = ready.find((r) => r.status === 'rejected');
    if (refused) throw refused.reason;
    progress({
      step: 'traffic',
      message: `probing ${services.length} services with ${probeCases.length} W3C Trace Context cases each…`,
    });
    return await Promise.all(
      services.map(async (service) => {
        const began = Date.now();
        const cases = await probeService(service.name, endpoints[service.name]!, { callbacks, signal });
        const passed = cases.filter((c) => c.ok).length;
        const took = ((Date.now() - began) / 1000).toFixed(1);
        progress({ step: 'traffic', message: `${service.name}: ${passed}/${cases.length} cases passed (${took} s)` });
        return { service: service.name, language: service.language, endpoint: endpoints[service.name]!, cases };
      }),
    );
  } finally {
    await callbacks.close();
  }
}

async function preflight(name: string, endpoint: string, probe: ProbeContext) {
  const outcome = await callTestService({ endpoint, send: [], calls: 1, key: `${name}.preflight` }, probe);
  if (outcome.status === 200 && outcome.calls[0]) return;
  const got =
    outcome.error ?? (outcome.status !== 200 ? `HTTP ${outcome.status}` : 'an answer, but no call back to polytrace');
  const hint =
    outcome.status === 404
      ? ': its test-service endpoint is off (`polytrace up --conformance` turns it on)'
      : outcome.error
        ? ' (is the chain up on these ports? `polytrace up --conformance` starts one)'
        : '';
  throw new EnvironmentError(`Expected ${name} to answer POST ${endpoint} and call polytrace back, got ${got}${hint}`);
}

async function probeService(name: string, endpoint: string, probe: ProbeContext): Promise<CaseVerdict[]> {
  const verdicts: CaseVerdict[] = [];
  let unanswered = 0;
  for (const probeCase of probeCases) {
    const outcomes: StepOutcome[] = [];
    for (const [i, step] of probeCase.steps.entries()) {
      if (unanswered >= unansweredLimit) {
        outcomes.push({ error: `not sent: ${name} left ${unansweredLimit} requests in a row unanswered`, calls: [] });
        continue;
      }
      const outcome = await callTestService(
        { endpoint, send: step.send, calls: step.calls, key: stepKey(name, probeCase, i) },
        probe,
      );
      unanswered = outcome.status === undefined ? unanswered + 1 : 0;
      outcomes.push(outcome);
    }
    verdicts.push(judgeCase(probeCase, outcomes));
  }
  return verdicts;
}

const stepKey = (service: string, probeCase: ProbeCase, step: number) => `${service}.${probeCase.id}.${step}`;

/** The SDK of each service, from the resource of its spans in the run's file. */
async function sdkEvidence(spans: SpanFile, signal: AbortSignal): Promise<Map<string, SdkEvidence>> {
  const found = new Map<string, SdkEvidence>();
  const deadline = Date.now() + sdkEvidenceMs;
  while (true) {
    await spans.poll();
    for (const service of services) {
      if (found.has(service.name)) continue;
      const evidence = sdkOf(spans.all().filter((s) => s.service === service.name));
      if (evidence) found.set(service.name, evidence);
    }
    if (found.size === services.length || Date.now() >= deadline) return found;
    await sleep(250, signal);
  }
}

function sdkOf(spans: readonly Span[]): SdkEvidence | undefined {
  for (const { resource } of spans) {
    const [name, version] = [resource['telemetry.sdk.name'], resource['telemetry.sdk.version']];
    if (typeof name !== 'string' || typeof version !== 'string') continue;
    const [distro, distroVersion] = [resource['telemetry.distro.name'], resource['telemetry.distro.version']];
    return {
      name,
      version,
      ...(typeof distro === 'string'
        ? { distro: `${distro} ${typeof distroVersion === 'string' ? distroVersion : ''}`.trim() }
        : {}),
    };
  }
  return undefined;
}
