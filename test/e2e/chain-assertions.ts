// What every runtime's end-to-end test asserts about a `check --json` result,
// checked twice: through polytrace's JSON, and again from the Collector's raw
// OTLP JSON lines without polytrace's parser.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { outDir, polytrace } from './run-cli.js';

interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: string;
  service: string;
  language: string;
}

export interface JsonResult {
  schemaVersion: number;
  ok: boolean;
  runtime: string;
  spansFile: string;
  traces: Array<{
    traceId: string;
    ok: boolean;
    status: number;
    checks: Array<{ name: string; ok: boolean; message: string }>;
    spans: JsonSpan[];
  }>;
}

type RawSpan = { spanId: string; parentSpanId: string; language: string; service: string };

/** Reads the Collector's raw OTLP JSON lines without polytrace's parser: an independent look. */
export function rawTraces(path: string): Map<string, RawSpan[]> {
  const traces = new Map<string, RawSpan[]>();
  for (const line of readFileSync(path, 'utf8').split('\n').filter(Boolean)) {
    for (const rs of JSON.parse(line).resourceSpans ?? []) {
      const attr = (key: string) =>
        rs.resource?.attributes?.find((a: { key: string }) => a.key === key)?.value?.stringValue;
      for (const ss of rs.scopeSpans ?? []) {
        for (const span of ss.spans ?? []) {
          const list = traces.get(span.traceId) ?? [];
          list.push({
            spanId: span.spanId,
            parentSpanId: span.parentSpanId ?? '',
            language: attr('telemetry.sdk.language'),
            service: attr('service.name'),
          });
          traces.set(span.traceId, list);
        }
      }
    }
  }
  return traces;
}

const languages = new Set(['go', 'java', 'python', 'nodejs']);

/** One connected trace per request, four languages, at least 11 spans: in the JSON and in the raw spans. */
export function expectConnectedOrderTraces(json: JsonResult, runtime: string, requests: number): void {
  expect(json).toMatchObject({ schemaVersion: 1, ok: true, runtime });
  expect(json.traces).toHaveLength(requests);
  for (const trace of json.traces) {
    expect(trace.checks.filter((c) => !c.ok)).toEqual([]);
    expect(trace.status).toBe(201);
    expect(new Set(trace.spans.map((s) => s.traceId))).toEqual(new Set([trace.traceId]));
    expect(new Set(trace.spans.map((s) => s.language))).toEqual(languages);
    expect(trace.spans.length).toBeGreaterThanOrEqual(11);
  }

  const raw = rawTraces(json.spansFile);
  for (const { traceId } of json.traces) {
    const spans = raw.get(traceId) ?? [];
    const ids = new Set(spans.map((s) => s.spanId));
    expect(spans.filter((s) => !s.parentSpanId)).toHaveLength(1);
    expect(spans.filter((s) => s.parentSpanId && !ids.has(s.parentSpanId))).toEqual([]);
    expect(new Set(spans.map((s) => s.language))).toEqual(languages);
  }
}

/** The 401 path: one connected trace through the gateway and auth only. */
export function expectUnauthorizedTrace(json: JsonResult): void {
  const [trace] = json.traces;
  expect(trace!.status).toBe(401);
  expect(trace!.checks.filter((c) => !c.ok)).toEqual([]);
  expect(trace!.spans.filter((s) => !s.parentSpanId)).toHaveLength(1);
  expect(new Set(trace!.spans.map((s) => s.service))).toEqual(new Set(['polytrace', 'api-gateway', 'auth-service']));
  expect(trace!.spans.find((s) => s.name === 'token.validate')).toBeDefined();
}

/** `polytrace check --json` with these flags in a fresh out-dir: it must exit 0; returns the document and stderr. */
export async function checkJson(flags: string[]): Promise<{ json: JsonResult; stderr: string }> {
  const result = await polytrace(['check', '--json', ...flags, '--out-dir', outDir()]);
  expect(result.exitCode, result.all).toBe(0);
  return { json: JSON.parse(result.stdout) as JsonResult, stderr: result.stderr };
}

/** What Ctrl-C must give: exit 130, the one-line notice, no stack trace. */
export function expectInterrupted(result: { exitCode?: number; all: string }): void {
  expect(result.exitCode, result.all).toBe(130);
  expect(result.all).toMatch(/interrupted: everything polytrace started has been stopped/);
  expect(result.all).not.toMatch(/\n\s+at /); // no stack trace
}

interface RawMessageSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  service: string;
  links: Array<{ traceId: string; spanId: string }>;
}

/** The PRODUCER and CONSUMER spans in the Collector's raw OTLP JSON (kinds 4 and 5), without polytrace's parser. */
function rawMessageSpans(path: string): { producers: RawMessageSpan[]; consumers: RawMessageSpan[] } {
  const found = { producers: [] as RawMessageSpan[], consumers: [] as RawMessageSpan[] };
  for (const line of readFileSync(path, 'utf8').split('\n').filter(Boolean)) {
    for (const rs of JSON.parse(line).resourceSpans ?? []) {
      const service = rs.resource?.attributes?.find((a: { key: string }) => a.key === 'service.name')?.value
        ?.stringValue;
      for (const ss of rs.scopeSpans ?? []) {
        for (const span of ss.spans ?? []) {
          const kind = span.kind;
          const entry = {
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId ?? '',
            name: span.name,
            service,
            links: (span.links ?? []).map((l: { traceId: string; spanId: string }) => ({
              traceId: l.traceId,
              spanId: l.spanId,
            })),
          };
          if (kind === 4 || kind === 'SPAN_KIND_PRODUCER') found.producers.push(entry);
          if (kind === 5 || kind === 'SPAN_KIND_CONSUMER') found.consumers.push(entry);
        }
      }
    }
  }
  return found;
}

/**
 * Each request's order.created message, read from the raw spans: order-service's PRODUCER span in
 * the request's trace, and notification-service's CONSUMER span its child (`parent`) or the root of
 * a trace of its own with a span link to it (`link`).
 */
export function expectMessageHops(json: JsonResult, by: 'parent' | 'link'): void {
  const { producers, consumers } = rawMessageSpans(json.spansFile);
  for (const { traceId } of json.traces) {
    const mine = producers.filter((p) => p.traceId === traceId);
    expect(mine.map((p) => `${p.service} ${p.name}`)).toEqual(['order-service order.created send']);
    const producer = mine[0]!;
    const consumer = consumers.find((c) =>
      by === 'parent'
        ? c.parentSpanId === producer.spanId
        : c.links.some((l) => l.traceId === traceId && l.spanId === producer.spanId),
    );
    expect(consumer, `a CONSUMER span ${by === 'parent' ? 'under' : 'linking'} ${producer.spanId}`).toBeDefined();
    expect(`${consumer!.service} ${consumer!.name}`).toBe('notification-service order.created process');
    if (by === 'parent') expect(consumer!.traceId).toBe(traceId);
    else {
      expect(consumer!.traceId).not.toBe(traceId);
      expect(consumer!.parentSpanId).toBe('');
    }
  }
}
