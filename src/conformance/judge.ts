// Judges one case from what the probe saw: for each step, the header fields
// of every call the service made back. Every call must carry exactly one valid
// traceparent and a well-formed tracestate (as the official suite requires of
// each callback), then the step's own expectation must hold.
import type { ProbeCase, ProbeStep } from './cases.js';
import type { SentContext } from './expectations.js';
import { fieldValues, parseTraceparent, parseTracestate, type HeaderField } from '../common/trace-context.js';

/** What came of one step: the service's answer, and the header fields of each call it made back. */
export interface StepOutcome {
  /** HTTP status of POST /w3c/test, when it answered. */
  status?: number;
  /** Why it did not answer (refused, timed out), when it did not. */
  error?: string;
  /** One entry per call asked for, in order; undefined where that call never came. */
  calls: ReadonlyArray<readonly HeaderField[] | undefined>;
}

export interface CaseVerdict {
  id: string;
  section: string;
  ok: boolean;
  /** What was expected when it held; what was expected and what came when it did not. */
  message: string;
}

const shown = (value: string) => {
  const quoted = JSON.stringify(value);
  return quoted.length > 72 ? `${quoted.slice(0, 70)}…"` : quoted;
};

/** The header fields of a step, as a person reads them in a failure. */
function describeFields(fields: readonly HeaderField[]): string {
  return fields.length === 0
    ? 'no trace context'
    : fields.map(([name, value]) => `${name}: ${shown(value)}`).join(', ');
}

function readCall(fields: readonly HeaderField[]): SentContext | string {
  const traceparents = fieldValues(fields, 'traceparent');
  if (traceparents.length !== 1) {
    return `expected one traceparent field on the call, got ${traceparents.length}${traceparents.length ? `: ${traceparents.map(shown).join(', ')}` : ''}`;
  }
  const traceparent = parseTraceparent(traceparents[0]!);
  if (typeof traceparent === 'string') return traceparent;
  const tracestate = parseTracestate(fieldValues(fields, 'tracestate'));
  if (typeof tracestate === 'string') return tracestate;
  return { traceparent, tracestate };
}

function judgeStep(step: ProbeStep, outcome: StepOutcome | undefined): string | undefined {
  if (!outcome) return 'not run';
  const arrived = outcome.calls.filter((c) => c !== undefined).length;
  if (arrived < step.calls) {
    const answer = outcome.error ?? (outcome.status !== undefined ? `it answered HTTP ${outcome.status}` : 'no answer');
    return `expected ${step.calls} call${step.calls > 1 ? 's' : ''} back from the service, got ${arrived} (${answer})`;
  }
  const sent: SentContext[] = [];
  for (const [i, fields] of outcome.calls.entries()) {
    const context = readCall(fields!);
    if (typeof context === 'string') return step.calls > 1 ? `call ${i + 1} of ${step.calls}: ${context}` : context;
    sent.push(context);
  }
  return step.expect(sent);
}

export function judgeCase(probeCase: ProbeCase, outcomes: readonly StepOutcome[]): CaseVerdict {
  const { id, section } = probeCase;
  for (const [i, step] of probeCase.steps.entries()) {
    const failure = judgeStep(step, outcomes[i]);
    if (failure) return { id, section, ok: false, message: `sent ${describeFields(step.send)}: ${failure}` };
  }
  return { id, section, ok: true, message: probeCase.expectation };
}
