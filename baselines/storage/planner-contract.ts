/**
 * The contract between storage-dispatch baselines and the envs they control.
 *
 * An env that publishes this in its reset info (battery parameters, time step, objective,
 * and where load, PV, price, SoC and the look-ahead sit in its observation) can be driven
 * by the myopic, MPC and oracle baselines without them knowing the env's internals.
 */
import { z } from "zod";
import type { Info } from "../../src/core/env.js";
import { ResetNeededError, parseConfig } from "../../src/core/errors.js";

const storageDispatchInfoSchema = z.object({
  observationIndex: z.object({
    soc: z.number().int().min(0),
    loadKw: z.number().int().min(0),
    pvKw: z.number().int().min(0),
    priceEurPerKwh: z.number().int().min(0),
    priceAheadStart: z.number().int().min(0),
    netLoadForecastStart: z.number().int().min(0),
    progress: z.number().int().min(0),
  }),
  battery: z.object({
    capacityKwh: z.number().positive(),
    maxPowerKw: z.number().positive(),
    efficiency: z.number().gt(0).lte(1),
    initialEnergyKwh: z.number().min(0),
  }),
  dtHours: z.number().positive(),
  objective: z.enum(["arbitrage", "self-consumption"]),
  /** How the observation gives the prices ahead (the env's `pricesAhead`); absent: absolute EUR/kWh. */
  pricesAhead: z.enum(["absolute", "relative"]).default("absolute"),
  episodeSteps: z.number().int().positive(),
  /** Value per kWh the env's last reward gives the energy missing at the end (0: none). */
  terminalValuePerKwh: z.number(),
});

export type StorageDispatchInfo = z.output<typeof storageDispatchInfoSchema>;

/** Reads the storage-dispatch contract from a reset info, naming any missing field. */
export function readStorageDispatchInfo(policy: string, info: Info): StorageDispatchInfo {
  return parseConfig(`${policy} policy: env reset info`, storageDispatchInfoSchema, info);
}

/**
 * The battery power that moves stored energy from `energyKwh` to `targetKwh` in one step
 * (charging applies sqrt(eta) on the way in, discharging 1/sqrt(eta) on the way out),
 * limited to +-maxPowerKw.
 */
export function powerToReachEnergyKw(info: StorageDispatchInfo, energyKwh: number, targetKwh: number): number {
  const s = Math.sqrt(info.battery.efficiency);
  const delta = targetKwh - energyKwh;
  const p = delta >= 0 ? delta / (s * info.dtHours) : (delta * s) / info.dtHours;
  const m = info.battery.maxPowerKw;
  return p > m ? m : p < -m ? -m : p;
}

/**
 * A one-element float32 action for `powerKw`, rounded toward zero, so that a power the
 * battery can follow stays one it can follow after float32 rounding (no spurious shortfall).
 */
export function float32PowerAction(powerKw: number): Float32Array {
  const a = Float32Array.of(powerKw);
  if (Math.abs(a[0]!) > Math.abs(powerKw)) {
    // float32 is sign-magnitude: one less in the bit pattern is one step toward zero
    const bits = new Uint32Array(a.buffer);
    bits[0] = bits[0]! - 1;
  }
  return a;
}

/**
 * Stored energy now: the env's exact figure from the last info when it publishes one,
 * else the observed state of charge (float32) times capacity.
 */
export function currentEnergyKwh(si: StorageDispatchInfo, observation: ArrayLike<number>, info: Info): number {
  const e = info["energyKwh"];
  return typeof e === "number" ? e : observation[si.observationIndex.soc]! * si.battery.capacityKwh;
}

/** The contract read at reset, or a ResetNeededError when act() comes first. */
export function requireDispatchInfo(policy: string, si: StorageDispatchInfo | null): StorageDispatchInfo {
  if (si === null) throw new ResetNeededError(`${policy} policy`, "act() was called before reset(info)");
  return si;
}
