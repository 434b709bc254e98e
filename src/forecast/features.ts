/**
 * The forecast features of SPEC section 1 (the seed's forecaster): for each lagged series
 * (load and PV by default) its lag 1 and lag 2, its 3-step moving average and its trend; the
 * weather covariates (temperature) at the forecast tick; and the calendar of the forecast
 * tick from simulation time (never the wall clock): sin/cos of the hour of day, of the day
 * of week and of the month, and a weekend flag.
 *
 * The features of tick tau describe what is known one tick before it, so the same function
 * builds training rows (observed lags) and recursive forecast rows (lags that are earlier
 * steps' medians). Rows are written into caller-owned typed arrays: no allocation per row.
 *
 * Conventions: dayOfWeek 0 = Monday .. 6 = Sunday (as src/data), weekend = 5 or 6;
 * month 1 = January .. 12. Trend = lag1 - lag2, the last one-step change, which trees cannot
 * form from lag1 and lag2 themselves (they split on one feature at a time).
 */
import { GymError } from "../core/errors.js";
import type { ForecastContext } from "./forecaster.js";

/** Calendar of one tick, as the forecaster contract gives it. */
export type TickCalendar = ReturnType<ForecastContext["calendar"]>;

/** Per lagged series: lag1, lag2, ma3, trend. */
export const FEATURES_PER_SERIES = 4;
/** The calendar block: hour sin/cos, day-of-week sin/cos, month sin/cos, weekend flag. */
export const CALENDAR_FEATURES = 7;
/** How many past values per series the features read (the moving average's window). */
export const LAG_WINDOW = 3;

/** Which series and covariates a feature row holds, in which column order. */
export interface FeatureLayout {
  readonly lagSeries: readonly string[];
  readonly covariates: readonly string[];
  /** Column names, e.g. `loadKw.lag1`, `temperatureC`, `hourSin`. */
  readonly names: readonly string[];
  /** Number of columns. */
  readonly count: number;
}

/** The column layout for lagged series `lagSeries` and weather covariates `covariates`. */
export function featureLayout(lagSeries: readonly string[], covariates: readonly string[]): FeatureLayout {
  const names: string[] = [];
  for (const s of lagSeries) names.push(`${s}.lag1`, `${s}.lag2`, `${s}.ma3`, `${s}.trend`);
  names.push(...covariates);
  names.push("hourSin", "hourCos", "dayOfWeekSin", "dayOfWeekCos", "monthSin", "monthCos", "weekend");
  return { lagSeries: [...lagSeries], covariates: [...covariates], names, count: names.length };
}

/**
 * Fills `recent` with the last LAG_WINDOW observed values of every lagged series before tick
 * `tau`, newest first: recent[s * 3 + j] = series_s[tau - 1 - j]. Ticks before 0 read tick 0,
 * so the first ticks of an episode still get a row (a flat history rather than none).
 */
export function fillRecent(layout: FeatureLayout, series: ForecastContext["series"], tau: number, recent: Float64Array): void {
  for (let s = 0; s < layout.lagSeries.length; s++) {
    const values = series[layout.lagSeries[s]!]!;
    for (let j = 0; j < LAG_WINDOW; j++) {
      const tick = tau - 1 - j;
      recent[s * LAG_WINDOW + j] = values[tick < 0 ? 0 : tick]!;
    }
  }
}

/** Pushes `value` as the newest past value of lagged series `s` (the recursion's feedback). */
export function pushRecent(recent: Float64Array, s: number, value: number): void {
  const base = s * LAG_WINDOW;
  for (let j = LAG_WINDOW - 1; j > 0; j--) recent[base + j] = recent[base + j - 1]!;
  recent[base] = value;
}

/**
 * Writes the feature row of one tick into `out`: column c goes to out[offset + c * stride]
 * (stride 1 for a row-major row, the row count for a column-major matrix).
 * `recent` is laid out as fillRecent leaves it; `covariateValues` holds the covariates at the
 * tick in layout order; `calendar` is the tick's own calendar.
 */
export function writeFeatures(
  layout: FeatureLayout,
  recent: Float64Array,
  covariateValues: ArrayLike<number>,
  calendar: TickCalendar,
  out: Float64Array,
  offset = 0,
  stride = 1,
): void {
  let c = 0;
  for (let s = 0; s < layout.lagSeries.length; s++) {
    const base = s * LAG_WINDOW;
    const lag1 = recent[base]!;
    const lag2 = recent[base + 1]!;
    const lag3 = recent[base + 2]!;
    out[offset + c++ * stride] = lag1;
    out[offset + c++ * stride] = lag2;
    out[offset + c++ * stride] = (lag1 + lag2 + lag3) / 3;
    out[offset + c++ * stride] = lag1 - lag2;
  }
  for (let k = 0; k < layout.covariates.length; k++) out[offset + c++ * stride] = covariateValues[k]!;
  const hourAngle = (2 * Math.PI * calendar.hourOfDay) / 24;
  const dayAngle = (2 * Math.PI * calendar.dayOfWeek) / 7;
  const monthAngle = (2 * Math.PI * (calendar.month - 1)) / 12;
  out[offset + c++ * stride] = Math.sin(hourAngle);
  out[offset + c++ * stride] = Math.cos(hourAngle);
  out[offset + c++ * stride] = Math.sin(dayAngle);
  out[offset + c++ * stride] = Math.cos(dayAngle);
  out[offset + c++ * stride] = Math.sin(monthAngle);
  out[offset + c++ * stride] = Math.cos(monthAngle);
  out[offset + c * stride] = calendar.dayOfWeek >= 5 ? 1 : 0;
}

/** Reads the covariates of tick `tick` from the context into `out`, in layout order. */
export function readCovariates(layout: FeatureLayout, ctx: ForecastContext, tick: number, out: Float64Array): void {
  for (let k = 0; k < layout.covariates.length; k++) out[k] = ctx.covariates![layout.covariates[k]!]![tick]!;
}

/**
 * Checks that `ctx` carries what `layout` reads: each lagged series observed up to ctx.t, each
 * covariate known up to ctx.t + ctx.horizon. Throws naming the missing field.
 */
export function checkContext(owner: string, layout: FeatureLayout, ctx: ForecastContext): void {
  if (!Number.isInteger(ctx.t) || ctx.t < 0) throw new GymError("FORECAST_CONTEXT", `${owner}: ctx.t must be an integer >= 0, got ${ctx.t}`);
  if (!Number.isInteger(ctx.horizon) || ctx.horizon < 1) {
    throw new GymError("FORECAST_CONTEXT", `${owner}: ctx.horizon must be an integer >= 1, got ${ctx.horizon}`);
  }
  for (const s of layout.lagSeries) {
    const values = ctx.series[s];
    if (values === undefined) throw new GymError("FORECAST_CONTEXT", `${owner}: ctx.series.${s} is missing (a lagged feature series)`);
    if (values.length < ctx.t + 1) {
      throw new GymError("FORECAST_CONTEXT", `${owner}: ctx.series.${s} must hold ticks 0..${ctx.t} (length >= ${ctx.t + 1}), got length ${values.length}`);
    }
  }
  for (const c of layout.covariates) {
    const values = ctx.covariates?.[c];
    if (values === undefined) {
      throw new GymError("FORECAST_CONTEXT", `${owner}: ctx.covariates.${c} is missing; pass it or leave "${c}" out of the covariates option`);
    }
    const need = ctx.t + ctx.horizon + 1;
    if (values.length < need) {
      throw new GymError("FORECAST_CONTEXT", `${owner}: ctx.covariates.${c} must hold ticks 0..${need - 1} (length >= ${need}), got length ${values.length}`);
    }
  }
}

/**
 * An hourly simulation calendar: tick 0 is `startUtcMs` (default Monday 2024-01-01 00:00 UTC)
 * and each tick is one hour later. Pure arithmetic on simulation time, so it never reads the
 * wall clock (the seed's calendar features did).
 */
export function hourlyCalendar(startUtcMs = Date.UTC(2024, 0, 1)): (tick: number) => TickCalendar {
  return (tick) => {
    const d = new Date(startUtcMs + tick * 3_600_000);
    return { hourOfDay: d.getUTCHours(), dayOfWeek: (d.getUTCDay() + 6) % 7, month: d.getUTCMonth() + 1 };
  };
}
