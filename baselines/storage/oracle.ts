/**
 * Perfect-foresight oracle: one LP over the whole episode on the episode's true load, PV
 * and prices: SPEC eqs. 1a-1d and 1f-1i (arbitrage) or 2a-2b (self-consumption), with the
 * terminal condition chosen by `terminal`:
 * - `env` (default): no terminal constraint; the energy missing at the end is valued as the
 *   env settles it in its last reward (`terminalValuePerKwh` of the reset info). The LP then
 *   optimises exactly the env's return, so the oracle is the upper bound of every policy.
 * - `equal-throughput`: (1e) as the seed writes it, sum p_in = sum p_out.
 * - `equal-energy`: the battery ends where it started.
 *
 * The plan is played by following its stored-energy path: each hour the oracle asks for
 * the power that takes the battery to the plan's e[t]. Where the LP charges and
 * discharges in the same hour (it may, at negative prices, to burn energy), the env's
 * single battery power gives the same energy path with less grid exchange.
 */
import { z } from "zod";
import type { Env, Info, Policy } from "../../src/core/env.js";
import { ConfigError, parseConfig } from "../../src/core/errors.js";
import type { Solver } from "../../src/solvers/index.js";
import { buildCommunityLp, type CommunityPlan } from "../../src/planning/storage-lp.js";
import { currentEnergyKwh, float32PowerAction, powerToReachEnergyKw, readStorageDispatchInfo, requireDispatchInfo, type StorageDispatchInfo } from "./planner-contract.js";

export const oracleConfigSchema = z.strictObject({
  /** `env`: the env's own terminal settlement (default); `equal-throughput`: SPEC (1e); `equal-energy`. */
  terminal: z.enum(["env", "equal-throughput", "equal-energy"]).default("env"),
});
export type OracleConfig = z.output<typeof oracleConfigSchema>;

/** An env that can hand its episode's exogenous series to a perfect-foresight planner. */
export interface ForesightEnv {
  foresight(): { loadKw: Float64Array; pvKw: Float64Array; priceEurPerKwh: Float64Array };
}

function hasForesight(env: unknown): env is ForesightEnv {
  return typeof (env as ForesightEnv | null)?.foresight === "function";
}

export class OraclePolicy implements Policy<Float32Array, Float32Array> {
  readonly name = "oracle";
  readonly config: OracleConfig;
  readonly #solver: Solver;
  readonly #env: ForesightEnv;
  #info: StorageDispatchInfo | null = null;
  #plan: CommunityPlan | null = null;
  #t = 0;

  constructor(env: Env<unknown, unknown>, solver: Solver, config: unknown = {}) {
    this.config = parseConfig("oracle config", oracleConfigSchema, config);
    if (!hasForesight(env.unwrapped)) {
      throw new ConfigError("oracle policy", [{ path: "env", expected: "an env with foresight() (perfect-foresight series)", received: env.spec?.id ?? "an env without it" }]);
    }
    this.#env = env.unwrapped;
    this.#solver = solver;
  }

  reset(info: Info): void {
    const si = readStorageDispatchInfo(this.name, info);
    this.#info = si;
    const f = this.#env.foresight();
    const { model, decode } = buildCommunityLp({
      loadKw: f.loadKw,
      pvKw: f.pvKw,
      priceEurPerKwh: f.priceEurPerKwh,
      dtHours: si.dtHours,
      capacityKwh: si.battery.capacityKwh,
      maxPowerKw: si.battery.maxPowerKw,
      efficiency: si.battery.efficiency,
      initialEnergyKwh: si.battery.initialEnergyKwh,
      objective: si.objective,
      terminal: this.config.terminal === "env"
        ? { kind: "value", eurPerKwh: si.terminalValuePerKwh }
        : { kind: this.config.terminal },
    });
    this.#plan = decode(this.#solver.solve(model).x);
    this.#t = 0;
  }

  /** The LP plan of the current episode (for tests and reports). */
  get plan(): CommunityPlan | null {
    return this.#plan;
  }

  act(observation: Float32Array, stepInfo: Info): Float32Array {
    const info = requireDispatchInfo(this.name, this.#info);
    const plan = this.#plan!;
    const energyKwh = currentEnergyKwh(info, observation, stepInfo);
    const target = plan.energyKwh[Math.min(this.#t, plan.energyKwh.length - 1)]!;
    this.#t++;
    return float32PowerAction(powerToReachEnergyKw(info, energyKwh, target));
  }
}
