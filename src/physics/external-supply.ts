/**
 * External supply: the campus's grid connection (SPEC section 1, "External supply"). It
 * can import or export up to its capacity at a unit cost (export earns `exportPricePerKwh`,
 * 0 by default); during a blackout it offers nothing either way. `availability` scales the
 * capacity: 1 normal, 0 blackout, in between a partial outage.
 *
 * The unit cost is fixed (the seed's tariff) unless `importCostByHourPerKwh` gives one per hour
 * of the day (a time-of-use tariff; see `touImportCostByHour`).
 */

/** Grid connection parameters; defaults in the microgrid config (SPEC: 100 kW, 5.0 per kWh). */
export interface ExternalSupplyParams {
  capacityKw: number;
  /** Price of imported energy, currency per kWh. */
  costPerKwh: number;
  /** Price paid for exported energy, currency per kWh. */
  exportPricePerKwh: number;
  /** Import cost per hour of the day (24 entries), replacing `costPerKwh` when present. */
  importCostByHourPerKwh?: ArrayLike<number>;
}

/** Import cost of a kWh bought at `hourOfDay` (0-23). */
export function importCostPerKwh(p: ExternalSupplyParams, hourOfDay: number): number {
  return p.importCostByHourPerKwh?.[hourOfDay] ?? p.costPerKwh;
}

/**
 * A two-level time-of-use tariff as 24 hourly import costs: `peakCostPerKwh` for the hours in
 * [peakStartHour, peakEndHour), `offPeakCostPerKwh` otherwise.
 */
export function touImportCostByHour(offPeakCostPerKwh: number, peakCostPerKwh: number, peakStartHour: number, peakEndHour: number): Float64Array {
  const out = new Float64Array(24).fill(offPeakCostPerKwh);
  for (let h = peakStartHour; h < peakEndHour; h++) out[h] = peakCostPerKwh;
  return out;
}

/** Power the grid can deliver (or take) this tick, kW. */
export function availableGridKw(p: ExternalSupplyParams, availability: number): number {
  const a = availability < 0 ? 0 : availability > 1 ? 1 : availability;
  return p.capacityKw * a;
}

/**
 * Cost of importing `importKw` and exporting `exportKw` for `dtHours` at `hourOfDay`
 * (currency; export revenue negative).
 */
export function gridCost(p: ExternalSupplyParams, importKw: number, exportKw: number, dtHours: number, hourOfDay = 0): number {
  return (importCostPerKwh(p, hourOfDay) * importKw - p.exportPricePerKwh * exportKw) * dtHours;
}
