/**
 * Campus electrical load (SPEC section 1, "Load", with the seed's public-code defaults):
 * a day profile of the nominal load (80 % from 08 to 18 h, 50 % from 06 to 08 and 18 to
 * 20 h, 10 % at night), times (1 + delta) with delta ~ U[deltaMin, deltaMax] drawn each
 * tick, clamped to [clampMin, clampMax] of nominal, times a spike factor (1 unless a
 * load-spike stress event is active):
 *
 *   L = nominal * clamp(fraction(h) * (1 + delta), clampMin, clampMax) * spike
 */
import type { Rng } from "../core/rng.js";

/** Parameters of the campus load; defaults in the microgrid config. */
export interface CampusLoadParams {
  nominalKw: number;
  /** Fraction of nominal from 08 to 18 h. */
  dayFraction: number;
  /** Fraction of nominal from 06 to 08 h and from 18 to 20 h. */
  shoulderFraction: number;
  /** Fraction of nominal at night (20 to 06 h). */
  nightFraction: number;
  /** Bounds of the uniform per-tick relative delta. */
  deltaMin: number;
  deltaMax: number;
  /** Bounds of the load as a fraction of nominal, before the spike factor. */
  clampMin: number;
  clampMax: number;
}

/** Baseline fraction of nominal load at hour of day `hour` (0..23). */
export function campusLoadFraction(p: CampusLoadParams, hour: number): number {
  if (hour >= 8 && hour < 18) return p.dayFraction;
  if ((hour >= 6 && hour < 8) || (hour >= 18 && hour < 20)) return p.shoulderFraction;
  return p.nightFraction;
}

/** Load at `hour` for relative delta `delta` and spike factor `spike`, kW. */
export function campusLoadKw(p: CampusLoadParams, hour: number, delta: number, spike: number): number {
  const f = campusLoadFraction(p, hour) * (1 + delta);
  const clamped = f < p.clampMin ? p.clampMin : f > p.clampMax ? p.clampMax : f;
  return p.nominalKw * clamped * spike;
}

/**
 * Fills `loadKwOut` for ticks 0..length-1 (tick k at hour (firstHour + k) mod 24), one
 * uniform draw per tick from `rng`; `spike[k]` multiplies tick k (pass null for none).
 */
export function sampleCampusLoad(p: CampusLoadParams, rng: Rng, firstHour: number, spike: ArrayLike<number> | null, loadKwOut: Float64Array): void {
  for (let k = 0; k < loadKwOut.length; k++) {
    const delta = rng.uniform(p.deltaMin, p.deltaMax);
    loadKwOut[k] = campusLoadKw(p, (firstHour + k) % 24, delta, spike === null ? 1 : spike[k]!);
  }
}
