/**
 * Battery energy storage: two models, one per SPEC equation.
 *
 * 1. Symmetric conversion losses (SPEC section 3, eq. 1g), `BatteryParams`:
 *
 *   e[t] = e[t-1] + (p_in * sqrt(eta) - p_out / sqrt(eta)) * dt
 *
 *    where eta is the round-trip efficiency, p_in the charging and p_out the discharging
 *    power at the AC terminals (kW), e the stored energy (kWh), limited to [0, capacity],
 *    and |p| <= maxPowerKw. Efficiency is applied once per direction, never twice.
 *
 * 2. The general storage model of the campus microgrid (SPEC section 1, "Battery", eq. 3),
 *    `StorageParams`:
 *
 *   E[t+1] = E[t] + eta_c * P_ch * dt - P_dis * dt / eta_d - E_self * dt,  E_self = sigma * E[t]
 *
 *    with separate charge and discharge efficiencies, a C-rate power limit (both ways:
 *    P_ch, P_dis <= cRate * capacity) and SoC bounds. Self-discharge uses the stored energy
 *    as its base (sigma per hour times E[t], not times the capacity), so an empty battery
 *    loses nothing. The SoC bounds limit what the battery's power may do: charging never
 *    takes E above maxSoc * capacity, discharging never below minSoc * capacity; an idle
 *    battery sitting at minSoc may still drift below it by self-discharge (never below 0),
 *    as a real cell does.
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

/**
 * A fraction in [-1, 1] of the power the battery can follow this step, in kW: the share of the
 * feasible charge (> 0) or discharge (< 0) power at `energyKwh`, so every fraction is feasible.
 */
export function feasibleFractionKw(p: BatteryParams, energyKwh: number, fraction: number, dtHours: number): number {
  if (fraction === 0) return 0;
  return Math.abs(fraction) * feasibleBatteryPowerKw(p, energyKwh, fraction > 0 ? p.maxPowerKw : -p.maxPowerKw, dtHours);
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

/** The campus storage model (SPEC eq. 3); see the file header. */
export interface StorageParams {
  capacityKwh: number;
  /** eta_c in (0, 1]: share of the AC charging energy that is stored. */
  chargeEfficiency: number;
  /** eta_d in (0, 1]: AC energy delivered per unit of stored energy withdrawn. */
  dischargeEfficiency: number;
  /** Power limit as a multiple of capacity per hour (1: full power empties it in one hour). */
  cRatePerHour: number;
  /** sigma: fraction of the stored energy lost per hour by self-discharge. */
  selfDischargePerHour: number;
  /** Lowest state of charge the battery's own discharge may reach, in [0, 1). */
  minSoc: number;
  /** Highest state of charge charging may reach, in (minSoc, 1]. */
  maxSoc: number;
}

/** Power limit of the terminals, kW (C-rate times capacity). */
export function storagePowerLimitKw(p: StorageParams): number {
  return p.cRatePerHour * p.capacityKwh;
}

/** Energy lost to self-discharge over `dtHours` from `energyKwh` (kWh, >= 0). */
export function selfDischargeKwh(p: StorageParams, energyKwh: number, dtHours: number): number {
  const loss = p.selfDischargePerHour * energyKwh * dtHours;
  return loss < energyKwh ? loss : energyKwh;
}

/** Largest AC charging power the battery can follow for `dtHours` from `energyKwh`, kW. */
export function storageMaxChargeKw(p: StorageParams, energyKwh: number, dtHours: number): number {
  const afterSelfKwh = energyKwh - selfDischargeKwh(p, energyKwh, dtHours);
  const headroomKw = (p.maxSoc * p.capacityKwh - afterSelfKwh) / (p.chargeEfficiency * dtHours);
  const limitKw = p.cRatePerHour * p.capacityKwh;
  const kw = headroomKw < limitKw ? headroomKw : limitKw;
  return kw > 0 ? kw : 0;
}

/** Largest AC discharging power the battery can deliver for `dtHours` from `energyKwh`, kW (>= 0). */
export function storageMaxDischargeKw(p: StorageParams, energyKwh: number, dtHours: number): number {
  const afterSelfKwh = energyKwh - selfDischargeKwh(p, energyKwh, dtHours);
  const availableKw = ((afterSelfKwh - p.minSoc * p.capacityKwh) * p.dischargeEfficiency) / dtHours;
  const limitKw = p.cRatePerHour * p.capacityKwh;
  const kw = availableKw < limitKw ? availableKw : limitKw;
  return kw > 0 ? kw : 0;
}

/**
 * Stored energy after charging at `chargeKw` and discharging at `dischargeKw` (both >= 0,
 * within the limits above) for `dtHours`, SPEC eq. 3.
 */
export function nextStorageEnergyKwh(p: StorageParams, energyKwh: number, chargeKw: number, dischargeKw: number, dtHours: number): number {
  const next = energyKwh - selfDischargeKwh(p, energyKwh, dtHours)
    + p.chargeEfficiency * chargeKw * dtHours - (dischargeKw * dtHours) / p.dischargeEfficiency;
  const maxKwh = p.maxSoc * p.capacityKwh;
  // a limit-sized flow lands on the bound up to rounding; keep the state exactly inside
  if (next > maxKwh && chargeKw > 0) return maxKwh;
  const minKwh = p.minSoc * p.capacityKwh;
  if (next < minKwh && dischargeKw > 0) return minKwh;
  return next < 0 ? 0 : next;
}

/** Conversion losses of charging at `chargeKw` and discharging at `dischargeKw` for `dtHours` (kWh, >= 0; self-discharge excluded). */
export function storageConversionLossKwh(p: StorageParams, chargeKw: number, dischargeKw: number, dtHours: number): number {
  return (chargeKw * (1 - p.chargeEfficiency) + dischargeKw * (1 / p.dischargeEfficiency - 1)) * dtHours;
}
