// Reads the OTLP JSON the Collector's metrics file exporter writes: one
// ExportMetricsServiceRequest per line. Each SDK exports cumulative totals by
// default (the newest point per series holds the run so far); a delta series
// is summed instead, so either temporality gives the same totals.
import type { AttributeValue } from './span.js';
import { addFault, noFaults, type IntakeFaults } from './intake-faults.js';
import { attributeMap } from './otlp-json.js';
import {
  keyValues,
  list,
  object,
  optionalEnum,
  optionalNumber,
  optionalString,
  optionalUint64,
  OtlpShapeError,
  type OtlpKeyValue,
} from './otlp-guards.js';

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

/** Checks a data point's fields (a wrong type throws OtlpShapeError), so totals are never NaN. */
function checkPoint(value: unknown, path: string): void {
  const point = object(value, path);
  keyValues(point['attributes'], `${path}.attributes`);
  for (const key of ['timeUnixNano', 'count', 'asInt']) {
    // asInt may be negative; the guard for unsigned integers is close enough for a signed one's digits.
    const raw = point[key];
    if (key === 'asInt' && typeof raw === 'string' && /^-\d+$/.test(raw)) continue;
    optionalUint64(raw, `${path}.${key}`);
  }
  optionalNumber(point['sum'], `${path}.sum`);
  if (typeof point['asDouble'] !== 'string') optionalNumber(point['asDouble'], `${path}.asDouble`);
  list(point['bucketCounts'], `${path}.bucketCounts`).forEach((c, i) =>
    optionalUint64(c, `${path}.bucketCounts[${i}]`),
  );
  list(point['explicitBounds'], `${path}.explicitBounds`).forEach((b, i) =>
    optionalNumber(b, `${path}.explicitBounds[${i}]`),
  );
  list(point['exemplars'], `${path}.exemplars`).forEach((e, i) => {
    const exemplar = object(e, `${path}.exemplars[${i}]`);
    optionalString(exemplar['traceId'], `${path}.exemplars[${i}].traceId`);
    optionalString(exemplar['spanId'], `${path}.exemplars[${i}].spanId`);
  });
}

/** Checks one ExportMetricsServiceRequest's shape, as far as the totals read it. */
function checkMetricsLine(data: unknown): void {
  list(object(data, 'the line')['resourceMetrics'], 'resourceMetrics').forEach((rmValue, r) => {
    const path = `resourceMetrics[${r}]`;
    const rm = object(rmValue, path);
    if (rm['resource'] !== undefined)
      keyValues(object(rm['resource'], `${path}.resource`)['attributes'], `${path}.resource.attributes`);
    list(rm['scopeMetrics'], `${path}.scopeMetrics`).forEach((smValue, s) => {
      const scopePath = `${path}.scopeMetrics[${s}]`;
      list(object(smValue, scopePath)['metrics'], `${scopePath}.metrics`).forEach((metricValue, m) => {
        const metricPath = `${scopePath}.metrics[${m}]`;
        const metric = object(metricValue, metricPath);
        optionalString(metric['name'], `${metricPath}.name`);
        optionalString(metric['unit'], `${metricPath}.unit`);
        for (const kind of ['histogram', 'sum', 'gauge']) {
          if (metric[kind] === undefined) continue;
          const body = object(metric[kind], `${metricPath}.${kind}`);
          optionalEnum(body['aggregationTemporality'], `${metricPath}.${kind}.aggregationTemporality`);
          list(body['dataPoints'], `${metricPath}.${kind}.dataPoints`).forEach((p, i) =>
            checkPoint(p, `${metricPath}.${kind}.dataPoints[${i}]`),
          );
        }
      });
    });
  });
}

type MetricsLine = {
  resourceMetrics?: Array<{
    resource?: { attributes?: OtlpKeyValue[] };
    scopeMetrics?: Array<{ metrics?: OtlpMetric[] }>;
  }>;
};

/** Every series in the file's lines, in the order the lines came (so the last cumulative point wins). */
export function parseOtlpMetricLines(text: string): MetricSeries[] {
  return readOtlpMetricLines(text).series;
}

/**
 * Every series, and the lines that could not be read: a line that is not JSON or not the OTLP
 * shape is skipped and counted, the rest are kept. Pass the same `series` map to read a file in
 * pieces, in order.
 */
export function readOtlpMetricLines(
  text: string,
  series = new Map<string, MetricSeries>(),
): { series: MetricSeries[]; faults: IntakeFaults } {
  const faults = noFaults();
  text.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    let data: MetricsLine;
    try {
      const parsed: unknown = JSON.parse(line);
      checkMetricsLine(parsed);
      data = parsed as MetricsLine;
    } catch (error) {
      if (!(error instanceof SyntaxError) && !(error instanceof OtlpShapeError)) throw error;
      addFault(faults, {
        kind: 'line',
        message: `line ${index + 1}: ${error instanceof SyntaxError ? 'not JSON' : 'not OTLP JSON'} (${error.message})`,
      });
      return;
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
  });
  return { series: [...series.values()], faults };
}
