/**
 * Synthetic hourly profiles: the fallback when no measured data is wanted. Shapes are
 * stated, not fitted: a residential load with a morning and an evening peak and a
 * seasonal swing, clear-sky PV on a seasonal day length times a daily cloudiness factor,
 * and a two-peak day-ahead price with day-to-day level changes. All draws come from the
 * Rng passed in, so a seed reproduces the year.
 */
import type { Rng } from "../core/rng.js";
import type { HourlyProfiles } from "./profiles.js";

/** Options of `syntheticProfiles`. */
export interface SyntheticProfileOptions {
  /** Hours to generate. */
  hours: number;
  /** Mean community load, kW. */
  meanLoadKw: number;
  /** Installed PV, kWp. */
  pvPeakKw: number;
  /** Mean price, EUR/kWh. */
  meanPriceEurPerKwh: number;
}

/**
 * Generates `opts.hours` hourly load (kW), PV (kW) and price (EUR/kWh) values starting at hour 0 of day 0
 * (weekday index 0), drawing only from `rng`: the same seed gives the same profiles.
 */
export function syntheticProfiles(opts: SyntheticProfileOptions, rng: Rng): HourlyProfiles {
  const n = opts.hours;
  const loadKw = new Float64Array(n);
  const pvKw = new Float64Array(n);
  const priceEurPerKwh = new Float64Array(n);
  const hourOfDay = new Uint8Array(n);
  const weekday = new Uint8Array(n);
  let cloud = 1;
  let priceLevel = 1;
  for (let t = 0; t < n; t++) {
    const h = t % 24;
    const day = Math.floor(t / 24);
    hourOfDay[t] = h;
    weekday[t] = day % 7;
    if (h === 0) {
      cloud = Math.min(1, Math.max(0.15, 0.75 + 0.3 * rng.normal()));
      priceLevel = Math.max(0.3, 1 + 0.2 * rng.normal());
    }
    const season = Math.cos((2 * Math.PI * day) / 365);
    const shape = 0.6 + 0.35 * Math.exp(-((h - 8) ** 2) / 4) + 0.6 * Math.exp(-((h - 19) ** 2) / 6);
    loadKw[t] = opts.meanLoadKw * shape * (1 + 0.15 * season) / 0.9 * (1 + 0.05 * rng.normal());
    const halfDay = 6 + 2 * -season;
    const x = (h + 0.5 - 12) / halfDay;
    pvKw[t] = Math.abs(x) < 1 ? opts.pvPeakKw * Math.cos((Math.PI / 2) * x) ** 2 * cloud : 0;
    const priceShape = 0.8 + 0.35 * Math.exp(-((h - 8) ** 2) / 3) + 0.5 * Math.exp(-((h - 19) ** 2) / 4)
      - 0.25 * Math.exp(-((h - 13) ** 2) / 6);
    priceEurPerKwh[t] = opts.meanPriceEurPerKwh * priceLevel * priceShape + 0.01 * rng.normal();
  }
  return { loadKw, pvKw, priceEurPerKwh, hourOfDay, weekday, length: n };
}
