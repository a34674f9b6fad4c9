// What `polytrace matrix` concludes: a verdict per cell, and for a broken
// cell where it broke and with which versions on each side. Data only; the
// renderers in src/report print it.
import type { SdkLanguage, SdkRequest } from '../topology/sdk-versions.js';
import type { CellExpectation } from './cell.js';

/**
 * `pass`: every trace verified and every direction continued. `broken`: propagation failed, from
 * the spans' evidence. `error`: the cell could not be judged (a set the registries cannot resolve,
 * a build or a service that failed, a bug).
 */
export type CellVerdict = 'pass' | 'broken' | 'error';

/** One side of a break: the service, its language, and the SDK version its own spans name. */
export interface BreakEnd {
  language: string;
  service: string;
  /** From the service's spans (the agent's version for Java); absent when none of its spans arrived. */
  version?: string;
}

/** Where a broken cell broke: a hop of the chain, or a direction between two languages' SDKs. */
export interface CellBreak {
  kind: 'hop' | 'direction';
  /** `api-gateway → auth-service`, or `java → go`. */
  where: string;
  from: BreakEnd;
  to: BreakEnd;
  /** The traceparent the sending side emitted, when it was captured (a direction's is). */
  traceparent?: string;
  /** What the receiving side did with it, in a few words. */
  outcome: string;
  /** The verifier's own sentence. */
  message: string;
}

/** The cell against its expectation; only `as-expected` passes the matrix. */
export type CellOutcome = 'as-expected' | 'unexpected-break' | 'now-passes' | 'error';

export interface CellResult {
  /** `go=1.41.0 java=2.26.0`. */
  label: string;
  sdk: SdkRequest;
  /** Every line's version as asked: the cell's own, the defaults for the rest. */
  versions: Record<SdkLanguage, string>;
  expect: CellExpectation;
  /** Where the cell was expected to break, when its expectation says. */
  expectedBreaks?: string[];
  why?: string;
  verdict: CellVerdict;
  outcome: CellOutcome;
  /** One line for people: the verdict against the expectation. */
  summary: string;
  /** Empty unless the cell is broken. */
  breaks: CellBreak[];
  /**
   * Directions that broke outside the versions the cell names (a default line the cell did not ask
   * about, e.g. Python's beside go=1.41.0 java=2.25.0): reported, never the cell's verdict.
   */
  reported?: CellBreak[];
  /** Set when the verdict is `error`: the one-line error, and its exit code as `check` would give it. */
  error?: { message: string; exitCode: number };
  /**
   * Set when the metrics checks failed although propagation held (an SDK that lost its last
   * export at shutdown): said, but not the cell's verdict, which is about propagation.
   */
  metricsNote?: string;
  /** Traces verified of those sent. */
  traces?: { verified: number; total: number };
  /** Components this cell built (none when every build was cached): cold versus warm. */
  built: string[];
  durationMs: number;
  runDir?: string;
}

export interface MatrixResult {
  ok: boolean;
  /** Cells in the order they ran; with `interrupted`, only those that finished. */
  cells: CellResult[];
  /** Cells asked for, run or not. */
  planned: number;
  /** Ctrl-C stopped the matrix: the cell running then was stopped and is not in `cells`. */
  interrupted: boolean;
  runtime: string;
  durationMs: number;
}
