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
    if (this.#errors.length < this.#options.errorWindow) this.#errors = new Float64Array(this.#options.errorWindow);
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
          const sorted = this.#errors.subarray(0, count).sort();
          lowOffset = quantileOfSorted(sorted, count, 0.05);
          highOffset = quantileOfSorted(sorted, count, 0.95);
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
    for (let tau = first; tau <= t; tau++) this.#errors[n++] = y[tau]! - y[tau - lag]!;
    return n;
  }
}

/** Persistence: y[t + k] = y[t], with empirical k-step error quantiles. */
export function persistenceForecaster(options: Partial<NaiveOptions> = {}): SeasonalNaiveForecaster {
  return new SeasonalNaiveForecaster(1, options, "persistence");
}

/** Seasonal naive with period `period` (24 h by default), with empirical error quantiles. */
export function seasonalNaiveForecaster(period = 24, options: Partial<NaiveOptions> = {}): SeasonalNaiveForecaster {
  return new SeasonalNaiveForecaster(period, options, "seasonal-naive");
}
