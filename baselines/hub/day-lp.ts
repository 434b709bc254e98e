/**
 * The energy hub's contract-aware planners (issue #13), for EnergyHub-v0 and, per hub,
 * EnergyHubParallel-v0: the LP of src/planning/hub-day-lp.ts, which prices what the env charges,
 * the balancing settlement of each purchased input's deviation from its day-ahead contract
 * (plus the reward's penalty per kWh balanced), where `lp` (policies.ts) minimises the cost of
 * the inputs and leaves the contract to the aggregators' methods and the balancing market.
 *
 * The hub has no inter-temporal coupling (hub-day-lp.ts): a day LP is 48 independent blocks,
 * so its optimum is each half hour's own optimum, and what a half hour's block needs, its loads,
 * resource and contract, the env publishes exactly in the info before the step (`hubStep`,
 * `contractKw`: the element agents' forecasts are exact and the contract is known day-ahead).
 * - HubContractLpPolicy with horizon 1: the LP of the coming half hour on those true values,
 *   which is the day LP's plan for it (the test checks the two agree).
 * - `mpc` (HubContractLpPolicy, horizon "day"): the day LP rolled every half hour over the steps
 *   left in the day, the coming one from the info and the later ones forecast by persistence
 *   (the env publishes nothing about them); it plays the first step. With no coupling the later
 *   blocks cannot change the first, so `mpc` plays the one-step LP's dispatch.
 * - `oracle` (HubOraclePolicy): what the LP cannot price is what follows the dispatch inside
 *   the half hour: the commercial aggregator's request, the hub's method, the other hubs' answers
 *   and the auctions (Method 3 sells a surplus at the bidder's price, a hub that wins another's
 *   auction pays its bid). The oracle foresees them exactly: at reset it runs a copy of the env
 *   (same config, same seed) under each candidate plan (the one-step contract LP, `lp`,
 *   `myopic`, `fit-and-forget`) and plays, each half hour, the candidate whose half hour has the
 *   highest reward there. Since no state of the env that prices a half hour depends on earlier
 *   actions, a half hour's outcome under a candidate is the same in the copy as in the episode
 *   (the oracle checks the loads and contracts it meets against the copy's, and the test checks
 *   the outcomes). On EnergyHubParallel-v0 (every hub an agent, no copy to run alone) each
 *   hub's `oracle` is the one-step contract LP.
 * The deviation requests, methods and auctions that follow the dispatch are the env's: a hub
 * that meets its contract gets no request. Contract terms (balancing fee, refund share, reward
 * weights) come from the env's config.
 */
import type { HubPlannerResetInfo, HubPlanningInfo } from "../../envs/energy-hub/contract.js";
import type { EnergyHubConfig } from "../../envs/energy-hub/index.js";
import { EnergyHubEnv } from "../../envs/energy-hub/index.js";
import type { Env, Info, Policy } from "../../src/core/env.js";
import { ConfigError, ResetNeededError, describeValue } from "../../src/core/errors.js";
import type { Hub, HubStep } from "../../src/physics/energy-hub.js";
import { solveHubDayLp, type HubContractTerms } from "../../src/planning/hub-day-lp.js";
import { HUB_OBJECTIVES, type HubObjective } from "../../src/planning/hub-lp.js";
import type { Solver } from "../../src/solvers/index.js";
import { HubFitAndForgetPolicy, HubLpPolicy, HubMyopicPolicy, hubSetPoints } from "./policies.js";

/** The contract terms of an energy-hub env's config (`env` or what it wraps). */
export function hubContractTerms(env: unknown, policy: string): HubContractTerms {
  const inner = (env as { unwrapped?: unknown } | null)?.unwrapped ?? env;
  const cfg = (inner as { config?: Partial<EnergyHubConfig> } | null)?.config;
  if (cfg?.balancing === undefined || cfg.reward === undefined) {
    throw new ConfigError(`${policy} policy`, [{ path: "env", expected: "an energy-hub env (EnergyHub-v0 or EnergyHubParallel-v0) with its config", received: describeValue((inner as object | null)?.constructor?.name) }]);
  }
  return {
    balancingPriceGbpPerKwh: cfg.balancing.priceGbpPerKwh,
    surplusRefundShare: cfg.balancing.surplusRefundShare,
    objectiveWeight: cfg.reward.objectiveWeight,
    balancedDeviationPerKwh: cfg.reward.balancedDeviationPerKwh,
  };
}

/** What the planner reads once per episode from the reset info. */
interface HubEpisode {
  hub: Hub;
  controllable: number[];
  objective: HubObjective;
  episodeSteps: number;
  stepsPerDay: number;
}

export class HubContractLpPolicy implements Policy<Float32Array, Float64Array> {
  readonly name: string;
  readonly #solver: Solver;
  readonly #terms: HubContractTerms;
  /** 1: the coming half hour; "day": the steps left in its day. */
  readonly horizon: 1 | "day";
  #ep: HubEpisode | null = null;
  #t = 0;
  /** LPs solved over the policy's life. */
  plans = 0;

  constructor(env: unknown, solver: Solver, horizon: 1 | "day") {
    this.name = horizon === 1 ? "contract-lp" : "mpc";
    this.horizon = horizon;
    this.#solver = solver;
    this.#terms = hubContractTerms(env, this.name);
  }

  reset(info: Info): void {
    const r = info as Partial<HubPlannerResetInfo>;
    if (r.hub === undefined || r.controllableDeviceIndices === undefined || r.objective === undefined || !HUB_OBJECTIVES.includes(r.objective)
      || typeof r.dtHours !== "number" || typeof r.episodeSteps !== "number") {
      throw new ConfigError(`${this.name} policy: env reset info`, [{ path: "hub, controllableDeviceIndices, objective, dtHours, episodeSteps", expected: "the reset info of an energy-hub env", received: describeValue(Object.keys(info).join(", ")) }]);
    }
    this.#ep = { hub: r.hub, controllable: r.controllableDeviceIndices, objective: r.objective, episodeSteps: r.episodeSteps, stepsPerDay: Math.round(24 / r.dtHours) };
    this.#t = 0;
  }

  act(_observation: Float32Array, info: Info): Float64Array {
    const ep = this.#ep;
    if (ep === null) throw new ResetNeededError(`${this.name} policy`, "act() before reset(info)");
    const { hubStep, contractKw } = info as unknown as HubPlanningInfo;
    const t = this.#t++;
    const left = this.horizon === 1 ? 1 : Math.max(1, Math.min(ep.stepsPerDay - (t % ep.stepsPerDay), ep.episodeSteps - t));
    // persistence: the coming half hour's loads, resource and contract for every later step
    const steps: HubStep[] = Array.from({ length: left }, () => hubStep);
    const contracts: [number, number][] = Array.from({ length: left }, () => [contractKw[0], contractKw[1]]);
    const plan = solveHubDayLp(this.#solver, ep.hub, steps, contracts, ep.objective, this.#terms);
    this.plans++;
    return hubSetPoints(ep.hub, hubStep, plan.dispatches[0]!.deviceInputKw, ep.controllable);
  }
}

/** One candidate's run on the env's copy: its action, reward and cost per half hour. */
interface CandidateRun {
  name: string;
  /** The loads, resource and contract met before each half hour (planningKey). */
  keys: string[];
  actions: Float64Array[];
  rewards: Float64Array;
  costsGbp: Float64Array;
}

/** The loads, resource and contract a planner meets before each half hour, as one comparable string. */
function planningKey(info: Info): string {
  const { hubStep: s, contractKw: c } = info as unknown as HubPlanningInfo;
  return `${s.electricLoadKw},${s.heatLoadKw},${s.solarResourceKw},${s.windResourceKw},${c[0]},${c[1]}`;
}

/** EnergyHub-v0's perfect-foresight oracle (see the file header). */
export class HubOraclePolicy implements Policy<Float32Array, Float64Array> {
  readonly name = "oracle";
  readonly #env: EnergyHubEnv | null;
  readonly #solver: Solver;
  readonly #seed: number;
  /** On EnergyHubParallel-v0: the one-step contract LP of this hub. */
  readonly #lp: HubContractLpPolicy | null;
  #plan: { actions: Float64Array[]; keys: string[]; chosen: string[] } | null = null;
  #t = 0;

  /** `seed`: the episode's reset seed (the factory's), which the copy of the env is reset with. */
  constructor(env: Env<unknown, unknown> | unknown, solver: Solver, seed: number) {
    const inner = (env as { unwrapped?: unknown }).unwrapped;
    this.#env = inner instanceof EnergyHubEnv ? inner : null;
    this.#lp = this.#env === null ? new HubContractLpPolicy(env, solver, 1) : null;
    this.#solver = solver;
    this.#seed = seed;
  }

  /** Per half hour of the current episode, which candidate the oracle plays (EnergyHub-v0). */
  get chosen(): readonly string[] {
    return this.#plan?.chosen ?? [];
  }

  /** Each candidate's run on a copy of the env, reset with the seed this oracle was built for. */
  candidateRuns(): CandidateRun[] {
    const env = this.#env!;
    const candidates: Policy<Float32Array, Float64Array>[] = [
      new HubContractLpPolicy(env, this.#solver, 1), new HubLpPolicy(this.#solver), new HubMyopicPolicy(), new HubFitAndForgetPolicy(),
    ];
    return candidates.map((policy) => {
      const copy = new EnergyHubEnv(env.config, env.system.solver);
      try {
        const r0 = copy.reset({ seed: this.#seed });
        policy.reset?.(r0.info);
        const T = copy.episodeSteps;
        const run: CandidateRun = { name: policy.name, keys: [], actions: [], rewards: new Float64Array(T), costsGbp: new Float64Array(T) };
        let obs = r0.observation;
        let info = r0.info;
        for (let t = 0; t < T; t++) {
          run.keys.push(planningKey(info));
          const a = Float64Array.from(policy.act(obs, info));
          const s = copy.step(a);
          run.actions.push(a);
          run.rewards[t] = s.reward;
          run.costsGbp[t] = s.info["costGbp"] as number;
          obs = s.observation;
          info = s.info;
        }
        return run;
      } finally {
        copy.close();
      }
    });
  }

  reset(info: Info): void {
    this.#t = 0;
    if (this.#lp !== null) {
      this.#lp.reset(info);
      return;
    }
    const runs = this.candidateRuns();
    const keys = runs[0]!.keys;
    const actions: Float64Array[] = [];
    const chosen: string[] = [];
    for (let t = 0; t < keys.length; t++) {
      let best = runs[0]!;
      for (const r of runs) if (r.rewards[t]! > best.rewards[t]!) best = r;
      actions.push(best.actions[t]!);
      chosen.push(best.name);
    }
    this.#plan = { actions, keys, chosen };
    if (planningKey(info) !== keys[0]) throw this.#otherEpisode(0);
  }

  #otherEpisode(t: number): ConfigError {
    return new ConfigError(`${this.name} policy`, [{ path: "episode", expected: `the episode of reset seed ${this.#seed} that the oracle foresaw (build one oracle per episode seed)`, received: `other loads or contracts at step ${t}` }]);
  }

  act(observation: Float32Array, info: Info): Float64Array {
    if (this.#lp !== null) return this.#lp.act(observation, info);
    const plan = this.#plan;
    if (plan === null) throw new ResetNeededError(`${this.name} policy`, "act() before reset(info)");
    const t = this.#t++;
    if (t >= plan.actions.length || planningKey(info) !== plan.keys[t]) throw this.#otherEpisode(t);
    return plan.actions[t]!.slice();
  }
}
