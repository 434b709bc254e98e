/**
 * Synthetic series for the forecast tests: a daily load sinusoid with Gaussian noise, midday
 * PV and a diurnal temperature, all seeded, wrapped in a ForecastContext.
 */
import { Rng } from "../../src/core/rng.js";
import { hourlyCalendar, type ForecastContext } from "../../src/forecast/index.js";

export const LOAD_MEAN_KW = 50;
export const LOAD_AMPLITUDE_KW = 20;
export const LOAD_NOISE_KW = 2;

export interface DailySeries {
  loadKw: Float64Array;
  pvKw: Float64Array;
  temperatureC: Float64Array;
}

/** `ticks` hours: load = 50 + 20 sin(2 pi h / 24) + N(0, 2) kW, PV a noisy half-sine 6-18 h. */
export function dailySeries(ticks: number, seed = 7): DailySeries {
  const rng = new Rng(seed, "forecast-test");
  const loadKw = new Float64Array(ticks);
  const pvKw = new Float64Array(ticks);
  const temperatureC = new Float64Array(ticks);
  for (let t = 0; t < ticks; t++) {
    const h = t % 24;
    loadKw[t] = LOAD_MEAN_KW + LOAD_AMPLITUDE_KW * Math.sin((2 * Math.PI * h) / 24) + LOAD_NOISE_KW * rng.normal();
    pvKw[t] = h > 6 && h < 18 ? Math.max(0, 30 * Math.sin((Math.PI * (h - 6)) / 12) * (1 + 0.1 * rng.normal())) : 0;
    temperatureC[t] = 20 + 5 * Math.sin((Math.PI * (h - 5)) / 12) + 0.5 * rng.normal();
  }
  return { loadKw, pvKw, temperatureC };
}

/** A context at tick t over `horizon` ticks of `data`. */
export function contextAt(data: DailySeries, t: number, horizon: number): ForecastContext {
  return {
    t,
    horizon,
    series: { loadKw: data.loadKw, pvKw: data.pvKw },
    covariates: { temperatureC: data.temperatureC },
    calendar: hourlyCalendar(),
  };
}
