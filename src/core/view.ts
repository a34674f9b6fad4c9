// `polytrace view`: any past run (its folder, or only its spans.jsonl, as a
// CI job keeps it) verified again from the spans alone, as `up` would have
// shown it: polytrace's own requests with the traces that split off from them,
// requests sent by hand, and requests that left no span at all.
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../common/errors.js';
import { parseOtlpMetricLines } from '../intake/otlp-metrics.js';
import { parseOtlpJsonLines } from '../intake/otlp-json.js';
import type { Span } from '../intake/span.js';
import { client, entryService, flows, runIdKeys } from '../topology/chain.js';
import type { FiredRequest } from '../traffic/fire-requests.js';
import { verifyCallerTrace } from '../verify/caller-trace.js';
import type { TraceResult } from '../verify/result.js';
import { groupByTrace } from '../verify/trace-tree.js';
import {
  servedRequests,
  tracedRequestKey,
  untracedRequests,
  type RequestCounts,
  type UnsampledRequests,
} from '../verify/unsampled.js';
import { verifyTrace } from '../verify/verify-trace.js';
import { evidenceFor, isHealthProbe, requestIdsOf } from './collect.js';
import type { TraceOrigin } from './up-controls.js';

export interface ViewedRun {
  spansFile: string;
  /** The run's id, from the tracestate polytrace sent (absent for a file with none of its requests). */
  runId?: string;
  /** Every trace, oldest first, with when it started (epoch ms). */
  traces: Array<{ trace: TraceResult; origin: TraceOrigin; at: number }>;
  /** Requests the gateway's metric counted with no span (when the run's metrics.jsonl is beside the spans). */
  unsampled: UnsampledRequests[];
}

/** The run folder's spans.jsonl, or the file itself. */
async function spansFileOf(path: string): Promise<string> {
  const target = resolve(path);
  const info = await stat(target).catch(() => undefined);
  if (!info) throw new UsageError(`Expected a run folder or a spans.jsonl file, got ${path}: there is nothing there`);
  if (!info.isDirectory()) return target;
  const file = join(target, 'spans.jsonl');
  if (!(await stat(file).catch(() => undefined))) {
    throw new UsageError(`Expected a run folder with a spans.jsonl in it, got ${path}: it has none`);
  }
  return file;
}

/** Every line that is OTLP JSON; a file with none is not a spans file. */
function parseSpans(text: string, file: string): Span[] {
  const spans: Span[] = [];
  let bad = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      spans.push(...parseOtlpJsonLines(`${line}\n`).spans);
    } catch {
      bad += 1;
    }
  }
  if (bad > 0 && spans.length === 0) {
    throw new UsageError(
      `Expected OTLP JSON lines (a Collector's file exporter) in ${file}, got ${bad} lines that are not`,
    );
  }
  return spans;
}

const startMs = (span: Span) => Number(BigInt(span.startTimeUnixNano) / 1_000_000n);

/** polytrace's request, told again from its root span: the flow by the gateway's answer, the request id the gateway recorded. */
function firedRequest(root: Span, spans: readonly Span[]): FiredRequest {
  const status = Number(root.attributes['http.response.status_code']) || undefined;
  const flow = Object.values(flows).find((f) => f.expectedStatus === status) ?? flows.order;
  const gateway = spans.find((s) => s.service === entryService && s.kind === 'SERVER');
  const requestId = (gateway && requestIdsOf(gateway)[0]) ?? `${root.traceId}-unknown`;
  return {
    flow,
    traceId: root.traceId,
    requestId,
    ...(status !== undefined ? { status } : {}),
    startedAt: startMs(root),
    endedAt: Number(BigInt(root.endTimeUnixNano) / 1_000_000n),
  };
}

const runIdOf = (root: Span) =>
  root.traceState
    .split(',')
    .map((member) => member.trim().split('='))
    .find(([key]) => key === runIdKeys.traceState)?.[1];

export async function viewRun(path: string): Promise<ViewedRun> {
  const spansFile = await spansFileOf(path);
  const spans = parseSpans(await readFile(spansFile, 'utf8'), spansFile);
  const traces = groupByTrace(spans);
  const roots = [...traces.values()]
    .map((trace) => trace.find((s) => s.service === client.name && s.kind === 'CLIENT' && !s.parentSpanId))
    .filter((root): root is Span => root !== undefined);
  const runId = roots.map(runIdOf).find(Boolean);
  const requests = roots.map((root) => firedRequest(root, traces.get(root.traceId) ?? []));
  const evidence = evidenceFor(requests, spans, runId ? { runId } : {});
  const taken = new Set([...evidence.flatMap((e) => [e.traceId, ...e.strays.map((s) => s.traceId)])]);
  const viewed: ViewedRun['traces'] = evidence.map((e, i) => ({
    trace: verifyTrace(e),
    origin: { sentBy: 'polytrace', scenario: '' },
    at: requests[i]!.startedAt,
  }));
  for (const [traceId, trace] of traces) {
    if (taken.has(traceId) || trace.every((s) => s.service === client.name || isHealthProbe(s))) continue;
    viewed.push({
      trace: verifyCallerTrace(trace),
      origin: { sentBy: 'caller', scenario: '' },
      at: Math.min(...trace.map(startMs)),
    });
  }
  viewed.sort((a, b) => a.at - b.at);

  const traced: RequestCounts = new Map();
  for (const span of new Map(spans.map((s) => [s.spanId, s])).values()) {
    const key = tracedRequestKey(span);
    if (key) traced.set(key, (traced.get(key) ?? 0) + 1);
  }
  const metrics = await readFile(join(dirname(spansFile), 'metrics.jsonl'), 'utf8').catch(() => '');
  const unsampled = untracedRequests(servedRequests(parseOtlpMetricLines(metrics)), traced, new Map());
  return { spansFile, ...(runId ? { runId } : {}), traces: viewed, unsampled };
}
