/**
 * Summary statistics over episodes: mean, sample standard deviation and the half-width
 * of a two-sided 95 % confidence interval of the mean (Student's t, n - 1 degrees of freedom).
 */

// two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
  2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
  2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** Mean, sample standard deviation and 95 % confidence half-width of a list of per-episode values. */
export interface Summary {
  /** Arithmetic mean. */
  mean: number;
  /** Sample standard deviation (n - 1 in the denominator; 0 for a single value). */
  std: number;
  /** Half-width of the 95 % confidence interval of the mean (0 for a single episode). */
  ci95: number;
  /** Number of values summarised. */
  n: number;
}

/** Summarises `values` (NaN everywhere for an empty list, n = 0). */
export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, ci95: NaN, n: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, std: 0, ci95: 0, n };
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  const std = Math.sqrt(variance);
  const t = n - 1 <= T975.length ? T975[n - 2]! : 1.96;
  return { mean, std, ci95: (t * std) / Math.sqrt(n), n };
}
