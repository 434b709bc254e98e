/**
 * Rolling-horizon MPC for storage dispatch: every `replanEvery` hours it solves the
 * community LP (SPEC eqs. 1a-1i, the env's objective) over the next `horizonHours` on
 * forecasts, then follows the plan's stored-energy path until the next re-plan.
 *
 * Prices of the horizon are the day-ahead prices the env observes (known a day ahead).
 * Net load is forecast by `seasonal-naive` (the same hour one day earlier, from the
 * net loads this policy has observed; before it has a day of history, the env's own
 * seasonal-naive forecast block) or `persistence` (this hour's net load, repeated).
 * The hour being dispatched is observed, so its load and PV are exact.
 *
 * The horizon ends with no terminal constraint; instead each kWh left in the battery
 * is valued at sqrt(eta) times the horizon's mean price (what it will fetch when
 * discharged later), so the plan neither dumps nor hoards energy at the horizon's end.
 *
 * Speed: between re-plans only the net loads, prices, the energy now and the terminal value
 * change, so the LP of the last re-plan with the same horizon length is kept and only its row
 * bounds and costs are rewritten (the same numbers buildCommunityLp would write; an input it
 * would refuse still goes through it, so its error is unchanged). The matrix stays the same,
 * which lets the simplex backend restart from its last basis and B^-1: the policy owns a
 * warm-start handle (createWarmStart) for that, cleared at every reset, so each episode starts
 * cold and its actions are a function of the episode alone (not of the episodes the policy or
 * the solver ran before).
 */
import { z } from "zod";
import type { Info, Policy } from "../../src/core/env.js";
import { parseConfig } from "../../src/core/errors.js";
import { createWarmStart, type Solver } from "../../src/solvers/index.js";
import { buildCommunityLp, type CommunityPlan } from "../../src/planning/storage-lp.js";
import type { LpModel } from "../../src/solvers/index.js";

/** The LP of the last re-plan and where its data sits, for rewriting in place. */
interface CachedLp {
  hours: number;
  model: LpModel;
  decode(x: Float64Array): CommunityPlan;
  balanceRows: Int32Array;
  dynamics0Row: number;
  /** Grid columns (arbitrage: cost price * dt); -1 entries under self-consumption. */
  gridCols: Int32Array;
  lastEnergyCol: number;
}
import { currentEnergyKwh, float32PowerAction, powerToReachEnergyKw, readStorageDispatchInfo, requireDispatchInfo, type StorageDispatchInfo } from "./planner-contract.js";

export const mpcConfigSchema = z.strictObject({
  /** Hours planned at each solve, including the current one (at most 25: now plus the 24 h look-ahead). */
  horizonHours: z.number().int().min(1).max(25).default(24),
  /** Hours between re-plans; in between, the plan's energy path is followed. */
  replanEvery: z.number().int().min(1).default(1),
  forecast: z.enum(["seasonal-naive", "persistence"]).default("seasonal-naive"),
});
export type MpcConfig = z.output<typeof mpcConfigSchema>;

export class MpcPolicy implements Policy<Float32Array, Float32Array> {
  readonly name = "mpc";
  readonly config: MpcConfig;
  readonly #solver: Solver;
  #info: StorageDispatchInfo | null = null;
  #t = 0;
  #energyKwh = 0;
  #plan: Float64Array = new Float64Array(0);
  #planStart = 0;
  /** Observed net load by step, for the seasonal-naive forecast. */
  #netHistory: number[] = [];
  #lp: CachedLp | null = null;
  /** This policy's own simplex warm start, cleared at every reset. */
  readonly #warmStart = createWarmStart();
  /** Solves made and their total time, for benchmarks. */
  solves = 0;
  solveMs = 0;

  constructor(solver: Solver, config: unknown = {}) {
    this.config = parseConfig("mpc config", mpcConfigSchema, config);
    this.#solver = solver;
  }

  reset(info: Info): void {
    this.#info = readStorageDispatchInfo(this.name, info);
    this.#t = 0;
    this.#energyKwh = this.#info.battery.initialEnergyKwh;
    this.#plan = new Float64Array(0);
    this.#netHistory = [];
    this.#lp = null;
    this.#warmStart.clear();
  }

  act(observation: Float32Array, stepInfo: Info): Float32Array {
    const info = requireDispatchInfo(this.name, this.#info);
    const idx = info.observationIndex;
    const t = this.#t;
    this.#energyKwh = currentEnergyKwh(info, observation, stepInfo);
    const netNow = observation[idx.loadKw]! - observation[idx.pvKw]!;
    this.#netHistory.push(netNow);
    if (this.#plan.length === 0 || t - this.#planStart >= this.config.replanEvery || t - this.#planStart >= this.#plan.length) {
      this.#replan(observation, info, netNow);
    }
    const target = this.#plan[t - this.#planStart]!;
    this.#t = t + 1;
    return float32PowerAction(powerToReachEnergyKw(info, this.#energyKwh, target));
  }

  #replan(obs: Float32Array, info: StorageDispatchInfo, netNow: number): void {
    const idx = info.observationIndex;
    const remaining = info.episodeSteps - this.#t;
    const h = Math.max(1, Math.min(this.config.horizonHours, remaining));
    const net = new Float64Array(h);
    const price = new Float64Array(h);
    net[0] = netNow;
    price[0] = obs[idx.priceEurPerKwh]!;
    // relative prices ahead are differences to this hour's
    const base = info.pricesAhead === "relative" ? price[0] : 0;
    for (let k = 1; k < h; k++) {
      price[k] = obs[idx.priceAheadStart + k - 1]! + base;
      if (this.config.forecast === "persistence") net[k] = netNow;
      else {
        const past = this.#t + k - 24;
        net[k] = past >= 0 ? this.#netHistory[past]! : obs[idx.netLoadForecastStart + k - 1]!;
      }
    }
    let meanPrice = 0;
    for (let k = 0; k < h; k++) meanPrice += price[k]!;
    meanPrice /= h;
    const valuePerKwh = (info.objective === "arbitrage" ? meanPrice : 1) * Math.sqrt(info.battery.efficiency);
    const { model, decode } = this.#lpFor(info, net, price, valuePerKwh);
    const sol = this.#solver.solve(model, { warmStart: this.#warmStart });
    this.solves++;
    this.solveMs += sol.solveMs;
    this.#plan = decode(sol.x).energyKwh;
    this.#planStart = this.#t;
  }

  /** The horizon's LP: the cached one rewritten when it has this length, else a new one. */
  #lpFor(info: StorageDispatchInfo, net: Float64Array, price: Float64Array, valuePerKwh: number): { model: LpModel; decode(x: Float64Array): CommunityPlan } {
    const h = net.length;
    const e0 = this.#energyKwh;
    const dt = info.dtHours;
    const cached = this.#lp;
    // Rewrite in place only for inputs buildCommunityLp accepts (it names what it refuses).
    let valid = Number.isFinite(valuePerKwh) && typeof e0 === "number" && e0 >= 0 && e0 <= info.battery.capacityKwh;
    for (let k = 0; valid && k < h; k++) valid = Number.isFinite(net[k]) && Number.isFinite(price[k]);
    if (cached !== null && cached.hours === h && valid) {
      const model = cached.model;
      for (let t = 0; t < h; t++) {
        const bal = net[t]! - 0;
        model.setRowBounds(cached.balanceRows[t]!, bal, bal);
        const g = cached.gridCols[t]!;
        if (g >= 0) model.setCost(g, price[t]! * dt);
      }
      model.setRowBounds(cached.dynamics0Row, e0, e0);
      model.setCost(cached.lastEnergyCol, -valuePerKwh);
      return cached;
    }
    const built = buildCommunityLp({
      loadKw: net,
      pvKw: new Float64Array(h),
      priceEurPerKwh: price,
      dtHours: dt,
      capacityKwh: info.battery.capacityKwh,
      maxPowerKw: info.battery.maxPowerKw,
      efficiency: info.battery.efficiency,
      initialEnergyKwh: e0,
      objective: info.objective,
      terminal: { kind: "value", eurPerKwh: valuePerKwh },
    });
    const m = built.model;
    const arbitrage = info.objective === "arbitrage";
    this.#lp = {
      hours: h,
      model: m,
      decode: built.decode,
      balanceRows: Int32Array.from({ length: h }, (_, t) => m.rowIndexOf(`balance_${t}`)),
      dynamics0Row: m.rowIndexOf("dynamics_0"),
      gridCols: Int32Array.from({ length: h }, (_, t) => (arbitrage ? m.colIndexOf(`grid_${t}`) : -1)),
      lastEnergyCol: m.colIndexOf(`e_${h - 1}`),
    };
    return built;
  }
}
