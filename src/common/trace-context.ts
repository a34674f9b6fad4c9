// Reads the trace context a service sent on, as W3C Trace Context Level 1
// defines it: the traceparent a version-00 vendor must send (3.2.2) and the
// tracestate list (3.3.1), combined from every header field that carries it.
// The conformance probe and the directions judge what a service sent with these,
// never with an SDK's own parser. Generic W3C, so every layer may read it.

/** One header field as it went over the wire: its name in the case it was sent, its value untouched. */
export type HeaderField = readonly [name: string, value: string];

export interface Traceparent {
  version: string;
  traceId: string;
  parentId: string;
  flags: number;
}

export interface TracestateMember {
  key: string;
  value: string;
}

const sampledFlag = 0x01;

/** Values of the header fields with this name, in order: HTTP field names are case-insensitive (3.2.1, 3.3.1). */
export function fieldValues(fields: readonly HeaderField[], name: string): string[] {
  return fields.filter(([field]) => field.toLowerCase() === name).map(([, value]) => value);
}

/**
 * Parses a traceparent a service sent: the version-00 format exactly (3.2.2), since a vendor
 * "MUST use these fields to construct the new traceparent … according to the highest version of
 * the specification known to the implementation" (3.2.4), and that is 00. Returns an error
 * sentence for anything else.
 */
export function parseTraceparent(value: string): Traceparent | string {
  const match = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(value.trim());
  if (!match)
    return `expected a version-00 traceparent (00-<32 lower-case hex>-<16 lower-case hex>-<2 hex>), got "${value}"`;
  const [, version, traceId, parentId, flagsHex] = match as unknown as [string, string, string, string, string];
  if (version !== '00') return `expected version 00 (the only version Level 1 defines), got "${value}"`;
  if (/^0+$/.test(traceId)) return `expected a trace-id that is not all zeroes (3.2.2.3), got "${value}"`;
  if (/^0+$/.test(parentId)) return `expected a parent-id that is not all zeroes (3.2.2.4), got "${value}"`;
  // Any flags: besides `sampled`, SDKs that follow Level 2 set its random trace-id flag (0x02)
  // on a trace they start, and the official suite accepts any two hex digits here too.
  return { version, traceId, parentId, flags: Number.parseInt(flagsHex, 16) };
}

export const isSampled = (traceparent: Traceparent) => (traceparent.flags & sampledFlag) === sampledFlag;

// 3.3.1.3.1 Key: a simple key, or a multi-tenant key `tenant@system`.
const keyFormat = '[a-z][_0-9a-z*/-]{0,255}|[0-9a-z][_0-9a-z*/-]{0,240}@[a-z][_0-9a-z*/-]{0,13}';
// 3.3.1.3.2 Value: printable ASCII but "," and "=", not ending in a space.
const valueFormat = '[\\x20-\\x2b\\x2d-\\x3c\\x3e-\\x7e]{0,255}[\\x21-\\x2b\\x2d-\\x3c\\x3e-\\x7e]';
const memberFormat = new RegExp(`^(${keyFormat})=(${valueFormat})$`);

/**
 * Parses the tracestate a service sent, from all its header fields: several fields are one list
 * joined by commas (3.3.1.1, RFC 7230 3.2.2); spaces and tabs around members are ignored and empty
 * members allowed (3.3.1.2). A repeated key keeps its first value, as the official test suite
 * does. Returns an error sentence for a member that is not `key=value`.
 */
export function parseTracestate(values: readonly string[]): TracestateMember[] | string {
  const members: TracestateMember[] = [];
  for (const member of values.join(',').split(/[ \t]*,[ \t]*/)) {
    const trimmed = member.replace(/^[ \t]+|[ \t]+$/g, '');
    if (trimmed === '') continue;
    const match = memberFormat.exec(trimmed);
    if (!match) return `expected tracestate list-members of the form key=value (3.3.1.3), got "${trimmed}"`;
    const [, key, value] = match as unknown as [string, string, string];
    if (!members.some((m) => m.key === key)) members.push({ key, value });
  }
  return members;
}
