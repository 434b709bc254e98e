/**
 * Forecast scores: mean absolute error of the median (the forecast MAE KPI of SPEC section 1,
 * "Forecast MAE (kW) for load and PV over all planning instants"; the seed reports 7.56 kW for
 * load and 5.06 kW for PV), pinball loss of a quantile and the empirical coverage of a band,
 * plus the one empirical-quantile rule every forecaster here uses.
 */
import { GymError } from "../core/errors.js";
import type { QuantileForecast } from "./forecaster.js";

function checkSameLength(what: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) {
    throw new GymError("FORECAST_LENGTH", `${what}: series differ in length (${a.length} vs ${b.length})`);
  }
}

/**
 * Empirical quantile `q` in [0, 1] of the first `count` values of an ascending array, by linear
 * interpolation between order statistics (Hyndman-Fan type 7, numpy's default), so q05 of 100
 * tree predictions lies between the 5th and 6th smallest.
 */
export function quantileOfSorted(sorted: ArrayLike<number>, count: number, q: number): number {
  if (count <= 0) throw new GymError("FORECAST_EMPTY", "quantileOfSorted: no values");
  const h = (count - 1) * q;
  const lo = Math.floor(h);
  const hi = lo + 1 < count ? lo + 1 : lo;
  const a = sorted[lo]!;
  return a + (h - lo) * (sorted[hi]! - a);
}

/** Mean absolute error between `actual` and `predicted` (same unit as the series, e.g. kW). */
export function meanAbsoluteError(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkSameLength("meanAbsoluteError", actual, predicted);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs(actual[i]! - predicted[i]!);
  return actual.length === 0 ? 0 : sum / actual.length;
}

/**
 * Mean pinball (quantile) loss of `predicted` as the `q`-quantile of `actual`:
 * q * (y - p) when y >= p, (1 - q) * (p - y) otherwise. Half the MAE at q = 0.5.
 */
export function pinballLoss(actual: ArrayLike<number>, predicted: ArrayLike<number>, q: number): number {
  checkSameLength("pinballLoss", actual, predicted);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = actual[i]! - predicted[i]!;
    sum += d >= 0 ? q * d : (q - 1) * d;
  }
  return actual.length === 0 ? 0 : sum / actual.length;
}

/** Share of `actual` values inside [lower, upper] (both ends included). */
export function intervalCoverage(actual: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>): number {
  checkSameLength("intervalCoverage", actual, lower);
  checkSameLength("intervalCoverage", actual, upper);
  let inside = 0;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i]!;
    if (y >= lower[i]! && y <= upper[i]!) inside++;
  }
  return actual.length === 0 ? 0 : inside / actual.length;
}

/**
 * Running scores of one series' forecasts over many planning instants, e.g. the microgrid's
 * forecast MAE KPI. Each `add` scores the first `steps` ticks of one forecast against what
 * then happened; the means are over every scored tick.
 */
export class ForecastScore {
  #count = 0;
  #absError = 0;
  #pinball = 0;
  #inside = 0;

  /** Scores `forecast` against `actual` (aligned: actual[k] is the truth of forecast step k). */
  add(actual: ArrayLike<number>, forecast: QuantileForecast, steps = actual.length): void {
    if (steps > actual.length || steps > forecast.q50.length) {
      throw new GymError("FORECAST_LENGTH", `ForecastScore.add: ${steps} steps asked, ${Math.min(actual.length, forecast.q50.length)} available`);
    }
    for (let k = 0; k < steps; k++) {
      const y = actual[k]!;
      const lo = forecast.q05[k]!;
      const mid = forecast.q50[k]!;
      const hi = forecast.q95[k]!;
      this.#absError += Math.abs(y - mid);
      this.#pinball += (pinballTerm(y, lo, 0.05) + pinballTerm(y, mid, 0.5) + pinballTerm(y, hi, 0.95)) / 3;
      if (y >= lo && y <= hi) this.#inside++;
    }
    this.#count += steps;
  }

  /** Ticks scored so far. */
  get count(): number {
    return this.#count;
  }

  /** Mean absolute error of q50 (0 before any tick is scored). */
  get mae(): number {
    return this.#count === 0 ? 0 : this.#absError / this.#count;
  }

  /** Mean pinball loss averaged over q05, q50 and q95. */
  get pinball(): number {
    return this.#count === 0 ? 0 : this.#pinball / this.#count;
  }

  /** Share of ticks inside [q05, q95] (0.90 for a calibrated band). */
  get coverage(): number {
    return this.#count === 0 ? 0 : this.#inside / this.#count;
  }
}

function pinballTerm(y: number, p: number, q: number): number {
  const d = y - p;
  return d >= 0 ? q * d : (q - 1) * d;
}
