/**
 * Naive forecasters, the baselines any learned forecaster must beat (SPEC section 1 names the
 * random forest; these are the references for its forecast MAE):
 * - persistence: every step repeats the last observed value, y[t + k] = y[t];
 * - seasonal naive (period P, 24 for hourly data): y[t + k] = y[t + k - P * ceil(k / P)], the
 *   same hour of the last observed period.
 * Persistence is seasonal naive with P = 1, so one class implements both.
 *
 * Quantiles come from the forecaster's own past errors: for step k, the errors
 * e = y[tau] - y[tau - L_k] (L_k = P * ceil(k / P), the step's look-back) over the last
 * `errorWindow` observed ticks; q05 and q95 add their empirical 5 % and 95 % quantiles to the
 * point forecast and q50 is the point forecast itself. With no past error yet (t < L_k) the
 * band has zero width. Before a full period is observed, seasonal naive repeats y[t]. The band
 * always contains the point (an offset of the wrong sign is taken as 0), so q05 <= q50 <= q95.
 *
 * The two quantiles read only the order statistics around ranks 5 % and 95 % of the window, so
 * they are found by a partial selection (the few smallest and largest errors) instead of a full
 * sort: the same values, in the same order as Float64Array#sort (-0 before +0); a window with
 * NaN or too short for the selection to pay is sorted as before.
 */
import { GymError } from "../core/errors.js";
import type { ForecastContext, Forecaster, QuantileForecast } from "./forecaster.js";
import { quantileOfSorted } from "./metrics.js";

/** Options shared by the naive forecasters. */
export interface NaiveOptions {
  /** Past ticks whose errors give the quantiles (SPEC's training window: 168 h). */
  errorWindow: number;
  /** Floor applied to every quantile (0 for power that cannot be negative); null for none. */
  lowerBound: number | null;
}

const DEFAULT_NAIVE: NaiveOptions = { errorWindow: 168, lowerBound: 0 };

/** Seasonal-naive forecaster with empirical error quantiles; period 1 is persistence. */
export class SeasonalNaiveForecaster implements Forecaster {
  readonly name: string;
  readonly #period: number;
  readonly #options: NaiveOptions;
  #errors = new Float64Array(0);
  // the smallest (ascending) and largest (descending) errors of the window, for the quantiles
  #smallest = new Float64Array(0);
  #largest = new Float64Array(0);
  #errorsHaveNaN = false;
  #lowOffset = 0;
  #highOffset = 0;

  /** `period` in ticks (24 for hourly data, 1 for persistence). */
  constructor(period: number, options: Partial<NaiveOptions> = {}, name = period === 1 ? "persistence" : "seasonal-naive") {
    if (!Number.isInteger(period) || period < 1) throw new GymError("FORECAST_OPTION", `${name}: period must be an integer >= 1, got ${period}`);
    this.#period = period;
    this.#options = { ...DEFAULT_NAIVE, ...options };
    this.name = name;
  }

  forecast(target: string, ctx: ForecastContext): QuantileForecast {
    const y = ctx.series[target];
    if (y === undefined) throw new GymError("FORECAST_CONTEXT", `${this.name}: ctx.series.${target} is missing`);
    const { t, horizon } = ctx;
    if (!Number.isInteger(t) || t < 0 || y.length < t + 1) {
      throw new GymError("FORECAST_CONTEXT", `${this.name}: ctx.series.${target} must hold ticks 0..${t} with t an integer >= 0, got t = ${t}, length ${y.length}`);
    }
    if (!Number.isInteger(horizon) || horizon < 1) {
      throw new GymError("FORECAST_CONTEXT", `${this.name}: ctx.horizon must be an integer >= 1, got ${horizon}`);
    }
    const q05 = new Float64Array(horizon);
    const q50 = new Float64Array(horizon);
    const q95 = new Float64Array(horizon);
    if (this.#errors.length < this.#options.errorWindow) {
      this.#errors = new Float64Array(this.#options.errorWindow);
      this.#smallest = new Float64Array(this.#options.errorWindow);
      this.#largest = new Float64Array(this.#options.errorWindow);
    }
    const floor = this.#options.lowerBound ?? -Infinity;
    let bandLag = -1;
    let lowOffset = 0;
    let highOffset = 0;
    for (let k = 1; k <= horizon; k++) {
      const lag = this.#period * Math.ceil(k / this.#period);
      const source = t + k - lag;
      const point = source >= 0 ? y[source]! : y[t]!;
      // every step of one period shares its look-back, so its error quantiles are computed once
      if (lag !== bandLag) {
        bandLag = lag;
        const count = this.#fillErrors(y, t, lag);
        if (count === 0) {
          lowOffset = 0;
          highOffset = 0;
        } else {
          this.#errorQuantiles(count);
          lowOffset = this.#lowOffset;
          highOffset = this.#highOffset;
        }
      }
      q50[k - 1] = Math.max(floor, point);
      q05[k - 1] = Math.max(floor, Math.min(point, point + lowOffset));
      q95[k - 1] = Math.max(floor, Math.max(point, point + highOffset));
    }
    return { q05, q50, q95 };
  }

  /** Writes the errors of look-back `lag` over the window ending at t; returns their count. */
  #fillErrors(y: ArrayLike<number>, t: number, lag: number): number {
    const first = Math.max(lag, t - this.#options.errorWindow + 1);
    let n = 0;
    let nan = false;
    for (let tau = first; tau <= t; tau++) {
      const e = y[tau]! - y[tau - lag]!;
      if (e !== e) nan = true;
      this.#errors[n++] = e;
    }
    this.#errorsHaveNaN = nan;
    return n;
  }

  /**
   * The 5 % and 95 % quantiles (quantileOfSorted's rule) of the first `count` errors, into
   * #lowOffset and #highOffset: from the order statistics they read, selected without sorting.
   */
  #errorQuantiles(count: number): void {
    const hLow = (count - 1) * 0.05;
    const loLow = Math.floor(hLow);
    const hiLow = loLow + 1 < count ? loLow + 1 : loLow;
    const hHigh = (count - 1) * 0.95;
    const loHigh = Math.floor(hHigh);
    const hiHigh = loHigh + 1 < count ? loHigh + 1 : loHigh;
    const k = hiLow + 1; // ranks 0..hiLow: the k smallest
    const m = count - loHigh; // ranks loHigh..count-1: the m largest
    if (this.#errorsHaveNaN || count < 32 || 4 * (k + m) > count) {
      const sorted = this.#errors.subarray(0, count).sort();
      this.#lowOffset = quantileOfSorted(sorted, count, 0.05);
      this.#highOffset = quantileOfSorted(sorted, count, 0.95);
      return;
    }
    const e = this.#errors;
    const small = this.#smallest;
    const large = this.#largest;
    // the k smallest, ascending: start from the first k, then insert whatever sorts before the k-th
    for (let i = 0; i < k; i++) {
      const x = e[i]!;
      let j = i;
      while (j > 0 && sortsBefore(x, small[j - 1]!)) {
        small[j] = small[j - 1]!;
        j--;
      }
      small[j] = x;
    }
    let kth = small[k - 1]!;
    for (let i = k; i < count; i++) {
      const x = e[i]!;
      if (x > kth || (x === kth && !sortsBefore(x, kth))) continue;
      let j = k - 1;
      while (j > 0 && sortsBefore(x, small[j - 1]!)) {
        small[j] = small[j - 1]!;
        j--;
      }
      small[j] = x;
      kth = small[k - 1]!;
    }
    // the m largest, descending: likewise with the order reversed
    for (let i = 0; i < m; i++) {
      const x = e[i]!;
      let j = i;
      while (j > 0 && sortsBefore(large[j - 1]!, x)) {
        large[j] = large[j - 1]!;
        j--;
      }
      large[j] = x;
    }
    let mth = large[m - 1]!;
    for (let i = m; i < count; i++) {
      const x = e[i]!;
      if (x < mth || (x === mth && !sortsBefore(mth, x))) continue;
      let j = m - 1;
      while (j > 0 && sortsBefore(large[j - 1]!, x)) {
        large[j] = large[j - 1]!;
        j--;
      }
      large[j] = x;
      mth = large[m - 1]!;
    }
    // sorted[r] is small[r] for r < k and large[count - 1 - r] for r >= loHigh
    const a = small[loLow]!;
    this.#lowOffset = a + (hLow - loLow) * (small[hiLow]! - a);
    const b = large[count - 1 - loHigh]!;
    this.#highOffset = b + (hHigh - loHigh) * (large[count - 1 - hiHigh]! - b);
  }
}

/** True when `a` sorts before `b` in Float64Array#sort's order without NaN: numeric, -0 before +0. */
function sortsBefore(a: number, b: number): boolean {
  return a < b || (a === 0 && b === 0 && 1 / a < 1 / b);
}

/** Persistence: y[t + k] = y[t], with empirical k-step error quantiles. */
export function persistenceForecaster(options: Partial<NaiveOptions> = {}): SeasonalNaiveForecaster {
  return new SeasonalNaiveForecaster(1, options, "persistence");
}

/** Seasonal naive with period `period` (24 h by default), with empirical error quantiles. */
export function seasonalNaiveForecaster(period = 24, options: Partial<NaiveOptions> = {}): SeasonalNaiveForecaster {
  return new SeasonalNaiveForecaster(period, options, "seasonal-naive");
}
