/**
 * Myopic self-consumption rule: each hour, surplus PV charges the battery and a deficit is
 * served from it, as far as the power limit allows; the env stops it at empty and full.
 * No look-ahead, no prices: the rule-based floor every other controller should beat on cost.
 */
import type { Info, Policy } from "../src/core/env.js";
import { readStorageDispatchInfo, requireDispatchInfo, type StorageDispatchInfo } from "./storage-dispatch.js";

export class MyopicPolicy implements Policy<Float32Array, Float32Array> {
  readonly name = "myopic";
  #info: StorageDispatchInfo | null = null;

  reset(info: Info): void {
    this.#info = readStorageDispatchInfo(this.name, info);
  }

  act(observation: Float32Array): Float32Array {
    const info = requireDispatchInfo(this.name, this.#info);
    const idx = info.observationIndex;
    const surplusKw = observation[idx.pvKw]! - observation[idx.loadKw]!;
    const m = info.battery.maxPowerKw;
    return Float32Array.of(surplusKw > m ? m : surplusKw < -m ? -m : surplusKw);
  }
}
