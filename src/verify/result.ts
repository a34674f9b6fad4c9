// What the verifier concludes about one trace: data only, renderers print it.
import type { IntakeFaults } from '../intake/intake-faults.js';
import type { Span } from '../intake/span.js';
import type { Check } from './check.js';
import type { Diagnosis } from './diagnose.js';
import type { DirectionVerdict } from './direction.js';
import type { MetricsVerdict } from './metrics.js';

/** A service whose clock is off polytrace's: a warning, not a failure (propagation ignores clocks). */
export interface ClockSkew {
  service: string;
  /** The service's clock minus polytrace's. */
  offsetMs: number;
  message: string;
}

export interface TraceResult {
  traceId: string;
  flow: string;
  ok: boolean;
  /** HTTP status the gateway answered with, when the request got an answer. */
  status?: number;
  checks: Check[];
  /** The first thing that broke, in flow order, with its likely cause; absent when nothing did. */
  diagnosis?: Diagnosis;
  spans: Span[];
  /** Spans of the chain seen during this request under other trace IDs (a broken propagation). */
  strays: Span[];
  /** Spans of traces that continue this one by a span link (a message consumer's own trace); absent when none. */
  linked?: Span[];
  /** Clocks that are off polytrace's, measured from the spans. */
  clockSkews: ClockSkew[];
  /**
   * Present when polytrace did not send the request (a person's curl during `up`). `parentSpanId`
   * is the caller's own span, named by the traceparent it sent as the parent of the trace's first
   * span and never exported here; absent when the caller sent no traceparent.
   */
  caller?: { parentSpanId?: string };
}

/** With `--expect-broken`: whether the scenario's break was found and explained as its cause. */
export interface Expectation {
  met: boolean;
  message: string;
}

/** What a run concludes: every trace it verified, and where its evidence is kept. */
export interface RunResult {
  ok: boolean;
  runtime: string;
  scenario: string;
  runDir: string;
  spansFile: string;
  traces: TraceResult[];
  /** With --expect-broken: whether the scenario's break was diagnosed as its cause. */
  expectation?: Expectation;
  /** The run's metrics, checked once every service flushed them at shutdown. */
  metrics: MetricsVerdict & { file: string };
  /** The SDK each service ran, from its spans' resource (telemetry.sdk.version): what ran, not what was asked. */
  sdks?: SdkRan[];
  /** With `--sdk`: whether each line named ran at the version asked for, from its spans. Part of `ok`. */
  sdkChecks?: Check[];
  /**
   * Every ordered pair of the chain's languages, when the run tried them (a run with `--sdk` or
   * `--directions`): whether a traceparent one SDK emits is continued by the other. Part of `ok`,
   * except with --expect-broken, where the scenario's break alone decides.
   */
  directions?: DirectionVerdict[];
  /**
   * Why the directions were not tried although `--sdk` named a cell: the docker runtime's, whose
   * containers the probe's callback on this machine's loopback cannot reach. Said in the verdict.
   */
  directionsNotTried?: string;
  /** What the Collector's files held that could not be read (skipped and counted, never fatal). */
  unreadable: { spans: IntakeFaults; metrics: IntakeFaults };
  durationMs: number;
}

/** The SDK a service ran, as its spans' resource says (`telemetry.sdk.*`, `telemetry.distro.*`): evidence, not configuration. */
export interface SdkRan {
  service: string;
  language: string;
  name: string;
  version: string;
  /** The distribution around the SDK, when there is one (the Java agent), with its version. */
  distro?: string;
}
