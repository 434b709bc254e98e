/**
 * Myopic self-consumption rule: each hour, surplus PV charges the battery and a deficit is
 * served from it, as far as the power limit and the stored energy allow (it asks only for
 * what the battery can do, so it has no shortfall). No look-ahead, no prices: the rule-based
 * floor every other controller should beat on cost.
 */
import type { Info, Policy } from "../../src/core/env.js";
import { feasibleBatteryPowerKw } from "../../src/physics/battery.js";
import { currentEnergyKwh, float32PowerAction, readStorageDispatchInfo, requireDispatchInfo, type StorageDispatchInfo } from "./planner-contract.js";

export class MyopicPolicy implements Policy<Float32Array, Float32Array> {
  readonly name = "myopic";
  #info: StorageDispatchInfo | null = null;

  reset(info: Info): void {
    this.#info = readStorageDispatchInfo(this.name, info);
  }

  act(observation: Float32Array, stepInfo: Info): Float32Array {
    const info = requireDispatchInfo(this.name, this.#info);
    const idx = info.observationIndex;
    const surplusKw = observation[idx.pvKw]! - observation[idx.loadKw]!;
    const energyKwh = currentEnergyKwh(info, observation, stepInfo);
    return float32PowerAction(feasibleBatteryPowerKw(info.battery, energyKwh, surplusKw, info.dtHours));
  }
}
