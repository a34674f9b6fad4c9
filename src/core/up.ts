// `polytrace up`: start the chain, prove it with one verified request, then
// keep it running and hand every new trace to the caller until Ctrl-C.
import type { Span } from '../intake/span.js';
import { client } from '../topology/chain.js';
import type { Scenario } from '../scenarios/scenario.js';
import type { ChainOptions, StartedChain } from '../runtime/runtime.js';
import { fireRequest } from '../traffic/fire-requests.js';
import type { TraceResult } from '../verify/result.js';
import { verifyTrace } from '../verify/verify-trace.js';
import { otelSettings } from '../topology/environment.js';
import { sleep } from '../common/abort.js';
import { withChain } from './chain-session.js';
import { collectEvidence, isHealthProbe } from './collect.js';

export interface UpOptions {
  /** The chain to run (with `environment.conformance` for the W3C test-service endpoints). */
  chain: ChainOptions;
  scenario: Scenario;
}

export interface UpListener {
  ready(chain: StartedChain, info: { runtime: string; runDir: string; spansFile: string }): void;
  verified(trace: TraceResult): void;
  /** A trace that arrived while the chain was up (e.g. from the user's curl). */
  trace(spans: Span[]): void;
}

/** A trace is shown once nothing new arrived for it for this long. */
const settleMs = 1_000;
/** Traces still settling at most; past it the oldest are shown at once. */
const maxPending = 200;
/** Trace ids already shown, remembered so their late spans are not shown as a new trace. */
const maxShown = 1_000;

function remember(shown: Set<string>, traceId: string): void {
  shown.add(traceId);
  // A Set iterates in insertion order: the first is the oldest.
  if (shown.size > maxShown) shown.delete(shown.values().next().value!);
}

export async function up(options: UpOptions, signal: AbortSignal, listener: UpListener): Promise<void> {
  const settings = otelSettings(options.chain.environment);
  try {
    await withChain(options.chain, signal, async (session) => {
      listener.ready(session.chain, { runtime: session.runtime, runDir: session.runDir, spansFile: session.spansPath });
      const request = await fireRequest(
        session.tracer,
        session.chain.gatewayUrl,
        options.scenario.flow,
        { index: 0, runId: session.runId },
        signal,
      );
      await session.tracer.flush();
      const [evidence] = await collectEvidence(session.spans, [request], signal, {
        otelSettings: settings,
        runId: session.runId,
      });
      listener.verified(verifyTrace(evidence!));

      // From here on `up` keeps only the traces still settling, so a chain left up all day holds
      // a bounded number of spans: each trace is shown once, then dropped.
      session.spans.forget();
      const pending = new Map<string, { spans: Span[]; lastSeen: number }>();
      const shown = new Set([request.traceId]);
      while (!signal.aborted) {
        for (const span of await session.spans.poll()) {
          if (shown.has(span.traceId)) continue;
          const trace = pending.get(span.traceId) ?? { spans: [], lastSeen: 0 };
          trace.spans.push(span);
          trace.lastSeen = Date.now();
          pending.set(span.traceId, trace);
        }
        for (const [traceId, trace] of pending) {
          if (Date.now() - trace.lastSeen < settleMs && pending.size <= maxPending) continue;
          pending.delete(traceId);
          remember(shown, traceId);
          // Health probes and polytrace's own stray spans are not traffic worth showing.
          if (trace.spans.some((s) => s.service !== client.name && !isHealthProbe(s))) listener.trace(trace.spans);
        }
        await sleep(250, signal);
      }
    });
  } catch (error) {
    // Ctrl-C is how `up` is meant to end: not an error.
    if (signal.aborted) return;
    throw error;
  }
}
