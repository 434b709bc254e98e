/**
 * The seed's predictive controller for Microgrid-v0 (SPEC section 1, "Predictive"; seed 001,
 * section 3.3) and the two planners its future work names, as one Policy:
 *
 * - until `activationTick` (the env's, 168, unless set) it is the myopic baseline;
 * - from then on, every `replanEvery` (2) ticks it forecasts load and PV `horizon` (4) ticks
 *   ahead, solves the planner LP (microgrid-lp.ts) over the tick being dispatched (observed,
 *   exact) plus those forecast ticks, and applies the plan's battery set-points until the next
 *   re-plan (rolling horizon: the first action, then the second at the tick in between);
 * - `scenarios: "median"` plans on q50 alone (the seed); `"tree"` is the stochastic planner:
 *   one LP over the three-branch tree (pessimistic / median / optimistic, 0.15 / 0.70 / 0.15)
 *   whose first step's battery decisions are shared by all branches (non-anticipativity), the
 *   later ticks applied from the median branch;
 * - `reserveSoc > 0` is the reserve-aware planner: a minimum state of charge on every battery,
 *   as a soft LP constraint (see microgrid-lp.ts);
 * - where the env publishes an outage hazard (MicrogridResilience-v0's reset info
 *   `outageHazard`; never the realised outages) every planner prices the expected unserved
 *   energy of the outage scenarios at VoLL (`outageRisk`), which replaces the fixed reserve; the
 *   stochastic planner adds a CVaR of that cost over its tree (STOCHASTIC_OUTAGE_CVAR).
 *
 * Why it once imported more than myopic under the flat tariff (bench/microgrid-planners.ts,
 * 10 seeds, Microgrid-v0: persistence +32.8 %, seasonal-naive +4.6 %), both fixed here: (1)
 * between re-plans a load under its forecast was absorbed by charging the battery, from the
 * grid when the plan was importing (now the plan's marginal source takes a miss,
 * batteryShareOfMissKw); (2) self-discharge made the LP prefer storing a forecast surplus to
 * the one at hand, which was exported and lost when the forecast was wrong (now a lead-time
 * cost on battery moves, `leadTimePenaltyPerKwhStep`). Each fix alone: +21.8 % / +3.1 % and
 * +10.6 % / +2.2 %; both: 0.00 % with every forecaster. A plan also re-plans at once when the
 * grid or a battery changes between re-plans.
 *
 * Forecasts come from the policy's own Forecaster (src/forecast; default MPC_FORECASTER, the
 * quantile forest) or from the env's observation (its q05/q50/q95 blocks, `forecast.source:
 * "env"`; configure the env's `forecast.model`),
 * fed with the load, PV and temperature it has observed. The forest reads temperature at the
 * forecast ticks; the policy forecasts it as the same hour a day earlier (the current value
 * before a day is observed). Every forecast used at a planning instant is kept in
 * `planningForecasts`, so the forecast MAE over planning instants can be scored afterwards.
 *
 * Objective and why the terminal value: see microgrid-lp.ts for the LP and
 * `terminalValuePerKwh` below for the choice of its default.
 */
import { z } from "zod";
import type { Info, Policy } from "../../src/core/env.js";
import { ConfigError, parseConfig } from "../../src/core/errors.js";
import { Rng } from "../../src/core/rng.js";
import { createForecaster, scenarioTree, scenarioTreeOptionsSchema, type ForecastContext, type Forecaster, type QuantileForecast } from "../../src/forecast/index.js";
import { storageMaxChargeKw, storageMaxDischargeKw } from "../../src/physics/battery.js";
import { createWarmStart, type Solver } from "../../src/solvers/index.js";
import { MicrogridMyopicPolicy } from "./myopic.js";
import { buildMicrogridLp, planSetPointKw, type MicrogridLpScenario, type MicrogridOutageRisk, type MicrogridPlan } from "../../src/planning/microgrid-lp.js";
import { batteryEnergiesKwh, float32SetPointKw, importWeights, lpBattery, readMicrogridInfo, requireMicrogridInfo, type MicrogridInfo } from "./planner-contract.js";

const forecastSourceSchema = z.discriminatedUnion("source", [
  /** The env's forecast blocks (its `forecast.horizonTicks` must be >= `horizon`). */
  z.strictObject({ source: z.literal("env") }),
  z.strictObject({
    source: z.literal("forecaster"),
    /** createForecaster's config, e.g. { kind: "quantile-forest", refitEvery: 1 }. */
    forecaster: z.unknown(),
    /** Seed of the forecaster's random stream (the forest's subsamples). */
    seed: z.number().int().min(0).default(0),
    /** Month of the episode, a calendar feature (the env's default: 6). */
    month: z.number().int().min(1).max(12).default(6),
  }),
]);

export const microgridPredictiveConfigSchema = z.strictObject({
  /** First planning tick; null: the env's `activationTick` (SPEC: 168). */
  activationTick: z.number().int().min(0).nullable().default(null),
  /** Ticks between re-plans (SPEC: 2). */
  replanEvery: z.number().int().min(1).default(2),
  /** Forecast ticks planned beyond the tick being dispatched (SPEC: 4). */
  horizon: z.number().int().min(1).max(48).default(4),
  /**
   * Where the forecasts come from; default the planner's own quantile forest (MPC_FORECASTER),
   * whatever the env's forecast config. Measured (bench/microgrid-planners.ts, 10 seeds): on
   * MicrogridResilience-v0 it gives the lowest total cost of the forecasters the planner can
   * use (persistence, the env's default, worst by far; seasonal-naive and the blends between);
   * under Microgrid-v0's flat tariff every one of them now imports what myopic imports.
   */
  forecast: forecastSourceSchema.prefault({ source: "forecaster", forecaster: { kind: "quantile-forest", refitEvery: 12 } }),
  /** `median`: the seed's LP on q50; `tree`: the stochastic planner over the three-branch tree. */
  scenarios: z.enum(["median", "tree"]).default("median"),
  /** Branch probabilities of the tree (the seed's 0.15 / 0.70 / 0.15). */
  tree: scenarioTreeOptionsSchema.prefault({}),
  /** Steps of the tree's plan whose battery decisions all branches share. */
  nonAnticipativeSteps: z.number().int().min(1).default(1),
  /**
   * Minimum state of charge kept by the reserve-aware planner (0: none, the seed's planner).
   * The reserve-aware default (RESERVE_AWARE_SOC, 0.35) is the energy that carries the campus
   * night load at its highest (10 % of 50 kW, times 1.3) through the SPEC's 5-tick blackout,
   * 5 h x 6.5 kW / eta_d 0.95 = 34 kWh of 100.
   */
  reserveSoc: z.number().min(0).max(1).default(0),
  /**
   * Cost per kWh and tick below the reserve, in kWh of import: above what restoring a kWh
   * from the grid costs (1 / eta_c + cycling, about 1.07), so the plan restores the reserve
   * whenever the grid can; far below the unserved penalty, so the reserve serves load when
   * nothing else can (what it is kept for).
   */
  reservePenaltyPerKwh: z.number().min(0).default(10),
  /** The seed's cycling proxy per kWh charged or discharged. */
  cyclingPenaltyPerKwh: z.number().min(0).default(0.01),
  /**
   * Worth of each kWh left in storage after the horizon, in kWh of import. With 0 (the LP as
   * the seed writes it) a 4-tick plan values stored energy only if it is used within 4 ticks,
   * so it exports midday surplus the myopic rule would store for the evening. The default
   * 0.9 values a stored kWh at a little under what it will displace when discharged
   * (eta_d = 0.95): enough to store every surplus (worth > cycling), not enough to hold
   * energy back from a deficit (discharging pays 1 - 0.9 / 0.95 > cycling).
   */
  terminalValuePerKwh: z.number().min(0).default(0.9),
  /**
   * Worth of each kWh held after every planned tick, in kWh of import (0: the seed's LP). Under
   * the flat tariff discharging now and importing later cost the same; 0.001 breaks that tie
   * toward keeping charge (measured, 5 seeds: scarcity 46 -> 4 %, import +2.8 %).
   */
  holdingValuePerKwhStep: z.number().min(0).default(0),
  /**
   * What the ticks between two re-plans apply. `correct` (default): the plan's set-points,
   * shifted by what the forecast of that tick's net load (load - PV), now observed, missed: the
   * batteries absorb the error as far as their limits allow, the way the myopic rule absorbs
   * any net load. `as-planned`: the plan's set-points unchanged, so a forecast error lands on
   * the grid (a charge planned on forecast surplus is then bought).
   */
  betweenReplans: z.enum(["correct", "as-planned"]).default("correct"),
  /**
   * Extra cost per kWh charged or discharged and tick of lead time, in kWh of import (see
   * microgrid-lp.ts): among plans equal on the forecast, the one that moves the energy at hand
   * now. 0.005 is above what self-discharge saves by storing a tick later (0.1 %/h of a kWh
   * worth 0.9) and far below any tariff's price step. Without it (0) a plan whose forecast
   * fills the battery later exports the surplus observed now.
   */
  leadTimePenaltyPerKwhStep: z.number().min(0).default(0.005),
  /** Penalty per kWh of planned unserved load. */
  unservedPenaltyPerKwh: z.number().min(0).default(1000),
  /**
   * Chance-constrained outage reserve, used only where the env publishes an outage hazard
   * (reset info `outageHazard`, MicrogridResilience-v0): the planner knows the hazard, not the
   * realisation, and keeps the energy that carries the forecast load through an outage whose
   * length is exceeded with at most this probability (0, default: no outage reserve). The
   * reserve's shortfall is priced at hazard x VoLL per kWh and tick. Measured before
   * `outageRisk` existed (5 seeds, MicrogridResilience-v0, env forecast seasonal-naive, the
   * planner before its lead-time and miss fixes): 0.1 cut unserved energy 55.9 -> 14.2 kWh but
   * raised import cost 7,467 -> 10,158, total 10,262 -> 10,869 (myopic 9,704). It adds to
   * `outageRisk` rather than replacing it; `outageRisk` (default) is the measured-better way.
   */
  outageExceedance: z.number().min(0).max(1).default(0),
  /**
   * How the planner values charge against a published outage hazard (reset info
   * `outageHazard`, MicrogridResilience-v0; the hazard, never the realised outages).
   * `expected-unserved` (default): the LP prices the expected unserved energy of every outage
   * scenario (start after each planned tick at the hazard, each length at its probability,
   * the batteries serving the deficit) at VoLL (microgrid-lp.ts, `outageRisk`), over each
   * branch of the tree for the stochastic planner; the fixed `reserveSoc` is then replaced by
   * this valuation. `off`: none. Without a hazard (Microgrid-v0) neither applies.
   */
  outageRisk: z.enum(["expected-unserved", "off"]).default("expected-unserved"),
  /** Risk aversion over the outage scenarios (microgrid-lp.ts `outageRisk.cvar`): weight x CVaR_alpha of the lost-load cost; weight 0: risk-neutral. */
  outageCvar: z.strictObject({ alpha: z.number().min(0).lt(1).default(0.9), weight: z.number().min(0).default(0) }).prefault({}),
});
export type MicrogridPredictiveConfig = z.output<typeof microgridPredictiveConfigSchema>;
export type MicrogridPredictiveConfigInput = z.input<typeof microgridPredictiveConfigSchema>;

/** The predictive planners' default forecaster: the quantile forest, refitted every 12 planning instants (a day). */
export const MPC_FORECASTER = Object.freeze({ kind: "quantile-forest", refitEvery: 12 });

/** The reserve-aware planner's default minimum state of charge (see `reserveSoc`). */
export const RESERVE_AWARE_SOC = 0.35;

/**
 * The stochastic planner's risk aversion where an outage hazard is published: 0.25 x CVaR_0.9
 * of the lost-load cost on top of its expectation, so the planner that exists for robustness
 * guards against the worst tenth of its outage scenarios. Measured (bench/microgrid-planners.ts,
 * MicrogridResilience-v0, 10 seeds): unserved 10.9 kWh risk-neutral -> 6.6 (the deterministic
 * planner 9.6), total cost 8,567 -> 9,360 (myopic 10,030); weight 0.5: 4.2 kWh, 9,623; 1: 0.6 kWh,
 * 10,093. Risk-neutral, the tree leaves as much unserved as the median plan: the outages that
 * cost are those in the evening peak, where every kWh held is worth hazard x VoLL whatever the
 * load branch, so no branch values holding through the peak more than the median does. Without
 * a hazard it changes nothing.
 */
export const STOCHASTIC_OUTAGE_CVAR = Object.freeze({ alpha: 0.9, weight: 0.25 });

/** The named planners: the seed's, the reserve-aware and the stochastic one. */
export const PREDICTIVE_VARIANTS = {
  mpc: {},
  "mpc-reserve": { reserveSoc: RESERVE_AWARE_SOC },
  "mpc-stochastic": { scenarios: "tree", outageCvar: STOCHASTIC_OUTAGE_CVAR },
} as const satisfies Record<string, MicrogridPredictiveConfigInput>;
export type PredictiveVariant = keyof typeof PREDICTIVE_VARIANTS;

/** One planning instant's median forecasts (ticks tick+1 .. tick+horizon), kW. */
export interface PlanningForecast {
  tick: number;
  loadKw: Float64Array;
  pvKw: Float64Array;
}

/** Where a planning policy's time went, ms (for bench/). */
export interface PlanningTimings {
  instants: number;
  forecastMs: number;
  /** Forecast calls that refitted a model, and their time (own quantile forest only). */
  fits: number;
  fitCallMs: number;
  lpBuildMs: number;
  lpSolveMs: number;
}

const TWO_PI = 2 * Math.PI;

/** The outage hazard an env publishes in its reset info (`outageHazard`, MicrogridResilience-v0). */
interface OutageHazard {
  hazardPerHour: number;
  minLengthTicks: number;
  maxLengthTicks: number;
  size: number;
  fromTick: number;
}

export class MicrogridPredictivePolicy implements Policy<Float32Array, Float32Array> {
  readonly name: string;
  readonly config: MicrogridPredictiveConfig;
  readonly #solver: Solver;
  readonly #myopic = new MicrogridMyopicPolicy();
  /** This policy's own simplex warm start (re-plans solve same-size LPs), cleared at every reset. */
  readonly #warmStart = createWarmStart();
  #info: MicrogridInfo | null = null;
  #activation = 0;
  #t = 0;
  #energyKwh = new Float64Array(0);
  #plan: MicrogridPlan | null = null;
  #planStart = 0;
  /** Grid status, then each battery's availability, at the last planning tick. */
  #planAvailability = new Float64Array(0);
  #forecaster: Forecaster | null = null;
  #startHour = 0;
  #startWeekday = 0;
  #loadHistory = new Float64Array(0);
  #pvHistory = new Float64Array(0);
  #temperature = new Float64Array(0);
  /** The median forecasts of every planning instant of the current episode. */
  planningForecasts: PlanningForecast[] = [];
  timings: PlanningTimings = zeroTimings();
  #outagePenalty = 0;
  #outage: OutageHazard | null = null;
  /** The published hazard the expected-unserved term prices (null: none published, or `outageRisk: off`). */
  #hazard: OutageHazard | null = null;
  /** VoLL in kWh of import at the base price (0: lost load not priced). */
  #vollUnits = 0;

  constructor(solver: Solver, config: unknown = {}, name?: string) {
    this.config = parseConfig("predictive config", microgridPredictiveConfigSchema, config);
    if (this.config.forecast.source === "forecaster") createForecaster(this.config.forecast.forecaster);
    this.#solver = solver;
    this.name = name ?? (this.config.scenarios === "tree" ? "mpc-stochastic" : this.config.reserveSoc > 0 ? "mpc-reserve" : "mpc");
  }

  /** The plan of the last planning instant (for tests and reports). */
  get plan(): MicrogridPlan | null {
    return this.#plan;
  }

  /** First planning tick of the current episode. */
  get activationTick(): number {
    return this.#activation;
  }

  reset(info: Info): void {
    const mi = readMicrogridInfo(this.name, info);
    const hz = info["outageHazard"] as OutageHazard | undefined;
    this.#outage = hz !== undefined && hz.hazardPerHour > 0 && this.config.outageExceedance > 0 ? hz : null;
    // the reserve's worth per kWh short and tick, in kWh of import: the chance an outage starts in that tick times VoLL
    const voll = (info["reward"] as { valueOfLostLoadPerKwh?: number } | undefined)?.valueOfLostLoadPerKwh ?? 0;
    this.#vollUnits = voll > 0 && mi.grid.costPerKwh > 0 ? voll / mi.grid.costPerKwh : 0;
    this.#hazard = hz !== undefined && hz.hazardPerHour > 0 && this.#vollUnits > 0 && this.config.outageRisk === "expected-unserved" ? hz : null;
    this.#outagePenalty = this.#outage !== null && mi.grid.costPerKwh > 0 ? (this.#outage.hazardPerHour * voll) / mi.grid.costPerKwh : 0;
    if (this.config.forecast.source === "env" && mi.horizonTicks < this.config.horizon) {
      throw new ConfigError(`${this.name} policy`, [{ path: "horizon", expected: `at most the env's forecast.horizonTicks (${mi.horizonTicks}) with forecast.source "env"`, received: String(this.config.horizon) }]);
    }
    this.#info = mi;
    this.#myopic.reset(info);
    this.#warmStart.clear();
    this.#activation = this.config.activationTick ?? mi.activationTick;
    this.#t = 0;
    this.#energyKwh = Float64Array.from(mi.batteries, (b) => b.initialEnergyKwh);
    this.#plan = null;
    this.#planStart = 0;
    const n = mi.episodeTicks + this.config.horizon + 1;
    this.#loadHistory = new Float64Array(n);
    this.#pvHistory = new Float64Array(n);
    this.#temperature = new Float64Array(n);
    this.planningForecasts = [];
    this.timings = zeroTimings();
    const f = this.config.forecast;
    // a fresh forecaster on the same stream every episode: an episode's actions never depend on the episodes this instance ran before
    this.#forecaster = f.source === "forecaster" ? createForecaster(f.forecaster, new Rng(f.seed, "predictive-forecast").child("episode")) : null;
  }

  act(observation: Float32Array, stepInfo: Info): Float32Array {
    const info = requireMicrogridInfo(this.name, this.#info);
    const idx = info.observationIndex;
    const t = this.#t++;
    batteryEnergiesKwh(info, stepInfo, this.#energyKwh);
    if (t < this.#loadHistory.length) {
      this.#loadHistory[t] = observation[idx.loadKw]!;
      this.#pvHistory[t] = observation[idx.pvKw]!;
      this.#temperature[t] = observation[idx.temperatureC]!;
    }
    if (t === 0) {
      this.#startHour = angleIndex(observation[0]!, observation[1]!, 24);
      this.#startWeekday = angleIndex(observation[2]!, observation[3]!, 7);
    }
    if (t < this.#activation) return this.#myopic.act(observation, stepInfo);
    if (this.#plan === null || (t - this.#activation) % this.config.replanEvery === 0 || t - this.#planStart >= this.#plan.steps || this.#eventSincePlan(observation, info)) {
      this.#replan(t, observation, info);
    }
    const plan = this.#plan!;
    const k = t - this.#planStart;
    const median = this.config.scenarios === "tree" ? 1 : 0;
    const B = info.batteries.length;
    const setPoints = new Float64Array(B);
    for (let i = 0; i < B; i++) setPoints[i] = planSetPointKw(plan, i, k, median);
    if (k > 0 && this.config.betweenReplans === "correct") {
      const sc = plan.scenarios[median]!;
      const missedKw = (observation[idx.loadKw]! - observation[idx.pvKw]!) - (sc.loadKw[k]! - sc.pvKw[k]!);
      this.#absorb(info, observation, setPoints, batteryShareOfMissKw(missedKw, sc.importKw[k]!, sc.exportKw[k]! + sc.curtailmentKw[k]!));
    }
    const out = new Float32Array(B);
    for (let i = 0; i < B; i++) {
      const limitKw = info.batteries[i]!.maxPowerKw * observation[idx.batteryAvailableStart + i]!;
      out[i] = float32SetPointKw(setPoints[i]!, limitKw);
    }
    return out;
  }

  /**
   * Whether the grid or a battery's availability differs from what the plan assumed (it plans
   * on the availability of its planning tick lasting over the horizon): an outage that begins or
   * ends between re-plans makes the policy re-plan at once rather than apply set-points made
   * for a grid it no longer has.
   */
  #eventSincePlan(observation: Float32Array, info: MicrogridInfo): boolean {
    const a = this.#planAvailability;
    const idx = info.observationIndex;
    if (observation[idx.gridStatus]! !== a[0]) return true;
    for (let i = 0; i < info.batteries.length; i++) if (observation[idx.batteryAvailableStart + i]! !== a[i + 1]) return true;
    return false;
  }

  /** Shifts the set-points by -missedKw in battery order, each within what its state (and reserve) allows. */
  #absorb(info: MicrogridInfo, observation: Float32Array, setPoints: Float64Array, missedKw: number): void {
    let left = -missedKw;
    if (left === 0) return;
    for (let i = 0; i < setPoints.length && Math.abs(left) > 1e-9; i++) {
      const b = info.batteries[i]!;
      const available = observation[info.observationIndex.batteryAvailableStart + i]!;
      // the correction never spends the reserve while the grid can cover the miss instead
      const keepSoc = this.#fixedReserveSoc() > 0 && observation[info.observationIndex.gridStatus]! > 0 ? this.config.reserveSoc : b.minSoc;
      const lo = -storageMaxDischargeKw({ ...b, minSoc: Math.max(b.minSoc, keepSoc) }, this.#energyKwh[i]!, info.dtHours) * available;
      const hi = storageMaxChargeKw(b, this.#energyKwh[i]!, info.dtHours) * available;
      const want = setPoints[i]! + left;
      const got = want < lo ? lo : want > hi ? hi : want;
      left -= got - setPoints[i]!;
      setPoints[i] = got;
    }
  }

  #forecasts(t: number, observation: Float32Array, info: MicrogridInfo): { load: QuantileForecast; pv: QuantileForecast } {
    const H = this.config.horizon;
    const idx = info.observationIndex;
    if (this.#forecaster === null) {
      const block = (start: number) => Float64Array.from(observation.subarray(start, start + H));
      return {
        load: { q05: block(idx.loadQ05Start), q50: block(idx.loadQ50Start), q95: block(idx.loadQ95Start) },
        pv: { q05: block(idx.pvQ05Start), q50: block(idx.pvQ50Start), q95: block(idx.pvQ95Start) },
      };
    }
    // temperature at the forecast ticks: the same hour a day earlier, else the value now
    const temp = this.#temperature;
    for (let k = 1; k <= H; k++) temp[t + k] = t + k - 24 >= 0 ? temp[t + k - 24]! : temp[t]!;
    const month = this.config.forecast.source === "forecaster" ? this.config.forecast.month : 6;
    const ctx: ForecastContext = {
      t,
      horizon: H,
      series: { loadKw: this.#loadHistory.subarray(0, t + 1), pvKw: this.#pvHistory.subarray(0, t + 1) },
      covariates: { temperatureC: temp },
      calendar: (tick: number) => ({
        hourOfDay: (this.#startHour + tick) % 24,
        dayOfWeek: (this.#startWeekday + Math.floor((this.#startHour + tick) / 24)) % 7,
        month,
      }),
    };
    const fitsBefore = fitCount(this.#forecaster);
    const t0 = performance.now();
    const load = this.#forecaster.forecast("loadKw", ctx);
    const t1 = performance.now();
    const pv = this.#forecaster.forecast("pvKw", ctx);
    if (fitCount(this.#forecaster) > fitsBefore) {
      this.timings.fits++;
      this.timings.fitCallMs += t1 - t0;
    }
    return { load, pv };
  }

  /**
   * The reserve of this planning instant: the configured one, or where an outage hazard is
   * published, the state of charge that carries the mean forecast load (no PV counted) through
   * the outage length exceeded with probability outageExceedance, whichever is higher.
   */
  #reserveSoc(loadQ50: ArrayLike<number>, loadNow: number, info: MicrogridInfo): number {
    const o = this.#outage;
    if (o === null) return this.#fixedReserveSoc();
    let sum = loadNow;
    for (let k = 0; k < this.config.horizon; k++) sum += Math.max(0, loadQ50[k]!);
    const meanLoadKw = sum / (this.config.horizon + 1);
    const L = outageLengthQuantile(o.minLengthTicks, o.maxLengthTicks, this.config.outageExceedance);
    let capacity = 0, etaD = 0;
    for (const b of info.batteries) { capacity += b.capacityKwh; etaD += b.dischargeEfficiency * b.capacityKwh; }
    etaD /= capacity;
    const needKwh = (meanLoadKw * L * info.dtHours * o.size) / etaD;
    return Math.max(this.#fixedReserveSoc(), Math.min(0.95, needKwh / capacity));
  }

  /** The fixed reserve in force: `reserveSoc`, unless a published hazard prices the reserve instead. */
  #fixedReserveSoc(): number {
    return this.#hazard !== null ? 0 : this.config.reserveSoc;
  }

  /**
   * The expected-unserved term of this instant (null: no hazard, or the grid is down now, when
   * the plan already has no grid): per scenario and step, the deficit of the 1 .. maxLength
   * ticks after it, from the scenario's load and PV inside the horizon and beyond it the load
   * and PV observed the same hour a day earlier (the median's last planned value before a day
   * is seen), shifted by how far the scenario lies from the median at the last lead: a branch
   * of the tree with a higher load keeps it past the horizon, so it prices a longer outage's
   * deficit higher too.
   */
  #outageRisk(t: number, scenarios: readonly MicrogridLpScenario[], gridUp: boolean, info: MicrogridInfo): MicrogridOutageRisk | undefined {
    const o = this.#hazard;
    if (o === null || !gridUp) return undefined;
    const H = this.config.horizon;
    const M = o.maxLengthTicks;
    const hazardPerStep = new Float64Array(H + 1);
    for (let k = 0; k <= H; k++) hazardPerStep[k] = t + k + 1 >= o.fromTick ? o.hazardPerHour : 0;
    const lengthProbabilities = new Float64Array(M);
    for (let L = o.minLengthTicks; L <= M; L++) lengthProbabilities[L - 1] = 1 / (M - o.minLengthTicks + 1);
    const keptKw = (1 - o.size) * info.grid.capacityKw;
    const dt = info.dtHours;
    const median = scenarios[this.config.scenarios === "tree" ? 1 : 0]!;
    const deficitKwh = scenarios.map((sc) => {
      const loadShift = sc.loadKw[H]! - median.loadKw[H]!;
      const pvShift = sc.pvKw[H]! - median.pvKw[H]!;
      // net deficit of ticks t + 1 .. t + H + M
      const deficit = new Float64Array(H + M);
      for (let j = 1; j <= H + M; j++) {
        let load: number, pv: number;
        if (j <= H) { load = sc.loadKw[j]!; pv = sc.pvKw[j]!; }
        else if (t + j - 24 >= 0 && t + j - 24 <= t) {
          load = Math.max(0, this.#loadHistory[t + j - 24]! + loadShift);
          pv = Math.max(0, this.#pvHistory[t + j - 24]! + pvShift);
        } else { load = sc.loadKw[H]!; pv = sc.pvKw[H]!; }
        deficit[j - 1] = Math.max(0, load - pv - keptKw) * dt;
      }
      const perStep: Float64Array[] = [];
      for (let k = 0; k <= H; k++) {
        const d = new Float64Array(M);
        let sum = 0;
        for (let L = 1; L <= M; L++) { sum += deficit[k + L - 1]!; d[L - 1] = sum; }
        perStep.push(d);
      }
      return perStep;
    });
    return { hazardPerStep, lengthProbabilities, valueOfLostLoadPerKwh: this.#vollUnits, deficitKwh, cvar: this.config.outageCvar };
  }

  /** The LP's reserve term of this instant: the configured reserve, or the outage reserve valued at hazard x VoLL. */
  #reserve(loadQ50: ArrayLike<number>, loadNow: number, info: MicrogridInfo): { soc: number; penaltyPerKwh: number } | undefined {
    const fixed = this.#fixedReserveSoc();
    if (this.#outage === null) return fixed > 0 ? { soc: fixed, penaltyPerKwh: this.config.reservePenaltyPerKwh } : undefined;
    const soc = this.#reserveSoc(loadQ50, loadNow, info);
    return soc > 0 ? { soc, penaltyPerKwh: fixed >= soc ? this.config.reservePenaltyPerKwh : this.#outagePenalty } : undefined;
  }

  #replan(t: number, observation: Float32Array, info: MicrogridInfo): void {
    const idx = info.observationIndex;
    const H = this.config.horizon;
    const t0 = performance.now();
    const { load, pv } = this.#forecasts(t, observation, info);
    const t1 = performance.now();
    this.planningForecasts.push({ tick: t, loadKw: load.q50.slice(), pvKw: pv.q50.slice() });

    const loadNow = observation[idx.loadKw]!;
    const pvNow = observation[idx.pvKw]!;
    const withNow = (now: number, ahead: ArrayLike<number>): Float64Array => {
      const s = new Float64Array(H + 1);
      s[0] = now;
      for (let k = 0; k < H; k++) s[k + 1] = Math.max(0, ahead[k]!);
      return s;
    };
    const scenarios: MicrogridLpScenario[] = this.config.scenarios === "tree"
      ? scenarioTree(load, pv, this.config.tree.probabilities).map((s) => ({ name: s.name, probability: s.probability, loadKw: withNow(loadNow, s.loadKw), pvKw: withNow(pvNow, s.pvKw) }))
      : [{ name: "median", probability: 1, loadKw: withNow(loadNow, load.q50), pvKw: withNow(pvNow, pv.q50) }];
    // grid and battery availability now are assumed to last over the horizon (no foresight of events)
    const gridKw = observation[idx.gridStatus]! * info.grid.capacityKw;
    const batteries = info.batteries.map((_, i) => lpBattery(info, i, this.#energyKwh[i]!, new Float64Array(H + 1).fill(observation[idx.batteryAvailableStart + i]!)));
    const { model, decode } = buildMicrogridLp({
      dtHours: info.dtHours,
      batteries,
      scenarios,
      gridCapacityKw: gridKw,
      cyclingPenaltyPerKwh: this.config.cyclingPenaltyPerKwh,
      exportCreditPerKwh: info.grid.costPerKwh > 0 ? info.grid.exportPricePerKwh / info.grid.costPerKwh : 0,
      importWeights: importWeights(info, t, H + 1),
      unservedPenaltyPerKwh: this.config.unservedPenaltyPerKwh,
      outageRisk: this.#outageRisk(t, scenarios, observation[idx.gridStatus]! > 0, info),
      terminalValuePerKwh: this.config.terminalValuePerKwh,
      holdingValuePerKwhStep: this.config.holdingValuePerKwhStep,
      reserve: this.#reserve(load.q50, loadNow, info),
      nonAnticipativeSteps: this.config.nonAnticipativeSteps,
      leadTimePenaltyPerKwhStep: this.config.leadTimePenaltyPerKwhStep,
    });
    const t2 = performance.now();
    const sol = this.#solver.solve(model, { warmStart: this.#warmStart });
    this.#plan = decode(sol.x);
    this.#planStart = t;
    this.#planAvailability = Float64Array.from({ length: info.batteries.length + 1 }, (_, j) => observation[j === 0 ? idx.gridStatus : idx.batteryAvailableStart + j - 1]!);
    const tm = this.timings;
    tm.instants++;
    tm.forecastMs += t1 - t0;
    tm.lpBuildMs += t2 - t1;
    tm.lpSolveMs += sol.solveMs;
  }
}

/**
 * The part of a missed net load (observed minus planned load - PV, kW) that the batteries take
 * between re-plans, the rest left to the grid: the plan's marginal source at that tick takes the
 * miss. More net load than planned first eats into the surplus the plan let go (export,
 * curtailment); the rest is served by the batteries unless the plan imports at that tick (the
 * plan chose the grid there, e.g. to hold charge for a dearer hour or a reserve), then by the
 * grid. Less net load than planned first cuts the plan's import, and only the surplus beyond
 * it is stored: a load below its forecast never makes the battery charge from the grid.
 */
export function batteryShareOfMissKw(missedKw: number, plannedImportKw: number, plannedSpillKw: number): number {
  if (missedKw > 0) return plannedImportKw > 1e-9 ? 0 : Math.max(0, missedKw - plannedSpillKw);
  return -Math.max(0, -missedKw - plannedImportKw);
}

/**
 * The outage length exceeded with probability at most `eps` under the uniform length
 * distribution on [min, max] (integers): the smallest L with P(length > L) <= eps.
 */
export function outageLengthQuantile(minTicks: number, maxTicks: number, eps: number): number {
  const n = maxTicks - minTicks + 1;
  for (let L = minTicks; L <= maxTicks; L++) if ((maxTicks - L) / n <= eps) return L;
  return maxTicks;
}

function zeroTimings(): PlanningTimings {
  return { instants: 0, forecastMs: 0, fits: 0, fitCallMs: 0, lpBuildMs: 0, lpSolveMs: 0 };
}

function fitCount(f: Forecaster): number {
  return (f as { fitCount?: number }).fitCount ?? 0;
}

/** The integer position (hour, weekday) encoded by sin/cos of 2 pi k / period. */
function angleIndex(sin: number, cos: number, period: number): number {
  const k = Math.round((Math.atan2(sin, cos) * period) / TWO_PI);
  return ((k % period) + period) % period;
}
