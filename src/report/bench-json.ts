// `bench --json`: one document on stdout for scripts and CI. schemaVersion changes only when a
// field changes meaning or goes away. Each run keeps its figures, not its latencies.
import { articleClaims } from '../bench/article-claims.js';
import { intervalMethod, mean, percentile } from '../bench/statistics.js';
import type { BenchResult } from '../bench/result.js';
import { serviceNamed, services } from '../topology/chain.js';

const schemaVersion = 1;

export function renderBenchJson(result: BenchResult): string {
  const { summary } = result;
  const document = {
    schemaVersion,
    ok: result.ok,
    runtime: result.runtime,
    options: result.options,
    incomplete: result.incomplete ?? null,
    durationMs: result.durationMs,
    intervals: intervalMethod,
    configurations: summary.configurations,
    languages: summary.languages.map((o) => ({
      ...o,
      articleClaim: articleClaims[serviceNamed(o.service).language].text,
    })),
    total: summary.total ?? null,
    spans: { lostFirstIn: summary.firstLoss ?? null },
    chainMemory: { peakBytes: summary.peakChainRssBytes, limitBytes: summary.chainMemoryLimitBytes },
    runs: result.runs.map((run) => ({
      configuration: run.configuration.name,
      round: run.round,
      runDir: run.runDir,
      sent: run.load.sent,
      failed: run.load.failed,
      firstFailure: run.load.firstFailure ?? null,
      durationMs: run.load.durationMs,
      meanMs: mean(run.load.latenciesMs),
      p50Ms: percentile(run.load.latenciesMs, 50),
      p95Ms: percentile(run.load.latenciesMs, 95),
      p99Ms: percentile(run.load.latenciesMs, 99),
      usage: run.usage,
      chainPeakRssBytes: run.chainPeakRssBytes,
      spans: run.spans,
    })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
