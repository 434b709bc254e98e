/**
 * What the microgrid planners (predictive, oracle) read from Microgrid-v0's reset and step
 * info: the observation index map, battery parameters, grid limits and the episode's timing,
 * checked once per episode with zod (never per step). Also the float32-safe set-point rule the
 * planners share: the env's action space is float32, and a set-point rounded away from zero
 * could ask a battery for a hair more than it can do.
 */
import { z } from "zod";
import type { Info } from "../../src/core/env.js";
import { ResetNeededError, parseConfig } from "../../src/core/errors.js";
import type { MicrogridLpBattery } from "../../src/planning/microgrid-lp.js";

const microgridInfoSchema = z.object({
  observationIndex: z.object({
    loadKw: z.number().int().min(0),
    pvKw: z.number().int().min(0),
    temperatureC: z.number().int().min(0),
    gridStatus: z.number().int().min(0),
    socStart: z.number().int().min(0),
    batteryAvailableStart: z.number().int().min(0),
    loadQ05Start: z.number().int().min(0),
    loadQ50Start: z.number().int().min(0),
    loadQ95Start: z.number().int().min(0),
    pvQ05Start: z.number().int().min(0),
    pvQ50Start: z.number().int().min(0),
    pvQ95Start: z.number().int().min(0),
    horizon: z.number().int().min(1),
  }),
  dtHours: z.number().positive(),
  episodeTicks: z.number().int().positive(),
  activationTick: z.number().int().min(0),
  horizonTicks: z.number().int().min(1),
  batteries: z.array(z.object({
    capacityKwh: z.number().positive(),
    chargeEfficiency: z.number().gt(0).lte(1),
    dischargeEfficiency: z.number().gt(0).lte(1),
    cRatePerHour: z.number().min(0),
    selfDischargePerHour: z.number().min(0),
    minSoc: z.number().min(0),
    maxSoc: z.number().lte(1),
    maxPowerKw: z.number().min(0),
    initialEnergyKwh: z.number().min(0),
  })).min(1),
  /** Hour of day of tick 0 (the tariff's clock). */
  startHour: z.number().int().min(0).max(23).default(0),
  grid: z.object({
    capacityKw: z.number().min(0),
    costPerKwh: z.number().min(0),
    exportPricePerKwh: z.number().min(0),
    /** The tariff: import cost per hour of day; absent: costPerKwh at every hour. */
    importCostByHourPerKwh: z.array(z.number().min(0)).length(24).optional(),
  }),
});

export type MicrogridInfo = z.output<typeof microgridInfoSchema>;

/** Reads the planner contract from a Microgrid-v0 reset info, naming any missing field. */
export function readMicrogridInfo(policy: string, info: Info): MicrogridInfo {
  return parseConfig(`${policy} policy: env reset info`, microgridInfoSchema, info);
}

export function requireMicrogridInfo(policy: string, info: MicrogridInfo | null): MicrogridInfo {
  if (info === null) throw new ResetNeededError(`${policy} policy`, "act() was called before reset(info)");
  return info;
}

/**
 * Each battery's stored energy now: from the last step info when there is one (exact), else
 * the reset info's initial energy.
 */
export function batteryEnergiesKwh(info: MicrogridInfo, stepInfo: Info, out: Float64Array): Float64Array {
  const last = stepInfo["batteries"] as { energyKwh: number }[] | undefined;
  const energies = stepInfo["batteryEnergyKwh"] as ArrayLike<number> | undefined;
  for (let i = 0; i < info.batteries.length; i++) {
    out[i] = last?.[i]?.energyKwh ?? energies?.[i] ?? info.batteries[i]!.initialEnergyKwh;
  }
  return out;
}

/** The LP's view of battery i with `energyKwh` stored now. */
export function lpBattery(info: MicrogridInfo, i: number, energyKwh: number, availability?: ArrayLike<number>): MicrogridLpBattery {
  const b = info.batteries[i]!;
  return {
    capacityKwh: b.capacityKwh, chargeEfficiency: b.chargeEfficiency, dischargeEfficiency: b.dischargeEfficiency,
    cRatePerHour: b.cRatePerHour, selfDischargePerHour: b.selfDischargePerHour, minSoc: b.minSoc, maxSoc: b.maxSoc,
    initialEnergyKwh: Math.min(energyKwh, b.capacityKwh), availability,
  };
}

/**
 * A set-point as a float32 action value, rounded toward zero and within +-limitKw, so the
 * battery can always follow it as far as its state allows.
 */
export function float32SetPointKw(kw: number, limitKw: number): number {
  const clipped = kw > limitKw ? limitKw : kw < -limitKw ? -limitKw : kw;
  if (Math.abs(clipped) < 1e-9) return 0;
  const f = Math.fround(clipped);
  return Math.abs(f) > Math.abs(clipped) ? clipped * (1 - 1e-7) : f;
}

/**
 * The AC set-point that takes a battery from `energyKwh` to `targetKwh` in one step under the
 * env's storage model (self-discharge first, then charge at eta_c or discharge at 1 / eta_d).
 */
export function setPointToReachKw(info: MicrogridInfo, i: number, energyKwh: number, targetKwh: number): number {
  const b = info.batteries[i]!;
  const dt = info.dtHours;
  const afterSelf = energyKwh - Math.min(energyKwh, b.selfDischargePerHour * energyKwh * dt);
  const delta = targetKwh - afterSelf;
  return delta >= 0 ? delta / (b.chargeEfficiency * dt) : (delta * b.dischargeEfficiency) / dt;
}

/**
 * The planner LP's import weights for `steps` ticks from `firstTick`: each tick's import cost
 * over the base cost (all 1 under a flat tariff).
 */
export function importWeights(info: MicrogridInfo, firstTick: number, steps: number): Float64Array {
  const out = new Float64Array(steps).fill(1);
  const byHour = info.grid.importCostByHourPerKwh;
  if (byHour === undefined || !(info.grid.costPerKwh > 0)) return out;
  for (let k = 0; k < steps; k++) out[k] = byHour[(info.startHour + firstTick + k) % 24]! / info.grid.costPerKwh;
  return out;
}
