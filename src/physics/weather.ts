/**
 * Campus weather: global horizontal irradiance and ambient temperature as diurnal
 * sinusoids with Gaussian noise (SPEC section 1, "Weather", with the seed's public-code
 * defaults):
 *
 *   G  = gPeak * sin(pi * (h - sunrise) / (sunset - sunrise)) * (1 + N(0, sigmaG)),
 *        0 outside (sunrise, sunset), clipped at 0
 *   Ta = (Td + Tn) / 2 + (Td - Tn) / 2 * sin(pi * (h - tempMinHour) / 12) + N(0, sigmaT)
 *
 * with h = tick mod 24 (ticks of one hour). Panels are horizontal, so the plane-of-array
 * irradiance equals G. Both normal draws are taken every tick, day or night, so the noise
 * stream never depends on which ticks are daylight.
 */
import type { Rng } from "../core/rng.js";

/** Parameters of the diurnal weather model; defaults in the microgrid config. */
export interface WeatherParams {
  /** Hour of day the sun rises (G > 0 strictly after it). */
  sunriseHour: number;
  /** Hour of day the sun sets (G > 0 strictly before it). */
  sunsetHour: number;
  /** Clear-sky irradiance at solar noon, W/m2. */
  peakIrradianceWPerM2: number;
  /** Relative standard deviation of the multiplicative irradiance noise. */
  irradianceSigma: number;
  /** Daytime mean temperature Td, C. */
  tempMeanDayC: number;
  /** Night-time mean temperature Tn, C. */
  tempMeanNightC: number;
  /** Phase hour of the temperature sinusoid (the seed's tempMinTick). */
  tempMinHour: number;
  /** Standard deviation of the additive temperature noise, C. */
  tempSigmaC: number;
}

/** Clear-sky irradiance (no noise) at hour of day `hour`, W/m2. */
export function clearSkyIrradianceWPerM2(p: WeatherParams, hour: number): number {
  if (hour <= p.sunriseHour || hour >= p.sunsetHour) return 0;
  return p.peakIrradianceWPerM2 * Math.sin((Math.PI * (hour - p.sunriseHour)) / (p.sunsetHour - p.sunriseHour));
}

/** Irradiance at `hour` with the standard-normal draw `z`, clipped at 0, W/m2. */
export function irradianceWPerM2(p: WeatherParams, hour: number, z: number): number {
  const g = clearSkyIrradianceWPerM2(p, hour) * (1 + p.irradianceSigma * z);
  return g > 0 ? g : 0;
}

/** Ambient temperature at `hour` with the standard-normal draw `z`, C. */
export function ambientTemperatureC(p: WeatherParams, hour: number, z: number): number {
  const mean = (p.tempMeanDayC + p.tempMeanNightC) / 2;
  const amplitude = (p.tempMeanDayC - p.tempMeanNightC) / 2;
  return mean + amplitude * Math.sin((Math.PI * (hour - p.tempMinHour)) / 12) + p.tempSigmaC * z;
}

/**
 * Fills `irradiance` and `temperature` for ticks 0..length-1 (tick k at hour
 * (firstHour + k) mod 24), drawing two normals per tick from `rng` (irradiance first).
 */
export function sampleWeather(
  p: WeatherParams,
  rng: Rng,
  firstHour: number,
  irradianceWPerM2Out: Float64Array,
  temperatureCOut: Float64Array,
): void {
  for (let k = 0; k < irradianceWPerM2Out.length; k++) {
    const hour = (firstHour + k) % 24;
    irradianceWPerM2Out[k] = irradianceWPerM2(p, hour, rng.normal());
    temperatureCOut[k] = ambientTemperatureC(p, hour, rng.normal());
  }
}
