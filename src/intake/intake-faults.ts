// What reading a Collector's file could not use: lines that are not OTLP JSON
// (a write cut short, a wrongly-typed field) and spans whose ids are not the
// hex W3C Trace Context requires. They are skipped and counted, never fatal, so
// one bad line costs that line and no more, and the verdict can say so.

export interface IntakeFaults {
  /** Lines skipped whole: not JSON, not the OTLP shape, or longer than a line may be. */
  unreadableLines: number;
  /** Spans skipped from lines otherwise read: an id of the wrong length or alphabet. */
  invalidSpans: number;
  /** The first few faults, each in one line ("line 12: …"), to name them. */
  examples: string[];
}

/** How many faults are kept word for word; the rest are only counted. */
const maxExamples = 5;

export const noFaults = (): IntakeFaults => ({ unreadableLines: 0, invalidSpans: 0, examples: [] });

export function addFault(faults: IntakeFaults, fault: { kind: 'line' | 'span'; message: string }): void {
  if (fault.kind === 'line') faults.unreadableLines += 1;
  else faults.invalidSpans += 1;
  if (faults.examples.length < maxExamples) faults.examples.push(fault.message);
}

/** Adds `more` into `into`, keeping the first examples. */
export function mergeFaults(into: IntakeFaults, more: IntakeFaults): void {
  into.unreadableLines += more.unreadableLines;
  into.invalidSpans += more.invalidSpans;
  for (const example of more.examples) if (into.examples.length < maxExamples) into.examples.push(example);
}

export const hasFaults = (faults: IntakeFaults) => faults.unreadableLines > 0 || faults.invalidSpans > 0;

/** "3 unreadable lines and 1 span with an invalid id": for messages and verdicts. */
export function describeFaults(faults: IntakeFaults): string {
  const parts = [
    faults.unreadableLines ? `${faults.unreadableLines} unreadable line${faults.unreadableLines === 1 ? '' : 's'}` : '',
    faults.invalidSpans ? `${faults.invalidSpans} span${faults.invalidSpans === 1 ? '' : 's'} with an invalid id` : '',
  ].filter(Boolean);
  return parts.join(' and ') || 'nothing unreadable';
}
