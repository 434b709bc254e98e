/**
 * The seed's myopic baseline for Microgrid-v0 (SPEC section 1, "Myopic baseline"), through
 * Contract Net: each tick net = PV - load; on a deficit the aggregator's CFP goes to the
 * batteries and the grid, on a surplus to the batteries (then export). Proposals are ranked by
 * cost (a battery offers at 1 - eta, the grid at its unit cost), then by amount, and accepted
 * greedily, so the batteries go first: surplus charges them, deficit is served from them,
 * the rest is exported or imported. The awarded battery amounts are the set-points.
 *
 * Battery limits come from the reset info (the env's published parameters) and the energy
 * from the last step info, so the policy asks only for what each battery can do.
 */
import type { Info, Policy } from "../../src/core/env.js";
import { ResetNeededError } from "../../src/core/errors.js";
import { rankProposals, greedyAward, type Proposal } from "../../src/negotiation/contract-net.js";
import { storageMaxChargeKw, storageMaxDischargeKw, type StorageParams } from "../../src/physics/battery.js";

interface BatteryInfo extends StorageParams {
  initialEnergyKwh: number;
}

interface ResetView {
  loadIndex: number;
  pvIndex: number;
  availableStart: number;
  dtHours: number;
  batteries: BatteryInfo[];
}

export class MicrogridMyopicPolicy implements Policy<Float32Array, Float32Array> {
  readonly name = "myopic";
  #view: ResetView | null = null;
  #energyKwh = new Float64Array(0);

  reset(info: Info): void {
    const idx = info["observationIndex"] as { loadKw: number; pvKw: number; batteryAvailableStart: number };
    const batteries = info["batteries"] as BatteryInfo[];
    this.#view = { loadIndex: idx.loadKw, pvIndex: idx.pvKw, availableStart: idx.batteryAvailableStart, dtHours: info["dtHours"] as number, batteries };
    this.#energyKwh = Float64Array.from(batteries, (b) => b.initialEnergyKwh);
  }

  act(observation: Float32Array, info: Info): Float32Array {
    const v = this.#view;
    if (v === null) throw new ResetNeededError(`${this.name} policy`, "act() was called before reset(info)");
    const last = info["batteries"] as { energyKwh: number }[] | undefined;
    if (last !== undefined) last.forEach((b, i) => { this.#energyKwh[i] = b.energyKwh; });
    const netKw = observation[v.pvIndex]! - observation[v.loadIndex]!;
    const out = new Float32Array(v.batteries.length);
    if (netKw === 0) return out;
    const charging = netKw > 0;
    const proposals: Proposal[] = v.batteries.map((b, i) => {
      const available = observation[v.availableStart + i]!;
      const limitKw = (charging ? storageMaxChargeKw(b, this.#energyKwh[i]!, v.dtHours) : storageMaxDischargeKw(b, this.#energyKwh[i]!, v.dtHours)) * available;
      return { index: i, quantity: limitKw, price: 1 - (charging ? b.chargeEfficiency : b.dischargeEfficiency) };
    }).filter((p) => p.quantity > 0);
    const ranked = rankProposals(proposals);
    const awards = greedyAward(ranked, Math.abs(netKw));
    ranked.forEach((p, k) => {
      // rounded toward zero in float32, so the battery can always follow the set-point
      const kw = Math.fround(awards[k]!);
      const safe = kw > awards[k]! ? awards[k]! * (1 - 1e-7) : kw;
      out[p.index] = charging ? safe : -safe;
    });
    return out;
  }
}
