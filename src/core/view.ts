// `polytrace view`: any past run (its folder, or only its spans.jsonl, as a
// CI job keeps it) verified again from the spans alone, as `up` would have
// shown it: polytrace's own requests with the traces that split off from them,
// requests sent by hand, and requests that left no span at all. The file is
// read in pieces and each trace is verified once no new span came for it for a
// while (counted in lines, as `up` counts it in seconds), so time grows with
// the file's size and memory does not: only traces still settling are held.
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../common/errors.js';
import { AppendedLines } from '../intake/appended-lines.js';
import { addFault, describeFaults, mergeFaults, noFaults, type IntakeFaults } from '../intake/intake-faults.js';
import { readOtlpMetricLines, type MetricSeries } from '../intake/otlp-metrics.js';
import { parseOtlpJsonLines } from '../intake/otlp-json.js';
import type { Span } from '../intake/span.js';
import { client, entryService, flows, runIdKeys } from '../topology/chain.js';
import type { FlowName } from '../topology/names.js';
import { sentAttributes } from '../traffic/client-tracer.js';
import type { FiredRequest } from '../traffic/fire-requests.js';
import { flowCarried, verifyCallerTrace } from '../verify/caller-trace.js';
import type { TraceResult } from '../verify/result.js';
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

/** One verified trace, as the page shows it: when it started (epoch ms) and who sent it. */
export interface ViewedTrace {
  trace: TraceResult;
  origin: TraceOrigin;
  at: number;
}

export interface ViewedRun {
  spansFile: string;
  /** The run's id, from the tracestate polytrace sent (absent for a file with none of its requests). */
  runId?: string;
  /** How many traces were verified, and how many of them passed. */
  traces: number;
  verified: number;
  /** Requests the gateway's metric counted with no span (when the run's metrics.jsonl is beside the spans). */
  unsampled: UnsampledRequests[];
  /** Lines of the spans and metrics files that could not be read, and spans with invalid ids: skipped. */
  faults: IntakeFaults;
}

/**
 * A trace with no new span for this many lines of the file is whole. A Collector writes a trace's
 * spans within a few batches of each other (a line is one batch); this leaves room for thousands.
 */
const settleLines = 2_000;
/** Lines parsed and settled together. */
const linesPerStep = 64;
/** Trace ids already verified, remembered so a late span is not taken for a new trace. */
const maxDone = 50_000;
/** Span ids of the gateway's server spans, remembered so an exporter's re-send is not counted twice. */
const maxCounted = 50_000;

/** Adds to a bounded insertion-ordered set, forgetting the oldest. */
function remember(set: Set<string>, value: string, max: number): void {
  set.add(value);
  if (set.size > max) set.delete(set.values().next().value!);
}

const describeKind = (info: Awaited<ReturnType<typeof stat>>) =>
  info.isFIFO()
    ? 'a FIFO'
    : info.isSocket()
      ? 'a socket'
      : info.isCharacterDevice() || info.isBlockDevice()
        ? 'a device'
        : 'not a regular file';

/** The run folder's spans.jsonl, or the file itself: a regular file (a FIFO or a device would never end). */
export async function spansFileOf(path: string): Promise<string> {
  const target = resolve(path);
  const info = await stat(target).catch(() => undefined);
  if (!info) throw new UsageError(`Expected a run folder or a spans.jsonl file, got ${path}: there is nothing there`);
  const file = info.isDirectory() ? join(target, 'spans.jsonl') : target;
  const fileInfo = info.isDirectory() ? await stat(file).catch(() => undefined) : info;
  if (!fileInfo) throw new UsageError(`Expected a run folder with a spans.jsonl in it, got ${path}: it has none`);
  if (!fileInfo.isFile()) {
    throw new UsageError(`Expected a spans.jsonl that is a regular file, got ${file}: it is ${describeKind(fileInfo)}`);
  }
  return file;
}

const startMs = (span: Span) => Number(BigInt(span.startTimeUnixNano) / 1_000_000n);

const isRoot = (span: Span) => span.service === client.name && span.kind === 'CLIENT' && !span.parentSpanId;

const runIdOf = (root: Span) =>
  root.traceState
    .split(',')
    .map((member) => member.trim().split('='))
    .find(([key]) => key === runIdKeys.traceState)?.[1];

interface PendingTrace {
  traceId: string;
  spans: Span[];
  lastLine: number;
  firstLine: number;
  /** polytrace's own span of the request, when the trace is one of its requests. */
  root?: Span;
  /** The request ids its spans were called with, and the traces its spans link. */
  requestIds: Set<string>;
  linksTo: Set<string>;
}

/** polytrace's request, told again from its own span: the flow and request id it sent (older runs: what the spans show). */
function firedRequest(root: Span, spans: readonly Span[]): FiredRequest {
  const status = Number(root.attributes['http.response.status_code']) || undefined;
  const sentFlow = root.attributes[sentAttributes.flow];
  const flow = typeof sentFlow === 'string' && sentFlow in flows ? flows[sentFlow as FlowName] : flowCarried(spans);
  return {
    flow,
    traceId: root.traceId,
    requestId: requestIdOf(root, spans) ?? `${root.traceId}-unknown`,
    ...(status !== undefined ? { status } : {}),
    startedAt: startMs(root),
    endedAt: Number(BigInt(root.endTimeUnixNano) / 1_000_000n),
  };
}

function requestIdOf(root: Span, spans: readonly Span[]): string | undefined {
  const sent = root.attributes[sentAttributes.requestId];
  if (typeof sent === 'string') return sent;
  const gateway = spans.find((s) => s.service === entryService && s.kind === 'SERVER');
  return gateway && requestIdsOf(gateway)[0];
}

/** Notes that `traceId` carries `key` (a request id, or a linked trace), on the trace and in the index. */
function index(
  byKey: Map<string, Set<string>>,
  { key, trace, traceId }: { key: string; trace: Set<string>; traceId: string },
): void {
  trace.add(key);
  const set = byKey.get(key) ?? new Set<string>();
  set.add(traceId);
  byKey.set(key, set);
}

function unindex(byKey: Map<string, Set<string>>, keys: Iterable<string>, traceId: string): void {
  for (const key of keys) {
    const set = byKey.get(key);
    set?.delete(traceId);
    if (set?.size === 0) byKey.delete(key);
  }
}

/**
 * Gathers the file's spans into traces as they come, and hands each one on verified once it has
 * settled: polytrace's requests with the traces that split off from them or continue them by a
 * link, any other trace as a request sent by hand.
 */
class TraceAssembler {
  /** Ordered by the line each was last seen on (a trace that grows moves to the end). */
  private readonly pending = new Map<string, PendingTrace>();
  private readonly done = new Set<string>();
  /** Request id → the trace of polytrace's request that sent it. */
  private readonly requests = new Map<string, string>();
  private readonly counted = new Set<string>();
  /** Request id → the pending traces whose spans were called with it; trace id → the pending traces that link it. */
  private readonly carriers = new Map<string, Set<string>>();
  private readonly linkers = new Map<string, Set<string>>();
  readonly traced: RequestCounts = new Map();
  runId: string | undefined;
  spans = 0;

  constructor(private readonly emit: (viewed: ViewedTrace) => void) {}

  add(spans: readonly Span[], line: number): void {
    for (const span of spans) {
      this.spans += 1;
      this.count(span);
      if (this.done.has(span.traceId)) continue;
      const trace = this.pending.get(span.traceId) ?? {
        traceId: span.traceId,
        spans: [],
        lastLine: line,
        firstLine: line,
        requestIds: new Set<string>(),
        linksTo: new Set<string>(),
      };
      this.pending.delete(span.traceId);
      this.pending.set(span.traceId, trace);
      trace.spans.push(span);
      trace.lastLine = line;
      if (isRoot(span)) {
        trace.root = span;
        this.runId ??= runIdOf(span);
      }
      if (span.service !== client.name) {
        for (const id of requestIdsOf(span))
          index(this.carriers, { key: id, trace: trace.requestIds, traceId: span.traceId });
      }
      for (const link of span.links ?? []) {
        index(this.linkers, { key: link.traceId, trace: trace.linksTo, traceId: span.traceId });
      }
      if (trace.root) {
        const requestId = requestIdOf(trace.root, trace.spans);
        if (requestId) this.requests.set(requestId, trace.traceId);
      }
    }
  }

  /** Verifies every trace that has had no new span since `settleLines` before `line` (all of them at the end). */
  settle(line = Number.POSITIVE_INFINITY): void {
    const ready: ViewedTrace[] = [];
    const cutoff = line - settleLines;
    // polytrace's requests first: a trace that split off from one is theirs, not a request sent by hand.
    for (const pass of ['requests', 'callers'] as const) {
      for (const trace of this.pending.values()) {
        if (trace.lastLine > cutoff) break;
        if (pass === 'requests' && trace.root) ready.push(this.finishRequest(trace));
        if (pass === 'callers' && !trace.root && !this.owned(trace, line)) {
          const viewed = this.finishCaller(trace);
          if (viewed) ready.push(viewed);
        }
      }
    }
    ready.sort((a, b) => a.at - b.at);
    for (const viewed of ready) this.emit(viewed);
  }

  /** Whether a trace without a root still waits for the request it split off from (or continues). */
  private owned(trace: PendingTrace, line: number): boolean {
    if (line - trace.firstLine > 3 * settleLines) return false;
    const owners = [...trace.requestIds].map((id) => this.requests.get(id)).concat([...trace.linksTo]);
    return owners.some((owner) => owner !== undefined && this.pending.get(owner)?.root !== undefined);
  }

  private finishRequest(trace: PendingTrace): ViewedTrace {
    const request = firedRequest(trace.root!, trace.spans);
    const taken = [trace];
    for (const id of [...(this.carriers.get(request.requestId) ?? []), ...(this.linkers.get(trace.traceId) ?? [])]) {
      const other = this.pending.get(id);
      if (other && other !== trace && !other.root && !taken.includes(other)) taken.push(other);
    }
    for (const t of taken) this.drop(t);
    const spans = taken.flatMap((t) => t.spans);
    const [evidence] = evidenceFor([request], spans, this.runId ? { runId: this.runId } : {});
    return { trace: verifyTrace(evidence!), origin: { sentBy: 'polytrace', scenario: '' }, at: request.startedAt };
  }

  private finishCaller(trace: PendingTrace): ViewedTrace | undefined {
    this.drop(trace);
    if (trace.spans.every((s) => s.service === client.name || isHealthProbe(s))) return undefined;
    const at = trace.spans.reduce((min, s) => Math.min(min, startMs(s)), Number.POSITIVE_INFINITY);
    return { trace: verifyCallerTrace(trace.spans), origin: { sentBy: 'caller', scenario: '' }, at };
  }

  private drop(trace: PendingTrace): void {
    this.pending.delete(trace.traceId);
    unindex(this.carriers, trace.requestIds, trace.traceId);
    unindex(this.linkers, trace.linksTo, trace.traceId);
    remember(this.done, trace.traceId, maxDone);
    if (trace.root) {
      const requestId = requestIdOf(trace.root, trace.spans);
      if (requestId && this.requests.get(requestId) === trace.traceId) this.requests.delete(requestId);
    }
  }

  private count(span: Span): void {
    const key = tracedRequestKey(span);
    if (!key || this.counted.has(span.spanId)) return;
    remember(this.counted, span.spanId, maxCounted);
    this.traced.set(key, (this.traced.get(key) ?? 0) + 1);
  }
}

/** Reads a finished file in pieces of whole lines; a last line without its newline was cut short. */
async function readLines(
  file: string,
  onText: (text: string, firstLine: number) => void,
): Promise<{ faults: IntakeFaults; lines: number }> {
  const lines = new AppendedLines(file);
  const faults = noFaults();
  for (;;) {
    const before = lines.position;
    const oversized = lines.oversized;
    const text = await lines.read();
    if (lines.oversized > oversized) {
      addFault(faults, { kind: 'line', message: `line ${lines.lineNumber}: longer than a line may be` });
    }
    if (text) {
      onText(text, lines.lineNumber);
      lines.advance(text);
    } else if (lines.position === before) {
      break;
    }
  }
  if (lines.unread > 0) {
    addFault(faults, {
      kind: 'line',
      message: `line ${lines.lineNumber}: cut short (no newline at the end of the file)`,
    });
  }
  return { faults, lines: lines.lineNumber - 1 };
}

/**
 * Verifies the run's traces, handing each to `onTrace` as it is verified (oldest first, near
 * enough: a trace is handed on once it has settled), and returns what the run held besides.
 */
export async function viewRun({
  spansFile,
  onTrace,
}: {
  spansFile: string;
  onTrace: (viewed: ViewedTrace) => void;
}): Promise<ViewedRun> {
  let traces = 0;
  let verified = 0;
  const assembler = new TraceAssembler((viewed) => {
    traces += 1;
    if (viewed.trace.ok) verified += 1;
    onTrace(viewed);
  });
  const faults = noFaults();
  const read = await readLines(spansFile, (text, firstLine) => {
    // A piece of the file may hold many thousand lines: each few are numbered and settled on their own.
    let line = firstLine;
    for (let start = 0; start < text.length;) {
      let end = start;
      let lines = 0;
      while (lines < linesPerStep && end < text.length) {
        const newline = text.indexOf('\n', end);
        end = newline === -1 ? text.length : newline + 1;
        lines += 1;
      }
      const parsed = parseOtlpJsonLines(text.slice(start, end), line);
      mergeFaults(faults, parsed.faults);
      assembler.add(parsed.spans, line);
      assembler.settle(line);
      line += lines;
      start = end;
    }
  });
  mergeFaults(faults, read.faults);
  if (assembler.spans === 0) {
    const what = read.lines === 0 ? 'it is empty' : `${read.lines} lines, with ${describeFaults(faults)}`;
    throw new UsageError(`Expected OTLP JSON spans (a Collector's file exporter) in ${spansFile}, got none: ${what}`);
  }
  assembler.settle();

  const series = new Map<string, MetricSeries>();
  const metricsFile = join(dirname(spansFile), 'metrics.jsonl');
  const metricsInfo = await stat(metricsFile).catch(() => undefined);
  if (metricsInfo?.isFile()) {
    const metricRead = await readLines(metricsFile, (text) => {
      mergeFaults(faults, readOtlpMetricLines(text, series).faults);
    });
    mergeFaults(faults, metricRead.faults);
  }
  const unsampled = untracedRequests(servedRequests(series.values()), assembler.traced, new Map());
  return {
    spansFile,
    ...(assembler.runId ? { runId: assembler.runId } : {}),
    traces,
    verified,
    unsampled,
    faults,
  };
}
