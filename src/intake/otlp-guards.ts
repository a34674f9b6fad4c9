// Type guards for the OTLP JSON a Collector's file exporter writes. A file is
// input like any other: a write cut short by a full disk, a line typed by hand
// or a buggy exporter must cost one line, never the run. Each guard says where
// the line went wrong ("Expected …, got …"), so a skipped line can be named.

export interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  bytesValue?: string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
}
export interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}

/** A line that is not what the OTLP JSON encoding allows; the path says where. */
export class OtlpShapeError extends Error {}

type Json = unknown;

const typeName = (value: Json) => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value);

function fail(path: string, expected: string, value: Json): never {
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeName(value);
  throw new OtlpShapeError(`${path}: expected ${expected}, got ${shown}`);
}

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function object(value: Json, path: string): Record<string, Json> {
  if (!isObject(value)) fail(path, 'an object', value);
  return value;
}

/** An optional array: absent (or null, as some encoders write it) reads as empty. */
export function list(value: Json, path: string): Json[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(path, 'an array', value);
  return value;
}

export function optionalString(value: Json, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') fail(path, 'a string', value);
  return value;
}

/**
 * A 64-bit unsigned integer: OTLP JSON writes it as a decimal string, and some encoders as a
 * number. A fraction, a sign or anything else is not a timestamp.
 */
export function optionalUint64(value: Json, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return value;
  return fail(path, 'an unsigned integer (a decimal string)', value);
}

/** An enum: its integer, or its name as a string. */
export function optionalEnum(value: Json, path: string): number | string | undefined {
  if (value === undefined || value === null) return undefined;
  if ((typeof value === 'number' && Number.isInteger(value)) || typeof value === 'string') return value;
  return fail(path, 'an enum (an integer or its name)', value);
}

export function optionalNumber(value: Json, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') fail(path, 'a number', value);
  return value;
}

function anyValue(value: Json, path: string): OtlpAnyValue | undefined {
  if (value === undefined || value === null) return undefined;
  const v = object(value, path);
  if (v['stringValue'] !== undefined) return { stringValue: optionalString(v['stringValue'], `${path}.stringValue`)! };
  if (v['boolValue'] !== undefined) {
    if (typeof v['boolValue'] !== 'boolean') fail(`${path}.boolValue`, 'a boolean', v['boolValue']);
    return { boolValue: v['boolValue'] };
  }
  if (v['intValue'] !== undefined) {
    const int = v['intValue'];
    const ok =
      (typeof int === 'number' && Number.isInteger(int)) || (typeof int === 'string' && /^-?\d{1,20}$/.test(int));
    if (!ok) fail(`${path}.intValue`, 'an integer', int);
    return { intValue: int as string | number };
  }
  if (v['doubleValue'] !== undefined) {
    // OTLP JSON may write NaN and the infinities as strings.
    const double = v['doubleValue'];
    if (typeof double !== 'number' && !['NaN', 'Infinity', '-Infinity'].includes(double as string)) {
      fail(`${path}.doubleValue`, 'a number', double);
    }
    return { doubleValue: Number(double) };
  }
  if (v['bytesValue'] !== undefined) return { bytesValue: optionalString(v['bytesValue'], `${path}.bytesValue`)! };
  if (v['arrayValue'] !== undefined) {
    const values = list(object(v['arrayValue'], `${path}.arrayValue`)['values'], `${path}.arrayValue.values`);
    return { arrayValue: { values: values.map((item, i) => anyValue(item, `${path}.arrayValue.values[${i}]`) ?? {}) } };
  }
  if (v['kvlistValue'] !== undefined) {
    const values = object(v['kvlistValue'], `${path}.kvlistValue`)['values'];
    return { kvlistValue: { values: keyValues(values, `${path}.kvlistValue.values`) } };
  }
  return {};
}

/** A list of attributes: each a string key and an AnyValue. */
export function keyValues(value: Json, path: string): OtlpKeyValue[] {
  return list(value, path).map((item, i) => {
    const kv = object(item, `${path}[${i}]`);
    if (typeof kv['key'] !== 'string') fail(`${path}[${i}].key`, 'a string', kv['key']);
    const parsed = anyValue(kv['value'], `${path}[${i}].value`);
    return parsed ? { key: kv['key'], value: parsed } : { key: kv['key'] };
  });
}
