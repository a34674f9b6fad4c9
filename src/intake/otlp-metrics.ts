// Reads the OTLP JSON the Collector's metrics file exporter writes: one
// ExportMetricsServiceRequest per line. Each SDK exports cumulative totals by
// default (the newest point per series holds the run so far); a delta series
// is summed instead, so either temporality gives the same totals.
import type { AttributeValue } from './span.js';
import { attributeMap, type OtlpKeyValue } from './otlp-json.js';

interface OtlpDataPoint {
  attributes?: OtlpKeyValue[];
  timeUnixNano?: string | number;
  count?: string | number;
  sum?: number;
  bucketCounts?: Array<string | number>;
  explicitBounds?: number[];
  asInt?: string | number;
  asDouble?: number;
  exemplars?: Array<{ traceId?: string; spanId?: string }>;
}

interface OtlpMetric {
  name?: string;
  unit?: string;
  histogram?: { dataPoints?: OtlpDataPoint[]; aggregationTemporality?: number | string };
  sum?: { dataPoints?: OtlpDataPoint[]; aggregationTemporality?: number | string; isMonotonic?: boolean };
  gauge?: { dataPoints?: OtlpDataPoint[] };
}

/** One series of one metric of one service, totalled over the run. */
export interface MetricSeries {
  service: string;
  language: string;
  name: string;
  unit: string;
  kind: 'histogram' | 'sum' | 'gauge';
  attributes: Record<string, AttributeValue>;
  /** Histogram: number of measurements. Sum or gauge: the value. */
  value: number;
  /** Histogram only: bucket counts and their upper bounds (the last bucket is unbounded). */
  buckets?: { counts: number[]; bounds: number[] };
  /** Trace ids and span ids of the exemplars the series carried. */
  exemplars: Array<{ traceId: string; spanId: string }>;
}

const isDelta = (temporality: number | string | undefined) =>
  temporality === 1 || temporality === 'AGGREGATION_TEMPORALITY_DELTA';

const hex = (id: string | undefined) => (id ?? '').toLowerCase();

/** Adds one data point to its series: summed when its temporality is delta, the newest total otherwise. */
function addPoint(series: MetricSeries, point: OtlpDataPoint, delta: boolean): void {
  const { kind } = series;
  const value = kind === 'histogram' ? Number(point.count ?? 0) : Number(point.asInt ?? point.asDouble ?? 0);
  const counts = (point.bucketCounts ?? []).map(Number);
  if (delta) {
    series.value += value;
    if (kind === 'histogram') {
      const previous = series.buckets?.counts ?? [];
      series.buckets = { counts: counts.map((c, i) => c + (previous[i] ?? 0)), bounds: point.explicitBounds ?? [] };
    }
  } else {
    // Cumulative (or a gauge): the newest point holds the total so far.
    series.value = value;
    if (kind === 'histogram') series.buckets = { counts, bounds: point.explicitBounds ?? [] };
  }
  for (const exemplar of point.exemplars ?? []) {
    if (exemplar.traceId) series.exemplars.push({ traceId: hex(exemplar.traceId), spanId: hex(exemplar.spanId) });
  }
}

/** Every series in the file's lines, in the order the lines came (so the last cumulative point wins). */
export function parseOtlpMetricLines(text: string): MetricSeries[] {
  const series = new Map<string, MetricSeries>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let data: {
      resourceMetrics?: Array<{
        resource?: { attributes?: OtlpKeyValue[] };
        scopeMetrics?: Array<{ metrics?: OtlpMetric[] }>;
      }>;
    };
    try {
      data = JSON.parse(line);
    } catch {
      continue;
    }
    for (const rm of data.resourceMetrics ?? []) {
      const resource = attributeMap(rm.resource?.attributes);
      const service = String(resource['service.name'] ?? '');
      const language = String(resource['telemetry.sdk.language'] ?? '');
      for (const sm of rm.scopeMetrics ?? []) {
        for (const metric of sm.metrics ?? []) {
          const kind = metric.histogram ? 'histogram' : metric.sum ? 'sum' : metric.gauge ? 'gauge' : undefined;
          if (!kind) continue;
          const body = metric[kind]!;
          const delta = isDelta((body as { aggregationTemporality?: number | string }).aggregationTemporality);
          for (const point of body.dataPoints ?? []) {
            const attributes = attributeMap(point.attributes);
            const key = JSON.stringify([service, metric.name, Object.entries(attributes).sort()]);
            const entry = series.get(key) ?? {
              service,
              language,
              name: metric.name ?? '',
              unit: metric.unit ?? '',
              kind,
              attributes,
              value: 0,
              exemplars: [],
            };
            addPoint(entry, point, delta);
            series.set(key, entry);
          }
        }
      }
    }
  }
  return [...series.values()];
}
