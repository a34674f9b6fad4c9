// The samples of polytrace's output in the README and docs/: each rendered by
// polytrace's own reporters from the evidence of a real run kept in
// docs/samples/<run>/, verified again with the current code. A sample sits in a
// Markdown file between `<!-- sample:NAME -->` and `<!-- /sample -->`;
// test/unit/docs-samples.test.ts fails when one differs from what the code
// renders now, and `npm run docs:samples` (scripts/docs-samples.mjs) writes
// them anew from a new run.
import { noFaults } from '../src/intake/intake-faults.js';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../src/common/paths.js';
import { evidenceFor, requestIdsOf } from '../src/core/collect.js';
import { parseOtlpJsonLines } from '../src/intake/otlp-json.js';
import { parseOtlpMetricLines } from '../src/intake/otlp-metrics.js';
import type { Span } from '../src/intake/span.js';
import type { ConformanceResult } from '../src/conformance/result.js';
import { conformanceReporters, reporters, type ReportContext } from '../src/report/reporters.js';
import { colorsFor } from '../src/report/style.js';
import { renderUpTrace } from '../src/report/terminal.js';
import { findScenario } from '../src/scenarios/catalog.js';
import { scenarioEnvironment } from '../src/scenarios/scenario.js';
import { client, entryService, flows } from '../src/topology/chain.js';
import { otelSettings } from '../src/topology/environment.js';
import type { FiredRequest } from '../src/traffic/fire-requests.js';
import { verifyMetrics } from '../src/verify/metrics.js';
import type { RunResult, SdkRan } from '../src/verify/result.js';
import type { DirectionVerdict, ObservedHop } from '../src/verify/direction.js';
import { directionEnds, judgeDirections, type HandedHeader } from '../src/verify/directions.js';
import { pairKey } from '../src/verify/observed-hops.js';
import { renderDirectionsBlock } from '../src/report/direction-table.js';
import { verifyTrace } from '../src/verify/verify-trace.js';

/** What scripts/docs-samples.mjs keeps of a run besides the Collector's two files (run.json). */
interface KeptRun {
  /** The command that made it, as a reader would type it. */
  command: string;
  scenario: string;
  runtime: string;
  /** The run's folder name under .polytrace/runs/. */
  runId: string;
  durationMs: number;
  /** Each request polytrace sent, in order: its flow by name, its trace id, the gateway's answer. */
  requests: Array<{ flow: string; traceId: string; status: number | null }>;
}

const samplesDir = join(repoRoot, 'docs', 'samples');

/** Terminal samples are printed as a pipe gets them: no colour, at the width `check` takes when stdout is not a terminal. */
const context: ReportContext = { width: 100, colors: colorsFor(false) };

const nanosToMs = (nanos: string) => Number(BigInt(nanos) / 1_000_000n);

function parseSpans(text: string): Span[] {
  return text
    .split('\n')
    .filter((line) => line.trim())
    .flatMap((line) => parseOtlpJsonLines(`${line}\n`).spans);
}

/** polytrace's request, told again from the kept facts and its own root span (the times, the request id the gateway recorded). */
function firedRequest(kept: KeptRun['requests'][number], spans: readonly Span[]): FiredRequest {
  const flow = Object.values(flows).find((f) => f.name === kept.flow);
  if (!flow) throw new Error(`Expected a flow named in src/topology/chain.ts, got "${kept.flow}"`);
  const trace = spans.filter((s) => s.traceId === kept.traceId);
  const root = trace.find((s) => s.service === client.name && s.kind === 'CLIENT' && !s.parentSpanId);
  if (!root) throw new Error(`Expected polytrace's root span in the kept spans of trace ${kept.traceId}, found none`);
  const gateway = trace.find((s) => s.service === entryService && s.kind === 'SERVER');
  const requestId = gateway && requestIdsOf(gateway)[0];
  if (!requestId) throw new Error(`Expected the gateway's request id on trace ${kept.traceId}, found none`);
  return {
    flow,
    traceId: kept.traceId,
    requestId,
    ...(kept.status !== null ? { status: kept.status } : {}),
    startedAt: nanosToMs(root.startTimeUnixNano),
    endedAt: nanosToMs(root.endTimeUnixNano),
  };
}

/** The result `check` returned for a kept run, made again as src/core/run.ts makes it: every trace and metric verified anew. */
export function replayCheck(name: string): RunResult {
  const dir = join(samplesDir, name);
  const kept = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as KeptRun;
  const spans = parseSpans(readFileSync(join(dir, 'spans.jsonl'), 'utf8'));
  const scenario = findScenario(kept.scenario);
  if (!scenario) throw new Error(`Expected a scenario of src/scenarios/catalog.ts, got "${kept.scenario}"`);
  const requests = kept.requests.map((r) => firedRequest(r, spans));
  const settings = otelSettings(scenarioEnvironment(scenario));
  const traces = evidenceFor(requests, spans, { otelSettings: settings, runId: kept.runId }).map(verifyTrace);
  // Paths as a run from the checkout's root names them: the reader's own differ only there.
  const runDir = `.polytrace/runs/${kept.runId}`;
  const series = parseOtlpMetricLines(readFileSync(join(dir, 'metrics.jsonl'), 'utf8'));
  const metrics = {
    file: `${runDir}/metrics.jsonl`,
    ...verifyMetrics({ series, requests, spans: traces.flatMap((t) => t.spans) }),
  };
  return {
    ok: traces.every((t) => t.ok) && metrics.ok,
    runtime: kept.runtime,
    scenario: scenario.name,
    runDir,
    spansFile: `${runDir}/spans.jsonl`,
    unreadable: { spans: noFaults(), metrics: noFaults() },
    traces,
    metrics,
    durationMs: kept.durationMs,
  };
}

/**
 * The result a kept `conformance --json` printed, as the core returned it. The probe's verdicts
 * are kept, not what each service sent (the core does not return that), so the test also holds
 * the kept cases to today's list.
 */
export function keptConformance(): ConformanceResult {
  const kept = JSON.parse(readFileSync(join(samplesDir, 'conformance', 'result.json'), 'utf8')) as ConformanceResult & {
    services: Array<{ sdk: ConformanceResult['services'][number]['sdk'] | null }>;
  };
  return {
    runtime: kept.runtime,
    ...(kept.scenario ? { scenario: kept.scenario } : {}),
    durationMs: kept.durationMs,
    services: kept.services.map(({ service, language, endpoint, sdk, cases }) => ({
      service,
      language,
      endpoint,
      ...(sdk ? { sdk } : {}),
      cases: cases.map(({ id, section, ok, message }) => ({ id, section, ok, message })),
    })),
  };
}

/** What scripts/docs-samples.mjs keeps of a run with directions besides the headers (run.json). */
interface KeptDirections {
  command: string;
  sdks: SdkRan[];
  observed: Array<ObservedHop & { from: string; to: string }>;
}

/**
 * The directions of a kept run, judged again now: the headers handed over and the calls that
 * followed (directions.json, as the run wrote it), the SDKs its spans named, its chain hops.
 */
export function keptDirections(): DirectionVerdict[] {
  const dir = join(samplesDir, 'directions');
  const handed = JSON.parse(readFileSync(join(dir, 'directions.json'), 'utf8')) as HandedHeader[];
  const kept = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as KeptDirections;
  return judgeDirections({
    ends: directionEnds(kept.sdks),
    handed,
    observed: new Map(kept.observed.map(({ from, to, ...hop }) => [pairKey(from, to), hop])),
    // The languages the kept command named with --sdk: they decide which directions are judged.
    named: [...kept.command.matchAll(/--sdk (\w+)=/g)].map(([, language]) => language!),
  });
}

/** Every sample by name: the text it shows, rendered now. */
export const samples: Record<string, () => string> = {
  // The whole output of `polytrace check --requests 1`.
  check: () => reporters.terminal(replayCheck('check'), context),
  // Its first block: the request's waterfall and its verdict (the README's).
  'check-request': () => reporters.terminal(replayCheck('check'), context).split('\n\n')[0]!,
  // The same trace as `polytrace up` prints its first one (src/commands/up.ts names it so).
  'up-trace': () => {
    const [trace] = replayCheck('check').traces;
    return renderUpTrace(trace!, `A first request, fired and verified by polytrace: trace ${trace!.traceId}`, context);
  },
  // The request of `polytrace check --scenario async --requests 1`: the trace through RabbitMQ.
  'async-request': () => reporters.terminal(replayCheck('async'), context).split('\n\n')[0]!,
  // The whole output of `polytrace conformance`.
  conformance: () => conformanceReporters.terminal(keptConformance(), context),
  // The directions block of `check --sdk go=1.41.0 --sdk java=2.26.0`.
  directions: () => renderDirectionsBlock(keptDirections(), context),
};

/** The Markdown files that may hold samples: the README and every page of docs/. */
export const documents = [
  'README.md',
  ...readdirSync(join(repoRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

const marked = /<!-- sample:([\w-]+) -->\n([\s\S]*?)<!-- \/sample -->/g;

/** Each sample a document holds: its name and what stands between its markers. */
export function samplesIn(markdown: string): Array<{ name: string; shown: string }> {
  return [...markdown.matchAll(marked)].map((m) => ({ name: m[1]!, shown: m[2]! }));
}

/** A sample as it stands between its markers: one fenced block of plain text, set apart by blank lines (as prettier keeps it). */
export const fenced = (text: string) => `\n\`\`\`text\n${text.replace(/\n$/, '')}\n\`\`\`\n\n`;

/** The document with every sample rendered anew (unknown names left as they are, for the test to name). */
export function withSamples(markdown: string): string {
  return markdown.replace(marked, (whole, name: string) => {
    const render = samples[name];
    return render ? `<!-- sample:${name} -->\n${fenced(render())}<!-- /sample -->` : whole;
  });
}
