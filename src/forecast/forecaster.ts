/**
 * The forecaster contract: given the history observed up to tick t, forecast a named series
 * over the next `horizon` ticks as q05 / q50 / q95 quantiles. Persistence, seasonal-naive and
 * the quantile random forest all implement it, so planners and envs can swap them by config.
 *
 * A forecaster may keep state between calls (a fitted model and its refit schedule); `reset`
 * drops it at the start of an episode so episodes never leak into each other.
 */

/** What a forecaster may look at when forecasting from tick `t`. */
export interface ForecastContext {
  /** Index of the last observed tick (history is known for ticks 0..t). */
  t: number;
  /** Ticks to forecast: t+1 .. t+horizon. */
  horizon: number;
  /** Observed history per named series ("loadKw", "pvKw", ...), each of length >= t + 1. */
  series: Readonly<Record<string, ArrayLike<number>>>;
  /** Covariates known (or themselves forecast) for ticks 0 .. t + horizon, e.g. "temperatureC". */
  covariates?: Readonly<Record<string, ArrayLike<number>>>;
  /** Calendar of a tick, from simulation time (never the wall clock). */
  calendar(tick: number): { hourOfDay: number; dayOfWeek: number; month: number };
}

/**
 * A forecast of one series over the horizon: the 5 %, 50 % and 95 % quantiles, each of length `horizon`
 * (entry i is tick t+1+i).
 */
export interface QuantileForecast {
  q05: Float64Array;
  q50: Float64Array;
  q95: Float64Array;
}

/** Anything that forecasts named series from the history in a ForecastContext (see the file header). */
export interface Forecaster {
  /** A display name ("persistence", "seasonal-naive", "quantile-forest", ...). */
  readonly name: string;
  /** Forecast series `target` for ticks t+1 .. t+horizon of `ctx`. */
  forecast(target: string, ctx: ForecastContext): QuantileForecast;
  /** Forget fitted state (called at episode start). */
  reset?(): void;
}
