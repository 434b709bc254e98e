/**
 * Perfect-foresight oracle for Microgrid-v0: at reset, one planner LP (microgrid-lp.ts) over
 * the whole episode on the episode's true load, PV, grid availability (blackouts included)
 * and battery availability from `env.foresight()`, with the seed's objective (import plus the
 * cycling proxy) and no terminal value: energy left at the end is worth nothing to the env.
 * Its import is a lower bound for every policy under that objective, up to the cycling term
 * (the LP may trade a little import for less cycling) and float32 rounding of the actions.
 *
 * The plan is played by following each battery's stored-energy path: each tick the oracle
 * asks for the set-point that takes the battery to the plan's E[t] under the env's storage
 * model, so rounding never accumulates into drift.
 */
import { z } from "zod";
import type { Env, Info, Policy } from "../../src/core/env.js";
import { ConfigError, parseConfig } from "../../src/core/errors.js";
import type { Solver } from "../../src/solvers/index.js";
import { hasMicrogridForesight, type MicrogridForesightEnv } from "../../envs/microgrid/contract.js";
import { buildMicrogridLp, type MicrogridPlan } from "../../src/planning/microgrid-lp.js";
import { batteryEnergiesKwh, float32SetPointKw, importWeights, lpBattery, readMicrogridInfo, requireMicrogridInfo, setPointToReachKw, type MicrogridInfo } from "./planner-contract.js";

export const microgridOracleConfigSchema = z.strictObject({
  /** The seed's cycling proxy per kWh charged or discharged. */
  cyclingPenaltyPerKwh: z.number().min(0).default(0.01),
  /** Penalty per kWh of unserved load (only paid when a blackout leaves no other way). */
  unservedPenaltyPerKwh: z.number().min(0).default(1000),
});
export type MicrogridOracleConfig = z.output<typeof microgridOracleConfigSchema>;

export class MicrogridOraclePolicy implements Policy<Float32Array, Float32Array> {
  readonly name = "oracle";
  readonly config: MicrogridOracleConfig;
  readonly #solver: Solver;
  readonly #env: MicrogridForesightEnv;
  #info: MicrogridInfo | null = null;
  #plan: MicrogridPlan | null = null;
  #energyKwh = new Float64Array(0);
  #t = 0;

  constructor(env: Env<unknown, unknown>, solver: Solver, config: unknown = {}) {
    this.config = parseConfig("oracle config", microgridOracleConfigSchema, config);
    if (!hasMicrogridForesight(env.unwrapped)) {
      throw new ConfigError("oracle policy", [{ path: "env", expected: "an env with foresight() (Microgrid-v0)", received: env.spec?.id ?? "an env without it" }]);
    }
    this.#env = env.unwrapped;
    this.#solver = solver;
  }

  /** The episode's LP plan (for tests and reports). */
  get plan(): MicrogridPlan | null {
    return this.#plan;
  }

  reset(info: Info): void {
    const mi = readMicrogridInfo(this.name, info);
    this.#info = mi;
    const f = this.#env.foresight();
    const { model, decode } = buildMicrogridLp({
      dtHours: mi.dtHours,
      batteries: mi.batteries.map((b, i) => lpBattery(mi, i, b.initialEnergyKwh, f.batteryAvailability[i])),
      scenarios: [{ name: "truth", probability: 1, loadKw: f.loadKw, pvKw: f.pvKw }],
      gridCapacityKw: f.gridAvailableKw,
      cyclingPenaltyPerKwh: this.config.cyclingPenaltyPerKwh,
      exportCreditPerKwh: mi.grid.costPerKwh > 0 ? mi.grid.exportPricePerKwh / mi.grid.costPerKwh : 0,
      importWeights: importWeights(mi, 0, f.loadKw.length),
      unservedPenaltyPerKwh: this.config.unservedPenaltyPerKwh,
    });
    this.#plan = decode(this.#solver.solve(model).x);
    this.#energyKwh = Float64Array.from(mi.batteries, (b) => b.initialEnergyKwh);
    this.#t = 0;
  }

  act(observation: Float32Array, stepInfo: Info): Float32Array {
    const info = requireMicrogridInfo(this.name, this.#info);
    const plan = this.#plan!.scenarios[0]!;
    batteryEnergiesKwh(info, stepInfo, this.#energyKwh);
    const k = Math.min(this.#t++, this.#plan!.steps - 1);
    const out = new Float32Array(info.batteries.length);
    for (let i = 0; i < out.length; i++) {
      const limitKw = info.batteries[i]!.maxPowerKw * observation[info.observationIndex.batteryAvailableStart + i]!;
      const kw = setPointToReachKw(info, i, this.#energyKwh[i]!, plan.energyKwh[i]![k]!);
      out[i] = float32SetPointKw(kw, limitKw);
    }
    return out;
  }
}
