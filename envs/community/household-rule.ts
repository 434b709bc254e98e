/**
 * The rule-based household controller of the local energy community (issue #6): what a
 * household without a learning agent does each hour. Used by CommunityBatteryGrid-v0 for every
 * household and by the myopic baseline of Community-v0.
 *
 * - EV: charges on arrival at full rate until its energy is met (the uncontrolled profile):
 *   min(maxChargeKw, energy still needed / eta_c); no V2G.
 * - flexible load: at its baseline, full power from the window's start until the day's energy
 *   is served: min(maxPowerKw, energy left).
 * - home battery: self-consumption: it charges the surplus PV (pv - load - EV - flex) and
 *   serves the deficit, as far as its power and state of charge allow.
 * - P2P limit price: 0.5, the midpoint of the hour's [export, import] price band.
 *
 * It reads only the household's own observation (HOUSEHOLD_OBSERVATION_INDEX) and specs. This
 * file also holds the layouts of a household's observation and action, which the rule reads and
 * writes; planners get both, and the rule, through contract.ts.
 */
import { storageMaxChargeKw, storageMaxDischargeKw } from "../../src/physics/battery.js";
import type { HouseholdSpec } from "./households.js";

/** Where each quantity sits in a household's observation (Community-v0); published in the reset info. */
export const HOUSEHOLD_OBSERVATION_INDEX = Object.freeze({
  hourSin: 0,
  hourCos: 1,
  weekdaySin: 2,
  weekdayCos: 3,
  /** t / episode steps. */
  progress: 4,
  /** Base load this hour, kW. */
  loadKw: 5,
  /** PV output this hour, kW. */
  pvKw: 6,
  /** Home battery stored energy / capacity (0 without one). */
  batterySoc: 7,
  /** 1 while the EV is plugged in this hour. */
  evPlugged: 8,
  /** Stored energy of the plugged-in EV, kWh. */
  evEnergyKwh: 9,
  /** Energy still to store before departure, kWh. */
  evNeededKwh: 10,
  /** Hours until the EV leaves (0 when not plugged in). */
  evHoursToDeparture: 11,
  /** 1 inside today's flexible-load window. */
  flexInWindow: 12,
  /** Energy the flexible load still has to consume in the current (or today's next) window, kWh. */
  flexEnergyLeftKwh: 13,
  /** Hours until the current window closes, this one included (0 outside a window). */
  flexHoursLeft: 14,
  spotEurPerKwh: 15,
  importPriceEurPerKwh: 16,
  exportPriceEurPerKwh: 17,
  /** PCC voltage of the previous hour's power flow, p.u. (slack voltage before the first hour). */
  lastPccVoltagePu: 18,
  /** PCC power of the previous hour, kW (import > 0). */
  lastPccPowerKw: 19,
  /** This household's bus voltage of the previous hour, p.u. (the PCC's without an LV feeder). */
  lastBusVoltagePu: 20,
  /** Change of net consumption requested by activated flexibility contracts this hour, kW. */
  flexRequestedKw: 21,
  /** Community battery stored energy / capacity (0 without one). */
  communityBatterySoc: 22,
  size: 23,
});

/** Where each quantity sits in a household's action (Community-v0); published in the reset info. */
export const HOUSEHOLD_ACTION_INDEX = Object.freeze({
  /** Home battery AC power, kW, positive charges; [0, 0] without a battery. */
  batteryKw: 0,
  /** EV charger AC power, kW, positive charges, negative V2G; [0, 0] without an EV. */
  evKw: 1,
  /** Flexible load power, kW, [0, maxPowerKw]; [0, 0] without one. */
  flexKw: 2,
  /** P2P limit price as a position in [export, import] price of the hour, [0, 1]; fixed when P2P is off or at midpoint. */
  p2pPricePosition: 3,
  size: 4,
});

/**
 * Writes the rule's action for one household into `out` at `offset` (4 numbers, in the layout of
 * HOUSEHOLD_ACTION_INDEX), inside `[low, high]` of its action space.
 */
export function householdRuleAction(
  spec: HouseholdSpec, obs: ArrayLike<number>, low: ArrayLike<number>, high: ArrayLike<number>, out: Float32Array | Float64Array, offset = 0,
): void {
  const O = HOUSEHOLD_OBSERVATION_INDEX;
  let evKw = 0;
  if (spec.ev !== null && obs[O.evPlugged]! > 0.5) {
    const need = obs[O.evNeededKwh]! / spec.ev.params.chargeEfficiency;
    evKw = need < spec.ev.params.maxChargeKw ? need : spec.ev.params.maxChargeKw;
  }
  let flexKw = 0;
  if (spec.flex !== null && obs[O.flexInWindow]! > 0.5) {
    const left = obs[O.flexEnergyLeftKwh]!;
    flexKw = left < spec.flex.maxPowerKw ? left : spec.flex.maxPowerKw;
  }
  let batteryKw = 0;
  if (spec.battery !== null) {
    const p = spec.battery.params;
    const energyKwh = obs[O.batterySoc]! * p.capacityKwh;
    const surplusKw = obs[O.pvKw]! - obs[O.loadKw]! - evKw - flexKw;
    batteryKw = surplusKw > 0 ? Math.min(surplusKw, storageMaxChargeKw(p, energyKwh, 1)) : -Math.min(-surplusKw, storageMaxDischargeKw(p, energyKwh, 1));
  }
  out[offset] = clipTo(batteryKw, low[0]!, high[0]!);
  out[offset + 1] = clipTo(evKw, low[1]!, high[1]!);
  out[offset + 2] = clipTo(flexKw, low[2]!, high[2]!);
  out[offset + 3] = clipTo(0.5, low[3]!, high[3]!);
}

function clipTo(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
