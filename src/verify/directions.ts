// Judges every direction between the chain's languages from what the
// test-service endpoints saw: the header one SDK emitted (captured as it left
// for polytrace's callback), handed to another SDK, and that SDK's own
// outgoing call. Same trace id: it continued the trace; another: it started a
// new one. Pure: the probe that gathers the header fields is core/directions.ts.
import type { DirectionEnd, DirectionTrial, DirectionVerdict, EmittedAs, ObservedHop } from './direction.js';
import { services } from '../topology/chain.js';
import type { SdkRan } from './result.js';
import { pairKey } from './observed-hops.js';
import { fieldValues, parseTraceparent, type HeaderField } from '../common/trace-context.js';

/** One header `from` emitted, handed to `to`'s endpoint, and the call `to` made next (undefined: none came). */
export interface HandedHeader {
  from: string;
  to: string;
  emittedAs: EmittedAs;
  /** The trace-context fields of `from`'s call, as captured. */
  sent: readonly HeaderField[];
  received: readonly HeaderField[] | undefined;
}

/** A traceparent's flags as a person reads them: W3C Trace Context Level 1 (sampled) and Level 2 (random). */
export function flagsInWords(flags: number): string {
  const words = [flags & 0x01 ? 'sampled' : 'not sampled'];
  if (flags & 0x02) words.push('random: W3C Level 2');
  const unknown = flags & ~0x03;
  if (unknown) words.push(`unknown flags 0x${unknown.toString(16).padStart(2, '0')}`);
  return words.join(', ');
}

const traceparentOf = (fields: readonly HeaderField[]) => fieldValues(fields, 'traceparent')[0] ?? '';

/** `-03`: how a traceparent ends, the part that carries its flags. */
const ending = (traceparent: string) => `-${traceparent.split('-').at(-1) ?? ''}`;

/** What `to` did with the header it was handed, from the trace id of its own call. */
export function judgeTrial(handed: HandedHeader): DirectionTrial {
  const traceparent = traceparentOf(handed.sent);
  const sent = parseTraceparent(traceparent);
  const received = handed.received ? parseTraceparent(traceparentOf(handed.received)) : undefined;
  const outcome =
    received === undefined || typeof received === 'string'
      ? 'no-call'
      : typeof sent !== 'string' && received.traceId === sent.traceId
        ? 'continued'
        : 'restarted';
  return { emittedAs: handed.emittedAs, traceparent, outcome };
}

/** `java 2.26.0 (auth-service)` */
const describeEnd = (end: DirectionEnd) => `${end.language} ${end.version ?? '(version unknown)'} (${end.service})`;

function describeHeader(trial: DirectionTrial): string {
  const parsed = parseTraceparent(trial.traceparent);
  const flags = typeof parsed === 'string' ? 'not a valid version-00 traceparent' : flagsInWords(parsed.flags);
  return `ends ${ending(trial.traceparent)} (${flags})`;
}

const didWhat = (to: DirectionEnd, trial: Pick<DirectionTrial, 'outcome'>) =>
  trial.outcome === 'restarted'
    ? `${to.language} started a new trace`
    : trial.outcome === 'no-call'
      ? `${to.language} made no call that carried a traceparent`
      : `${to.language} continued it`;

function verdictOf({
  from,
  to,
  trials,
  observed,
}: {
  from: DirectionEnd;
  to: DirectionEnd;
  trials: DirectionTrial[];
  observed?: ObservedHop;
}): DirectionVerdict {
  const head = `${describeEnd(from)} → ${describeEnd(to)}`;
  if (trials.length === 0) {
    // Nothing was tried: no verdict can pass on no evidence.
    const message = `${head}: no header of ${from.language} was handed to ${to.language}`;
    return {
      from,
      to,
      evidence: 'derived',
      emittedAs: 'root',
      ok: false,
      traceparent: '',
      outcome: 'no-call',
      message,
    };
  }
  const broken = trials.find((t) => t.outcome !== 'continued');
  const onChain = observed
    ? observed.ok
      ? `observed on the chain (${observed.hop} held in ${observed.traces} trace${observed.traces > 1 ? 's' : ''}); `
      : `on the chain, ${observed.hop} broke: ${didWhat(to, observed)}; `
    : '';
  const evidence = observed ? 'observed' : 'derived';
  const shared = { from, to, evidence, trials, ...(observed ? { observed } : {}) } as const;
  if (broken) {
    return {
      ...shared,
      emittedAs: broken.emittedAs,
      ok: false,
      traceparent: broken.traceparent,
      outcome: broken.outcome,
      message: `${head}: ${onChain}the ${broken.emittedAs} traceparent ${from.language} sent ${describeHeader(broken)}; ${didWhat(to, broken)}`,
    };
  }
  // Both headers continued; a chain hop that broke still decides, on the header it carries (a child's).
  const decisive = observed && !observed.ok ? trials.find((t) => t.emittedAs === 'child') : trials[0];
  const endings = trials.map((t) => `${t.emittedAs} (${ending(t.traceparent)})`).join(' and ');
  return {
    ...shared,
    emittedAs: decisive?.emittedAs ?? 'root',
    ok: !observed || observed.ok,
    traceparent: decisive?.traceparent ?? '',
    outcome: observed && !observed.ok ? observed.outcome : 'continued',
    message: `${head}: ${onChain}${to.language} continued the ${endings} traceparents ${from.language} sent`,
  };
}

/**
 * Every ordered pair of the ends, in their order: each from the headers handed across it (root
 * first, then child), and from the chain's own hop where the run's traces had one.
 */
export function judgeDirections({
  ends,
  handed,
  observed,
}: {
  ends: readonly DirectionEnd[];
  handed: readonly HandedHeader[];
  observed: ReadonlyMap<string, ObservedHop>;
}): DirectionVerdict[] {
  const order: EmittedAs[] = ['root', 'child'];
  return ends.flatMap((from) =>
    ends
      .filter((to) => to.service !== from.service)
      .map((to) => {
        const trials = handed
          .filter((h) => h.from === from.service && h.to === to.service)
          .sort((a, b) => order.indexOf(a.emittedAs) - order.indexOf(b.emittedAs))
          .map(judgeTrial);
        const hop = observed.get(pairKey(from.service, to.service));
        return verdictOf({ from, to, trials, ...(hop ? { observed: hop } : {}) });
      }),
  );
}

/**
 * Each service as one end of a direction, its version from its own spans: telemetry.sdk.version,
 * or for the Java agent the distro's version (the one `--sdk java=` names), never what was asked.
 */
export function directionEnds(sdks: readonly SdkRan[]): DirectionEnd[] {
  return services.map((service) => {
    const ran = sdks.find((s) => s.service === service.name);
    const version = ran?.distro ? (/(\d+\.\d+\.\d+\S*)$/.exec(ran.distro)?.[1] ?? ran.version) : ran?.version;
    return { language: service.language, service: service.name, ...(version ? { version } : {}) };
  });
}
