import { describe, expect, it } from 'vitest';
import { evidenceFor } from '../../src/core/collect.js';
import { startMs } from '../../src/intake/span.js';
import { flows } from '../../src/topology/chain.js';
import { orderTrace, splitAt, TraceBuilder } from './fixtures/synthetic-trace.js';

describe('evidenceFor', () => {
  const spans = orderTrace();
  const first = startMs(spans[0]!);
  const request = {
    flow: flows.order,
    traceId: spans[0]!.traceId,
    status: 201,
    startedAt: first - 1,
    endedAt: first + 400,
  };

  it("gives each request its own trace's spans", () => {
    const [evidence] = evidenceFor([request], spans);
    expect(evidence!.spans).toHaveLength(spans.length);
    expect(evidence!.strays).toEqual([]);
  });

  it('counts spans of another trace inside the request window as strays', () => {
    const { kept, strays } = splitAt(spans, 'notification-service');
    const [evidence] = evidenceFor([request], [...kept, ...strays]);
    expect(evidence!.strays.map((s) => s.name)).toEqual(['POST /notify', 'email.send']);
  });

  it('ignores health probes and traffic outside the window', () => {
    const other = new TraceBuilder();
    other.span('api-gateway', 'GET /healthz', 'SERVER', undefined, { 'url.path': '/healthz' });
    const late = {
      ...orderTrace()[1]!,
      traceId: 'f'.repeat(32),
      startTimeUnixNano: String(BigInt(first + 5_000) * 1_000_000n),
    };
    const [evidence] = evidenceFor([request], [...spans, ...other.spans, late]);
    expect(evidence!.strays).toEqual([]);
  });
});
