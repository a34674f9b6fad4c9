// What `polytrace bench` asks for and concludes: data only, the reporters render it.
import type { BenchSummary, ConfigurationRun } from './summary.js';

/** The load of a bench: how much, how wide, how often. */
export interface BenchLoad {
  /** Measured requests per configuration and round. */
  requests: number;
  concurrency: number;
  rounds: number;
  /** Requests before the measured ones, not measured: connections, JIT, caches. */
  warmup: number;
  /** No configuration starts, and no request, once this much time has passed since the start. */
  timeLimitMs: number;
}

export interface BenchResult {
  runtime: string;
  options: BenchLoad;
  /** In the order they ran. */
  runs: ConfigurationRun[];
  summary: BenchSummary;
  /** Why not every configuration ran every round in full, when it did not. */
  incomplete?: string;
  /** Complete, nothing lost, every request answered, no span from an SDK that was off, the chain under its memory limit. */
  ok: boolean;
  durationMs: number;
}
