/**
 * Battery energy storage with symmetric conversion losses (SPEC section 3, eq. 1g):
 *
 *   e[t] = e[t-1] + (p_in * sqrt(eta) - p_out / sqrt(eta)) * dt
 *
 * where eta is the round-trip efficiency, p_in the charging and p_out the discharging
 * power at the AC terminals (kW), e the stored energy (kWh), limited to [0, capacity],
 * and |p| <= maxPowerKw. Efficiency is applied once per direction, never twice.
 *
 * Power sign convention: positive charges, negative discharges.
 */

export interface BatteryParams {
  capacityKwh: number;
  maxPowerKw: number;
  /** Round-trip efficiency in (0, 1]; sqrt(eta) is applied on each way. */
  efficiency: number;
}

/**
 * The power closest to `requestedKw` the battery can follow for `dtHours` from `energyKwh`:
 * within +-maxPowerKw, not charging beyond capacity, not discharging below empty.
 */
export function feasibleBatteryPowerKw(p: BatteryParams, energyKwh: number, requestedKw: number, dtHours: number): number {
  const s = Math.sqrt(p.efficiency);
  if (requestedKw > 0) {
    const headroomKw = (p.capacityKwh - energyKwh) / (s * dtHours);
    return Math.max(0, Math.min(requestedKw, p.maxPowerKw, headroomKw));
  }
  if (requestedKw < 0) {
    const availableKw = (energyKwh * s) / dtHours;
    const dischargeKw = Math.max(0, Math.min(-requestedKw, p.maxPowerKw, availableKw));
    return dischargeKw > 0 ? -dischargeKw : 0;
  }
  return 0;
}

/** Stored energy after applying a feasible power `appliedKw` for `dtHours`. */
export function nextBatteryEnergyKwh(p: BatteryParams, energyKwh: number, appliedKw: number, dtHours: number): number {
  const s = Math.sqrt(p.efficiency);
  const next = appliedKw >= 0 ? energyKwh + appliedKw * s * dtHours : energyKwh + (appliedKw / s) * dtHours;
  // a feasible power lands on the bound up to rounding; keep the state exactly inside
  return next < 0 ? 0 : next > p.capacityKwh ? p.capacityKwh : next;
}

/** Energy lost in conversion while applying `appliedKw` for `dtHours` (kWh, >= 0). */
export function batteryLossKwh(p: BatteryParams, appliedKw: number, dtHours: number): number {
  const s = Math.sqrt(p.efficiency);
  return appliedKw >= 0 ? appliedKw * (1 - s) * dtHours : -appliedKw * (1 / s - 1) * dtHours;
}
