/**
 * The shape every exogenous data source hands an environment: aligned hourly series
 * with their calendar. Sources: bundled measured data, a user CSV, synthetic generators.
 */
export interface HourlyProfiles {
  loadKw: Float64Array;
  pvKw: Float64Array;
  priceEurPerKwh: Float64Array;
  /** 0..23, local wall clock. */
  hourOfDay: Uint8Array;
  /** 0 = Monday .. 6 = Sunday. */
  weekday: Uint8Array;
  length: number;
}
