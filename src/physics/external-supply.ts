/**
 * External supply: the campus's grid connection (SPEC section 1, "External supply"). It
 * can import or export up to its capacity at a fixed unit cost (export earns
 * `exportPricePerKwh`, 0 by default); during a blackout it offers nothing either way.
 * `availability` scales the capacity: 1 normal, 0 blackout, in between a partial outage.
 */

/** Grid connection parameters; defaults in the microgrid config (SPEC: 100 kW, 5.0 per kWh). */
export interface ExternalSupplyParams {
  capacityKw: number;
  /** Price of imported energy, currency per kWh. */
  costPerKwh: number;
  /** Price paid for exported energy, currency per kWh. */
  exportPricePerKwh: number;
}

/** Power the grid can deliver (or take) this tick, kW. */
export function availableGridKw(p: ExternalSupplyParams, availability: number): number {
  const a = availability < 0 ? 0 : availability > 1 ? 1 : availability;
  return p.capacityKw * a;
}

/** Cost of importing `importKw` and exporting `exportKw` for `dtHours` (currency; export revenue negative). */
export function gridCost(p: ExternalSupplyParams, importKw: number, exportKw: number, dtHours: number): number {
  return (p.costPerKwh * importKw - p.exportPricePerKwh * exportKw) * dtHours;
}
