// Latency percentiles of a run's requests, as the reports show them.

/**
 * Nearest-rank percentile (the smallest value with at least p% of the values at
 * or below it): always a latency that was really measured, and well defined
 * for the handful of requests a workshop fires. 0 for no values.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}
