// What `up` does with the spans that keep arriving: each request polytrace
// fired is verified once its spans are in (with the traces that split off from
// it), every other trace (a person's curl) once nothing new came for it for a
// second, and a request the gateway served without any span is reported as
// not sampled. It holds only traces still settling, so a chain left up all day
// holds a bounded number of spans.
import type { MetricSeries } from '../intake/otlp-metrics.js';
import type { Span } from '../intake/span.js';
import { client } from '../topology/chain.js';
import type { OtelSettings } from '../topology/environment.js';
import type { FiredRequest } from '../traffic/fire-requests.js';
import { verifyCallerTrace } from '../verify/caller-trace.js';
import type { Evidence } from '../verify/checks.js';
import type { TraceResult } from '../verify/result.js';
import {
  servedRequests,
  tracedRequestKey,
  unsampledKey,
  untracedRequests,
  type RequestCounts,
  type UnsampledRequests,
} from '../verify/unsampled.js';
import { evidenceSettled, settleTiming, verifyTrace } from '../verify/verify-trace.js';
import { evidenceFor, isHealthProbe, requestIdsOf } from './collect.js';

/** How long to wait, in ms, besides when a request's evidence is settled (the same as `check`'s). */
const timing = {
  /** Someone else's trace is shown once nothing new arrived for it for this long. */
  settleMs: 1_000,
  /** The gateway's metric counted a request with no span for this long: it was not sampled. */
  unsampledMs: 2_500,
};

/** Traces still settling at most; past it the oldest is let go at once. */
const maxPending = 500;
/** Trace ids already verified, remembered so their late spans are not taken for a new trace. */
const maxDone = 2_000;
/** Span ids of the gateway's server spans, remembered so an exporter's re-send is not counted twice. */
const maxCounted = 5_000;

interface PendingTrace {
  spans: Span[];
  lastSeen: number;
  /** The polytrace request whose id its spans carry, when it split off from one. */
  owner?: string;
}

interface Expected {
  request: FiredRequest;
  resolve(trace: TraceResult): void;
}

/** Adds to a bounded insertion-ordered set, forgetting the oldest. */
function remember(set: Set<string>, value: string, max: number): void {
  set.add(value);
  if (set.size > max) set.delete(set.values().next().value!);
}

export interface FollowerEvents {
  /** Someone else's request, verified as sent by a caller. */
  callerTrace(trace: TraceResult): void;
  unsampled(requests: UnsampledRequests): void;
}

export class TraceFollower {
  private readonly pending = new Map<string, PendingTrace>();
  private readonly expected = new Map<string, Expected>();
  private readonly done = new Set<string>();
  private readonly counted = new Set<string>();
  private readonly traced: RequestCounts = new Map();
  private readonly reported: RequestCounts = new Map();
  /** The newest point of each series of the gateway's metrics. */
  private readonly series = new Map<string, MetricSeries>();
  /** Untraced requests first seen, by key: reported once they stay so for a while. */
  private readonly untracedSince = new Map<string, number>();

  constructor(
    private readonly run: { runId: string; otelSettings(): OtelSettings },
    private readonly events: FollowerEvents,
  ) {}

  /** Resolves with the request's verified trace, once its spans are in (or the wait is over). */
  expect(request: FiredRequest): Promise<TraceResult> {
    return new Promise((resolve) => this.expected.set(request.requestId, { request, resolve }));
  }

  addSpans(spans: readonly Span[], now = Date.now()): void {
    const ours = `${this.run.runId}-`;
    for (const span of spans) {
      this.count(span);
      if (this.done.has(span.traceId)) continue;
      const trace = this.pending.get(span.traceId) ?? { spans: [], lastSeen: now };
      trace.spans.push(span);
      trace.lastSeen = now;
      trace.owner ??= requestIdsOf(span).find((id) => id.startsWith(ours));
      this.pending.set(span.traceId, trace);
    }
    // Past the bound the oldest is let go: a flood of traces cannot grow the CLI without end.
    for (const traceId of this.pending.keys()) {
      if (this.pending.size <= maxPending) break;
      this.finish(traceId);
    }
  }

  addMetrics(series: readonly MetricSeries[]): void {
    for (const s of series)
      this.series.set(JSON.stringify([s.service, s.name, Object.entries(s.attributes).sort()]), s);
  }

  /** Verifies what is ready; call it after each poll. */
  tick(now = Date.now()): void {
    for (const [requestId, expected] of this.expected) {
      const { request } = expected;
      const traceIds = [
        request.traceId,
        ...[...this.pending].filter(([, t]) => t.owner === requestId).map(([id]) => id),
      ];
      const spans = traceIds.flatMap((id) => this.pending.get(id)?.spans ?? []);
      const [evidence] = evidenceFor([request], spans, {
        runId: this.run.runId,
        otelSettings: this.run.otelSettings(),
      });
      const lastSeen = Math.max(request.endedAt, ...traceIds.map((id) => this.pending.get(id)?.lastSeen ?? 0));
      const quiet = now - lastSeen;
      const ready = evidenceSettled(evidence!, quiet) || now - request.endedAt >= settleTiming.deadlineMs;
      if (!ready) continue;
      this.expected.delete(requestId);
      for (const id of traceIds) this.finish(id, false);
      expected.resolve(verifyTrace(evidence!));
    }
    const fired = new Set([...this.expected.values()].map((e) => e.request.traceId));
    for (const [traceId, trace] of this.pending) {
      if (fired.has(traceId) || now - trace.lastSeen < timing.settleMs) continue;
      // A trace split off from a request still waiting belongs to it; one whose request is done came late.
      if (trace.owner && this.expected.has(trace.owner)) continue;
      this.finish(traceId);
    }
    this.findUnsampled(now);
  }

  /** Lets a trace go; someone else's is shown first, unless it is only health probes or polytrace's own. */
  private finish(traceId: string, show = true): void {
    const trace = this.pending.get(traceId);
    this.pending.delete(traceId);
    remember(this.done, traceId, maxDone);
    if (!show || !trace || trace.owner) return;
    if (trace.spans.every((s) => s.service === client.name || isHealthProbe(s))) return;
    this.events.callerTrace(verifyCallerTrace(trace.spans, this.run.otelSettings()));
  }

  private count(span: Span): void {
    const key = tracedRequestKey(span);
    if (!key || this.counted.has(span.spanId)) return;
    remember(this.counted, span.spanId, maxCounted);
    this.traced.set(key, (this.traced.get(key) ?? 0) + 1);
  }

  private findUnsampled(now: number): void {
    const untraced = untracedRequests(servedRequests(this.series.values()), this.traced, this.reported);
    const keys = new Set(untraced.map(unsampledKey));
    for (const key of this.untracedSince.keys()) if (!keys.has(key)) this.untracedSince.delete(key);
    for (const requests of untraced) {
      const key = unsampledKey(requests);
      const since = this.untracedSince.get(key) ?? now;
      this.untracedSince.set(key, since);
      if (now - since < timing.unsampledMs) continue;
      this.untracedSince.delete(key);
      this.reported.set(key, (this.reported.get(key) ?? 0) + requests.count);
      this.events.unsampled(requests);
    }
  }
}
