import { describe, expect, it } from 'vitest';
import { parseOtlpJsonLines } from '../../src/intake/otlp-json.js';

// One line as the Collector's file exporter writes it (OTLP/JSON encoding).
const line = JSON.stringify({
  resourceSpans: [
    {
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: 'auth-service' } },
          { key: 'telemetry.sdk.language', value: { stringValue: 'java' } },
        ],
      },
      scopeSpans: [
        {
          scope: { name: 'io.opentelemetry.tomcat-10.0' },
          spans: [
            {
              traceId: '5B8EFFF798038103D269B633813FC60C',
              spanId: 'EEE19B7EC3C1B174',
              parentSpanId: 'EEE19B7EC3C1B173',
              name: 'GET /verify',
              kind: 2,
              startTimeUnixNano: '1544712660000000000',
              endTimeUnixNano: '1544712661000000000',
              attributes: [
                { key: 'http.response.status_code', value: { intValue: '200' } },
                { key: 'auth.valid', value: { boolValue: true } },
                { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }] } } },
              ],
              status: { code: 2, message: 'boom' },
            },
          ],
        },
      ],
    },
  ],
});

describe('parseOtlpJsonLines', () => {
  it('flattens resource, scope and span into one span with service and language', () => {
    const { spans, consumed } = parseOtlpJsonLines(`${line}\n`);
    expect(consumed).toBe(line.length + 1);
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      parentSpanId: 'eee19b7ec3c1b173',
      name: 'GET /verify',
      kind: 'SERVER',
      service: 'auth-service',
      language: 'java',
      attributes: { 'http.response.status_code': 200, 'auth.valid': true, tags: ['a'] },
      status: { code: 'ERROR', message: 'boom' },
    });
  });

  it('leaves a torn last line for the next read', () => {
    const { spans, consumed } = parseOtlpJsonLines(`${line}\n${line.slice(0, 40)}`);
    expect(spans).toHaveLength(1);
    expect(consumed).toBe(line.length + 1);
  });

  it('accepts enum names as well as numbers', () => {
    const named = line.replace('"kind":2', '"kind":"SPAN_KIND_CLIENT"');
    expect(parseOtlpJsonLines(`${named}\n`).spans[0]!.kind).toBe('CLIENT');
  });
});
