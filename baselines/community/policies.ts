/**
 * Baselines for Community-v0 (issue #6), as joint policies (one call gives every agent's action)
 * and, for CommunityBatteryGrid-v0, a single-agent myopic Policy.
 *
 * - `CommunityMyopicPolicy`: every household runs the rule of envs/community/household-rule.ts
 *   (self-consumption with its home battery, EV charging on arrival at full rate until its
 *   energy is met, flexible load at its baseline, P2P limit at the band's midpoint); a
 *   community-battery agent does self-consumption against the households' net (from the same
 *   rule, so it knows this hour's net) or stays idle (`communityBattery: "idle"`).
 * - `CommunityPlanningPolicy`: rolling-horizon planning with one of the three frameworks of
 *   baselines/: "central" (solveCentral, one LP), "decentral" (solveDecentral: household LPs,
 *   then the manager's battery LP) or "admm" (solveAdmm: slow at scale, re-plan daily). Every
 *   `replanEveryHours` (default 1; 24 for ADMM) it plans the next `horizonHours` (default 24)
 *   from the env's current state (CommunityPlanningSource.plannerState(): stored energies, EV sessions and
 *   flexible-load windows, which households declare, and the day-ahead spot prices) and a
 *   forecast of each household's load and PV: `forecast: "seasonal-naive"` (default: this hour
 *   as observed, later hours as the same hour a day earlier, or as this hour during the first
 *   day) or `"perfect"` (the truth: a perfect-foresight upper bound, named `oracle` for the
 *   centralised LP and `...-perfect` for the other frameworks). It
 *   plays the plan open loop until the next re-plan: battery, EV and flexible-load power per household, community battery power
 *   (community battery terminal condition: equal energy at the horizon's end). The plan uses
 *   the env's own asset models, so it is feasible when replayed. It plans the community battery
 *   too: give the env `communityBatteryAgent: true` (without it the env's battery rule runs
 *   instead and the households' plan loses that part of its optimality).
 * - `CommunityGridMyopicPolicy` (CommunityBatteryGrid-v0): the community battery charges the
 *   households' surplus PV and serves their deficit this hour (base load - PV, observed), as far
 *   as it can.
 */
import type { Info, JointPolicy, ParallelEnv, Policy } from "../../src/core/env.js";
import { ConfigError, ResetNeededError, describeValue } from "../../src/core/errors.js";
import { feasibleBatteryPowerKw, type BatteryParams } from "../../src/physics/battery.js";
import type { EvSession } from "../../src/physics/ev.js";
import type { Solver } from "../../src/solvers/index.js";
import {
  COMMUNITY_BATTERY_AGENT, COMMUNITY_BATTERY_OBSERVATION_INDEX, HOUSEHOLD_ACTION_INDEX, HOUSEHOLD_OBSERVATION_INDEX, householdRuleAction,
  isCommunityPlanningSource, type CommunityPlanningSource, type FlexWindow,
} from "../../envs/community/contract.js";
import { solveAdmm, type AdmmConfigInput } from "./admm.js";
import { solveCentral, type CommunityCentralInput, type CommunityBatterySchedule, type HouseholdSchedule } from "./central.js";
import { solveDecentral } from "./decentral.js";
import { float32PowerAction } from "../storage/planner-contract.js";
import { requirePowerAction } from "./grid-planner.js";

const NA = HOUSEHOLD_ACTION_INDEX.size;
const HO = HOUSEHOLD_OBSERVATION_INDEX;

function clip(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** `env` as a community planning source (envs/community/contract.ts), or a ConfigError naming policy `policy`. */
function planningSource(env: ParallelEnv, policy: string): CommunityPlanningSource {
  if (!isCommunityPlanningSource(env)) {
    const id = env.spec?.id ?? (env as object).constructor?.name ?? "unknown";
    throw new ConfigError(`${policy} policy`, [{ path: "env", expected: "a community env that publishes the planning contract of envs/community/contract.ts (Community-v0)", received: describeValue(id) }]);
  }
  return env;
}

export class CommunityMyopicPolicy implements JointPolicy {
  readonly name = "myopic";
  /** Each household's action bounds (views into the env's flat bounds, fixed per env). */
  readonly #low: Float64Array[];
  readonly #high: Float64Array[];
  readonly #cbAgent: boolean;
  readonly env: CommunityPlanningSource;

  constructor(env: ParallelEnv, readonly opts: { communityBattery?: "self-consumption" | "idle" } = {}) {
    this.env = planningSource(env, this.name);
    const { low, high } = this.env.actionBounds;
    const n = this.env.n;
    this.#low = Array.from({ length: n }, (_, i) => low.subarray(i * NA, i * NA + NA));
    this.#high = Array.from({ length: n }, (_, i) => high.subarray(i * NA, i * NA + NA));
    this.#cbAgent = this.env.possibleAgents.includes(COMMUNITY_BATTERY_AGENT);
  }

  act(observations: Record<string, Float32Array>): Record<string, ArrayLike<number>> {
    const env = this.env;
    const n = env.n;
    const names = env.householdNames;
    const households = env.households;
    const out: Record<string, ArrayLike<number>> = {};
    // every household's action is a fresh Float64Array(4), all views into one new buffer
    const buffer = new ArrayBuffer(n * NA * Float64Array.BYTES_PER_ELEMENT);
    let netKw = 0;
    for (let i = 0; i < n; i++) {
      const name = names[i]!;
      const obs = observations[name]!;
      const a = new Float64Array(buffer, i * NA * Float64Array.BYTES_PER_ELEMENT, NA);
      householdRuleAction(households[i]!, obs, this.#low[i]!, this.#high[i]!, a);
      out[name] = a;
      netKw += obs[HO.loadKw]! - obs[HO.pvKw]! + a[0]! + a[1]! + a[2]!;
    }
    const cb = env.communityBattery;
    if (cb !== null && this.#cbAgent) {
      const soc = observations[COMMUNITY_BATTERY_AGENT]![COMMUNITY_BATTERY_OBSERVATION_INDEX.soc]!;
      const kw = this.opts.communityBattery === "idle" ? 0 : feasibleBatteryPowerKw(cb.params, soc * cb.params.capacityKwh, -netKw, 1);
      out[COMMUNITY_BATTERY_AGENT] = Float64Array.of(clip(kw, -cb.params.maxPowerKw, cb.params.maxPowerKw));
    }
    return out;
  }
}

export type CommunityFramework = "central" | "decentral" | "admm";

export type CommunityForecast = "seasonal-naive" | "perfect";

export interface CommunityPlanningOptions {
  framework?: CommunityFramework;
  forecast?: CommunityForecast;
  horizonHours?: number;
  replanEveryHours?: number;
  admm?: AdmmConfigInput;
}

/** The planning LP input from hour t of the env's current state (see the file header). */
export function planningInput(env: CommunityPlanningSource, horizonHours: number, forecast: CommunityForecast): CommunityCentralInput {
  const st = env.plannerState();
  const t = st.t;
  const to = Math.min(st.profiles.hours, t + horizonHours);
  // seasonal naive: hour t as observed, t + k as t + k - 24 (observed), or as t in the first day
  const seen = (series: Float64Array): Float64Array => {
    if (forecast === "perfect") return series.subarray(t, to);
    const out = new Float64Array(to - t);
    for (let k = 0; k < out.length; k++) out[k] = k === 0 || t + k - 24 < 0 ? series[t]! : series[t + k - 24]!;
    return out;
  };
  const shiftEv = (s: EvSession): EvSession => ({ ...s, arrivalStep: s.arrivalStep - t, departureStep: s.departureStep - t });
  const shiftFlex = (w: FlexWindow): FlexWindow => ({ ...w, startStep: w.startStep - t, endStep: w.endStep - t });
  const cb = st.communityBattery;
  return {
    households: st.households.map((h, i) => ({
      loadKw: seen(st.profiles.loadKw[i]!),
      pvKw: seen(st.profiles.pvKw[i]!),
      battery: h.battery === null ? null : { params: h.battery.params, initialEnergyKwh: st.batteryEnergyKwh[i]! },
      ev: h.ev === null ? null : { params: h.ev.params, sessions: st.evSessions[i]!.map(shiftEv) },
      flex: st.flexWindows[i]!.map(shiftFlex),
    })),
    communityBattery: cb === null ? null : { params: cb.params, initialEnergyKwh: st.communityBatteryEnergyKwh, terminal: "equal-energy" },
    spotEurPerKwh: st.profiles.spotEurPerKwh.subarray(t, to),
    tariff: st.tariff,
    dtHours: 1,
  };
}

export class CommunityPlanningPolicy implements JointPolicy {
  readonly name: string;
  readonly framework: CommunityFramework;
  readonly forecast: CommunityForecast;
  readonly horizonHours: number;
  readonly replanEveryHours: number;
  #plan: { households: HouseholdSchedule[]; communityBattery: CommunityBatterySchedule | null } | null = null;
  #planStart = 0;
  /** Plans made and their total wall time, ms, over the policy's life (for benchmarks). */
  plans = 0;
  planMs = 0;
  #episodePlans = 0;
  #episodeAdmmIterations = 0;
  #episodeAdmmUnconverged = 0;

  readonly env: CommunityPlanningSource;

  constructor(env: ParallelEnv, readonly solver: Solver, readonly opts: CommunityPlanningOptions = {}) {
    this.framework = opts.framework ?? "central";
    this.forecast = opts.forecast ?? "seasonal-naive";
    this.horizonHours = opts.horizonHours ?? 24;
    this.replanEveryHours = opts.replanEveryHours ?? (this.framework === "admm" ? 24 : 1);
    const planner = this.framework === "central" ? "mpc" : `mpc-${this.framework}`;
    // the centralised plan on the truth is the community's perfect-foresight bound, its `oracle`
    this.name = this.forecast !== "perfect" ? planner : this.framework === "central" ? "oracle" : `${planner}-perfect`;
    this.env = planningSource(env, this.name);
  }

  reset(): void {
    this.#plan = null;
    this.#episodePlans = 0;
    this.#episodeAdmmIterations = 0;
    this.#episodeAdmmUnconverged = 0;
  }

  /**
   * The episode's plans and, for ADMM, the mean iterations per plan and the plans that hit
   * maxIterations before converging (no wall times: KPIs stay reproducible).
   */
  kpis(): Record<string, number> {
    const out: Record<string, number> = { plans: this.#episodePlans };
    if (this.framework === "admm" && this.#episodePlans > 0) {
      out["admmIterationsPerPlan"] = this.#episodeAdmmIterations / this.#episodePlans;
      out["admmUnconvergedPlans"] = this.#episodeAdmmUnconverged;
    }
    return out;
  }

  #replan(): void {
    const started = performance.now();
    const input = planningInput(this.env, this.horizonHours, this.forecast);
    let s;
    if (this.framework === "admm") {
      const admm = solveAdmm(this.solver, input, this.opts.admm ?? {});
      this.#episodeAdmmIterations += admm.iterations;
      if (!admm.converged) this.#episodeAdmmUnconverged++;
      s = admm;
    } else {
      s = this.framework === "central" ? solveCentral(this.solver, input) : solveDecentral(this.solver, input);
    }
    this.#plan = { households: s.households, communityBattery: s.communityBattery };
    this.#planStart = this.env.t;
    this.plans++;
    this.#episodePlans++;
    this.planMs += performance.now() - started;
  }

  act(): Record<string, ArrayLike<number>> {
    const env = this.env;
    const t = env.t;
    if (this.#plan === null || t - this.#planStart >= this.replanEveryHours || t - this.#planStart >= this.#plan.households[0]!.netImportKw.length) this.#replan();
    const k = t - this.#planStart;
    const plan = this.#plan!;
    const { low, high } = env.actionBounds;
    const out: Record<string, ArrayLike<number>> = {};
    for (let i = 0; i < env.n; i++) {
      const s = plan.households[i]!;
      const o = i * NA;
      const a = new Float64Array(NA);
      a[0] = clip(s.batteryChargeKw[k]! - s.batteryDischargeKw[k]!, low[o]!, high[o]!);
      a[1] = clip(s.evChargeKw[k]! - s.evDischargeKw[k]!, low[o + 1]!, high[o + 1]!);
      a[2] = clip(s.flexKw[k]!, low[o + 2]!, high[o + 2]!);
      a[3] = clip(0.5, low[o + 3]!, high[o + 3]!);
      out[env.householdNames[i]!] = a;
    }
    const cb = env.communityBattery;
    if (cb !== null && env.possibleAgents.includes(COMMUNITY_BATTERY_AGENT)) {
      const c = plan.communityBattery!;
      out[COMMUNITY_BATTERY_AGENT] = Float64Array.of(clip(c.chargeKw[k]! - c.dischargeKw[k]!, -cb.params.maxPowerKw, cb.params.maxPowerKw));
    }
    return out;
  }
}

/** CommunityBatteryGrid-v0's myopic rule (see the file header). */
export class CommunityGridMyopicPolicy implements Policy<Float32Array, Float32Array> {
  readonly name = "myopic";
  #battery: BatteryParams | null = null;

  reset(info: Info): void {
    requirePowerAction(this.name, info);
    const b = info["battery"] as Partial<BatteryParams> | undefined;
    if (!(typeof b?.capacityKwh === "number" && typeof b.maxPowerKw === "number" && typeof b.efficiency === "number")) {
      throw new ConfigError(`${this.name} policy: env reset info`, [{ path: "battery", expected: "{ capacityKwh, maxPowerKw, efficiency } (CommunityBatteryGrid-v0)", received: describeValue(b) }]);
    }
    this.#battery = { capacityKwh: b.capacityKwh, maxPowerKw: b.maxPowerKw, efficiency: b.efficiency };
  }

  act(observation: Float32Array): Float32Array {
    if (this.#battery === null) throw new ResetNeededError(`${this.name} policy`, "act() before reset(info)");
    const b = this.#battery;
    const O = COMMUNITY_BATTERY_OBSERVATION_INDEX;
    const surplusKw = observation[O.pvKw]! - observation[O.loadKw]!;
    return float32PowerAction(feasibleBatteryPowerKw(b, observation[O.soc]! * b.capacityKwh, surplusKw, 1));
  }
}
