// The few statistics `polytrace bench` needs: percentiles of latencies, and a mean with its
// 95 % confidence interval (Student's t) across rounds.

/**
 * The p-th percentile (0–100) of values, by linear interpolation between the two nearest ranks
 * (Hyndman and Fan's definition 7, the default of R and NumPy): p50 of [1, 2, 3, 4] is 2.5.
 * NaN for no values.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (Math.min(Math.max(p, 0), 100) / 100) * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (rank - below);
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** The sample standard deviation (n − 1 in the denominator); NaN below two values. */
export function standardDeviation(values: readonly number[]): number {
  if (values.length < 2) return Number.NaN;
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1));
}

/** Student's t at 0.975 (two-sided 95 %) for 1 to 30 degrees of freedom. */
const t975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** t(0.975, df); beyond the table, the normal's 1.96 (within 4 % from 30 degrees of freedom on). */
export function tQuantile975(degreesOfFreedom: number): number {
  return t975[degreesOfFreedom - 1] ?? 1.96;
}

/** A mean and the half-width of its 95 % confidence interval; no half-width from one value. */
export interface Interval {
  mean: number;
  /** t(0.975, n − 1) · s / √n; absent when n < 2. */
  halfWidth?: number;
  n: number;
}

export function confidenceInterval(values: readonly number[]): Interval {
  const n = values.length;
  const m = mean(values);
  if (n < 2) return { mean: m, n };
  return { mean: m, halfWidth: (tQuantile975(n - 1) * standardDeviation(values)) / Math.sqrt(n), n };
}

/** How every interval of `bench` is made, in words, for its reports. */
export const intervalMethod =
  '95 % confidence interval across rounds: mean ± t(0.975, n−1)·s/√n, n = rounds (differences paired by round)';
