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
  /**
   * The caller's promise that since the forecaster was made or last reset, every series passed
   * under a name only grew: ticks passed before hold the values they held then (an env's
   * observed history). A forecaster may then keep what it computed from them without reading
   * them again (the naive forecasters' error windows). Default false: such state is checked
   * against the series at every call.
   */
  appendOnly?: boolean;
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
  /**
   * forecast() written into `out`'s arrays (each of length ctx.horizon), returning `out`: for a
   * caller that forecasts every tick into arrays it keeps (the microgrid's forecast agent), where
   * three new arrays per call were ~20 % of an incremental persistence forecast.
   */
  forecastInto?(target: string, ctx: ForecastContext, out: QuantileForecast): QuantileForecast;
  /** Forget fitted state (called at episode start). */
  reset?(): void;
}
