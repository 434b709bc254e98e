/**
 * What Microgrid-v0 publishes to planners, beside the reset info that
 * baselines/microgrid/planner-contract.ts validates: where each quantity sits in the
 * observation, the battery parameters, and the episode's exogenous truth that `foresight()`
 * hands to perfect-foresight planners. Types and one guard only, so a planner depends on
 * this file and not on the env's internals.
 */
import type { StorageParams } from "../../src/physics/battery.js";

/** Where each quantity sits in the observation, for B batteries and horizon H. */
export interface MicrogridObservationIndex {
  hourSin: number;
  hourCos: number;
  weekdaySin: number;
  weekdayCos: number;
  progress: number;
  gridStatus: number;
  loadKw: number;
  pvKw: number;
  temperatureC: number;
  irradianceWPerM2: number;
  socStart: number;
  batteryAvailableStart: number;
  loadQ05Start: number;
  loadQ50Start: number;
  loadQ95Start: number;
  pvQ05Start: number;
  pvQ50Start: number;
  pvQ95Start: number;
  /** With `observeTariff`: the import cost per kWh of this tick, then of ticks t+1..t+H. */
  importCostStart?: number;
  batteries: number;
  horizon: number;
  size: number;
}

/** Battery parameters as published to planners. */
export interface MicrogridBatteryInfo extends StorageParams {
  maxPowerKw: number;
  initialEnergyKwh: number;
}

/** The episode's exogenous truth, for perfect-foresight planners (copies, ticks 0..T-1). */
export interface MicrogridForesight {
  loadKw: Float64Array;
  pvKw: Float64Array;
  pvArrayKw: Float64Array[];
  temperatureC: Float64Array;
  irradianceWPerM2: Float64Array;
  /** Grid capacity available per tick, kW. */
  gridAvailableKw: Float64Array;
  /** Fraction of each battery's power available per tick. */
  batteryAvailability: Float64Array[];
}

/** An env that hands its episode's exogenous truth to a perfect-foresight planner. */
export interface MicrogridForesightEnv {
  foresight(): MicrogridForesight;
}

/** True for an env with `foresight()` (pass `env.unwrapped`: wrappers do not forward it). */
export function hasMicrogridForesight(env: unknown): env is MicrogridForesightEnv {
  return typeof (env as MicrogridForesightEnv | null)?.foresight === "function";
}
