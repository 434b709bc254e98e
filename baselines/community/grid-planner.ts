/**
 * Planners for CommunityBatteryGrid-v0 (issue #13): the community battery is the one agent, every
 * household runs the rule of envs/community/household-rule.ts.
 *
 * The households' net load at the PCC is exogenous to the battery: the rule reads only a
 * household's own load, PV, home-battery SoC, EV session and flexible-load window (never the
 * community battery's SoC, the PCC voltage or power), and the P2P market is clearing of money,
 * not of power. So the battery's hour t changes only the PCC power P[t] = net[t] + battery[t],
 * and the env's community cost is, per hour,
 *   importPrice[t] max(P, 0) - exportPrice[t] max(-P, 0) - flexibility settlement[t]
 * where the settlement (contracts over household assets only) does not depend on the battery:
 * it is a constant of the plan and drops out. The LP (`buildGridBatteryLp`):
 *   min  sum_t (importPrice[t] imp[t] - exportPrice[t] exp[t]) dt + c_over sum_t over[t]
 *   s.t. imp[t] - exp[t] - ch[t] + dis[t] = net[t]     imp, exp >= 0 (import price >= export price: convex)
 *        imp[t], exp[t] <= limit[t] + over[t]           only with a grid-violation penalty (below)
 *        battery: addCommunityBatteryBlock (SPEC eq. 1g, sqrt(eta) each way, 0 <= e <= capacity)
 * Grid penalty: the env charges `rewards.gridViolationEurPerHour` in an hour with a voltage outside
 * its limits or the transformer above 100 %. The LP approximates it by the transformer alone: the
 * PCC power stays within limit[t] = sqrt((rating vMin)^2 - Q[t]^2) (Q the households' reactive
 * power, vMin the lower voltage limit: the loading is |S| / (rating V), and V >= vMin in every hour
 * without a voltage violation, so this bound keeps the loading <= 100 %; measured, 630 kW at the
 * PCC with V = 0.988 p.u. loads the default transformer to 101 %), and every kW beyond costs the
 * hour's penalty (c_over = gridViolationEurPerHour per kW), so the plan crosses the limit only
 * where the households alone do. Without a penalty (the default) the
 * transformer costs nothing and the plan is free to charge at full power.
 *
 * - `CommunityGridOraclePolicy` (`oracle`): perfect foresight of the week. At reset it runs a copy
 *   of the env (same config and start day, battery idle) to read the households' true net load and
 *   reactive power, solves the LP once over the whole episode (terminal "free": the env does not
 *   value the energy left at the end) and replays the plan's stored-energy path.
 * - `CommunityGridMpcPolicy` (`mpc`): rolling horizon, re-planned every hour over the next 24 h
 *   (cut at the episode's end) on what the battery agent observes: the spot prices of the horizon
 *   (this hour and the 24 h ahead in the observation) and a seasonal-naive forecast of the
 *   households' net load, each hour as the same hour a day earlier (from the observed
 *   `lastHouseholdsNetKw` history), during the first day as the last observed hour (this hour's
 *   base load minus PV in the first hour). Terminal: equal energy at the horizon's end, or free
 *   once the horizon reaches the episode's end. Its PCC limit is rating x the consumption power
 *   factor x vMin (it does not see Q).
 * Both play the first hour's stored-energy target of their plan, the power computed from the
 * env's exact stored energy (the last info's `community.communityBattery.energyKwh`).
 */
import type { Env, Info, Policy } from "../../src/core/env.js";
import { ConfigError, ResetNeededError, describeValue, type FieldIssue } from "../../src/core/errors.js";
import type { BatteryParams } from "../../src/physics/battery.js";
import { LpModel, type Solver } from "../../src/solvers/index.js";
import type { CommunityBatterySpec } from "../../envs/community/contract.js";
import { COMMUNITY_BATTERY_OBSERVATION_INDEX, CommunityBatteryGridEnv, type CommunityEnvConfig } from "../../envs/community/index.js";
import { float32PowerAction } from "../storage/planner-contract.js";
import { addCommunityBatteryBlock, tariffPrices, type CommunityTariff } from "./central.js";

/** The community battery LP of CommunityBatteryGrid-v0 over a horizon (see the file header). */
export interface GridBatteryLpInput {
  /** The households' net draw at the PCC per hour without the community battery, kW (import > 0); its length is the horizon T. */
  householdsNetKw: ArrayLike<number>;
  /** Spot price per hour, EUR/kWh, length T. */
  spotEurPerKwh: ArrayLike<number>;
  tariff: CommunityTariff;
  battery: CommunityBatterySpec;
  /** "free": no terminal row (an episode-long plan); "equal-energy": end where it starts. */
  terminal: "free" | "equal-energy";
  dtHours?: number;
  /** The PCC limit per hour (kW, both directions) and the cost of each kW beyond it, EUR; null: no limit. */
  pccLimit?: { kw: ArrayLike<number>; eurPerKwOver: number } | null;
}

/** A plan of the community battery, one entry per hour. */
export interface GridBatteryPlan {
  chargeKw: Float64Array;
  dischargeKw: Float64Array;
  /** Stored energy after each hour, kWh. */
  energyKwh: Float64Array;
  /** PCC power, kW (import > 0). */
  pccKw: Float64Array;
  /** kW beyond the PCC limit per hour (zeros without a limit). */
  overKw: Float64Array;
  /** The PCC bill of the plan, EUR (the community cost without the settlement, a constant). */
  pccBillEur: number;
  /** The LP's objective: the bill plus the cost of the kW beyond the limit. */
  objective: number;
}

function checkInput(input: GridBatteryLpInput): void {
  const issues: FieldIssue[] = [];
  const T = input.householdsNetKw?.length;
  if (!Number.isInteger(T) || T < 1) issues.push({ path: "householdsNetKw", expected: "an array of length >= 1", received: describeValue(input.householdsNetKw) });
  const series = (path: string, s: ArrayLike<number> | undefined): void => {
    if (s === undefined || s === null || s.length !== T) {
      issues.push({ path, expected: `an array of length ${T} (as householdsNetKw)`, received: describeValue(s) });
      return;
    }
    for (let t = 0; t < s.length; t++) {
      if (!Number.isFinite(s[t])) {
        issues.push({ path: `${path}[${t}]`, expected: "a finite number", received: describeValue(s[t]) });
        return;
      }
    }
  };
  series("householdsNetKw", input.householdsNetKw);
  series("spotEurPerKwh", input.spotEurPerKwh);
  if (input.pccLimit) {
    series("pccLimit.kw", input.pccLimit.kw);
    if (!(input.pccLimit.eurPerKwOver >= 0)) issues.push({ path: "pccLimit.eurPerKwOver", expected: "a number >= 0", received: describeValue(input.pccLimit.eurPerKwOver) });
  }
  for (const key of ["gridFeeEurPerKwh", "exportFeeEurPerKwh"] as const) {
    const v = input.tariff?.[key] ?? 0;
    if (!(v >= 0) || !Number.isFinite(v)) issues.push({ path: `tariff.${key}`, expected: "a finite number >= 0 (import price >= export price keeps the LP convex)", received: describeValue(v) });
  }
  const b = input.battery;
  if (!(b?.initialEnergyKwh >= 0 && b.initialEnergyKwh <= b.params.capacityKwh)) {
    issues.push({ path: "battery.initialEnergyKwh", expected: `a number in [0, capacityKwh = ${b?.params?.capacityKwh}]`, received: describeValue(b?.initialEnergyKwh) });
  }
  if (input.terminal !== "free" && input.terminal !== "equal-energy") issues.push({ path: "terminal", expected: '"free" or "equal-energy"', received: describeValue(input.terminal) });
  if (issues.length > 0) throw new ConfigError("community grid battery LP input", issues);
}

/** Builds the LP of the file header; `decode` turns a solution of it into a plan. */
export function buildGridBatteryLp(input: GridBatteryLpInput): { model: LpModel; decode(x: Float64Array): GridBatteryPlan } {
  checkInput(input);
  const T = input.householdsNetKw.length;
  const dt = input.dtHours ?? 1;
  const { importPrice, exportPrice } = tariffPrices(input.spotEurPerKwh, input.tariff);
  const model = new LpModel();
  const cb = addCommunityBatteryBlock(model, { ...input.battery, terminal: input.terminal }, T, dt);
  const limit = input.pccLimit ?? null;
  const imp = new Int32Array(T);
  const exp = new Int32Array(T);
  const over = new Int32Array(T).fill(-1);
  for (let t = 0; t < T; t++) {
    imp[t] = model.addVar(`pcc_imp_${t}`, 0, Infinity, importPrice[t]! * dt);
    exp[t] = model.addVar(`pcc_exp_${t}`, 0, Infinity, -exportPrice[t]! * dt);
    const net = input.householdsNetKw[t]!;
    model.addRow(`pcc_${t}`, [imp[t]!, exp[t]!, cb.ch[t]!, cb.dis[t]!], [1, -1, -1, 1], net, net);
    if (limit !== null) {
      const kw = Math.max(0, limit.kw[t]!);
      over[t] = model.addVar(`pcc_over_${t}`, 0, Infinity, limit.eurPerKwOver);
      model.addRow(`pcc_imp_limit_${t}`, [imp[t]!, over[t]!], [1, -1], -Infinity, kw);
      model.addRow(`pcc_exp_limit_${t}`, [exp[t]!, over[t]!], [1, -1], -Infinity, kw);
    }
  }
  const decode = (x: Float64Array): GridBatteryPlan => {
    const b = cb.decode(x);
    const pccKw = new Float64Array(T);
    const overKw = new Float64Array(T);
    let bill = 0;
    let overCost = 0;
    for (let t = 0; t < T; t++) {
      const p = input.householdsNetKw[t]! + b.chargeKw[t]! - b.dischargeKw[t]!;
      pccKw[t] = p;
      bill += (p > 0 ? importPrice[t]! * p : exportPrice[t]! * p) * dt;
      if (over[t]! >= 0) {
        overKw[t] = x[over[t]!]!;
        overCost += overKw[t]! * limit!.eurPerKwOver;
      }
    }
    return { chargeKw: b.chargeKw, dischargeKw: b.dischargeKw, energyKwh: b.energyKwh, pccKw, overKw, pccBillEur: bill, objective: bill + overCost };
  };
  return { model, decode };
}

/** Solves the LP of `input` with `solver`. */
export function solveGridBatteryLp(solver: Solver, input: GridBatteryLpInput): GridBatteryPlan {
  const { model, decode } = buildGridBatteryLp(input);
  return decode(solver.solve(model).x);
}

/** The battery AC power that takes `energyKwh` to `targetKwh` in one step, within the power limit. */
function powerToReachKw(p: BatteryParams, energyKwh: number, targetKwh: number, dt: number): number {
  const s = Math.sqrt(p.efficiency);
  const delta = targetKwh - energyKwh;
  const kw = delta >= 0 ? delta / (s * dt) : (delta * s) / dt;
  return kw > p.maxPowerKw ? p.maxPowerKw : kw < -p.maxPowerKw ? -p.maxPowerKw : kw;
}

/** The CommunityBatteryGrid-v0 under `env`'s wrappers, or a ConfigError naming policy `policy`. */
function gridEnvOf(env: Env<unknown, unknown>, policy: string): CommunityBatteryGridEnv {
  const inner = env.unwrapped;
  if (!(inner instanceof CommunityBatteryGridEnv)) {
    throw new ConfigError(`${policy} policy`, [{ path: "env", expected: "a CommunityBatteryGrid-v0 env", received: describeValue(env.spec?.id ?? (inner as object)?.constructor?.name) }]);
  }
  return inner;
}

/** What both planners read at reset: the battery and the episode's facts. */
interface GridEpisode {
  battery: CommunityBatterySpec;
  tariff: CommunityTariff;
  startDay: number;
  episodeSteps: number;
  ratingKva: number;
}

/**
 * Refuses an env whose battery action is not kW: the baselines send kW set-points, which a
 * fraction action (`communityBatteryAction`, the learners' interface) would read as out of range.
 */
export function requirePowerAction(policy: string, info: Info): void {
  const mode = info["batteryAction"];
  if (mode !== undefined && mode !== "power") {
    throw new ConfigError(`${policy} policy`, [{ path: "communityBatteryAction", expected: '"power" (this baseline sends kW; the fraction actions are for learners)', received: describeValue(mode) }]);
  }
}

function episodeOf(policy: string, info: Info): GridEpisode {
  requirePowerAction(policy, info);
  const b = info["battery"] as (Partial<BatteryParams> & { initialEnergyKwh?: number }) | undefined;
  const c = info["community"] as { startDay?: number; tariff?: CommunityTariff; feeder?: { transformerRatingKva?: number } } | undefined;
  const steps = info["episodeSteps"];
  if (typeof b?.capacityKwh !== "number" || typeof b.maxPowerKw !== "number" || typeof b.efficiency !== "number" || typeof b.initialEnergyKwh !== "number"
    || typeof c?.startDay !== "number" || c.tariff === undefined || typeof c.feeder?.transformerRatingKva !== "number" || typeof steps !== "number") {
    throw new ConfigError(`${policy} policy: env reset info`, [{ path: "battery, community, episodeSteps", expected: "the reset info of CommunityBatteryGrid-v0", received: describeValue(Object.keys(info).join(", ")) }]);
  }
  return {
    battery: { params: { capacityKwh: b.capacityKwh, maxPowerKw: b.maxPowerKw, efficiency: b.efficiency }, initialEnergyKwh: b.initialEnergyKwh },
    tariff: { gridFeeEurPerKwh: c.tariff.gridFeeEurPerKwh, exportFeeEurPerKwh: c.tariff.exportFeeEurPerKwh ?? 0 },
    startDay: c.startDay,
    episodeSteps: steps,
    ratingKva: c.feeder.transformerRatingKva,
  };
}

/** The battery's stored energy now: the last step info's exact figure, or the initial energy before the first step. */
function energyNowKwh(info: Info, ep: GridEpisode): number {
  const e = (info["community"] as { communityBattery?: { energyKwh?: number } | null } | undefined)?.communityBattery?.energyKwh;
  return typeof e === "number" ? e : ep.battery.initialEnergyKwh;
}

/** What the households do at the PCC over an episode: their net power and reactive power, per hour. */
export interface HouseholdsForesight {
  householdsNetKw: Float64Array;
  pccQKvar: Float64Array;
  spotEurPerKwh: Float64Array;
}

/**
 * The households' true series of the episode of `config` starting on `startDay`: a copy of the
 * env run with the battery idle (the households' net does not depend on the battery; the
 * reactive power only through the feeder's losses).
 */
export function householdsForesight(config: CommunityEnvConfig, startDay: number): HouseholdsForesight {
  const shadow = new CommunityBatteryGridEnv({ ...config, startDay, record: true });
  try {
    shadow.reset({ seed: 0 });
    const idle = Float32Array.of(0);
    for (let done = false; !done;) done = shadow.step(idle).terminated;
    const tr = shadow.trajectory();
    return { householdsNetKw: tr.column("householdsNetKw").slice(), pccQKvar: tr.column("pccQKvar").slice(), spotEurPerKwh: tr.column("spotEurPerKwh").slice() };
  } finally {
    shadow.close();
  }
}

/** CommunityBatteryGrid-v0's perfect-foresight oracle (see the file header). */
export class CommunityGridOraclePolicy implements Policy<Float32Array, Float32Array> {
  readonly name = "oracle";
  readonly #env: CommunityBatteryGridEnv;
  readonly #solver: Solver;
  #ep: GridEpisode | null = null;
  #plan: GridBatteryPlan | null = null;
  #t = 0;
  /** The last foresight, by start day (an env's episodes from one start day share it). */
  #foresight: { startDay: number; series: HouseholdsForesight } | null = null;

  constructor(env: Env<unknown, unknown>, solver: Solver) {
    this.#env = gridEnvOf(env, this.name);
    this.#solver = solver;
  }

  /** The plan of the current episode (for tests and reports). */
  get plan(): GridBatteryPlan | null {
    return this.#plan;
  }

  reset(info: Info): void {
    const ep = episodeOf(this.name, info);
    const config = this.#env.community.config;
    if (this.#foresight?.startDay !== ep.startDay) this.#foresight = { startDay: ep.startDay, series: householdsForesight(config, ep.startDay) };
    const f = this.#foresight.series;
    const penalty = config.rewards.gridViolationEurPerHour;
    const sKva = ep.ratingKva * config.feeder.voltageLimitsPu.min;
    const limitKw = penalty > 0 ? Float64Array.from(f.pccQKvar, (q) => Math.sqrt(Math.max(0, sKva * sKva - q * q))) : null;
    this.#plan = solveGridBatteryLp(this.#solver, {
      householdsNetKw: f.householdsNetKw,
      spotEurPerKwh: f.spotEurPerKwh,
      tariff: ep.tariff,
      battery: ep.battery,
      terminal: "free",
      pccLimit: limitKw === null ? null : { kw: limitKw, eurPerKwOver: penalty },
    });
    this.#ep = ep;
    this.#t = 0;
  }

  act(_observation: Float32Array, info: Info): Float32Array {
    if (this.#plan === null || this.#ep === null) throw new ResetNeededError(`${this.name} policy`, "act() before reset(info)");
    const t = Math.min(this.#t++, this.#plan.energyKwh.length - 1);
    const ep = this.#ep;
    return float32PowerAction(powerToReachKw(ep.battery.params, energyNowKwh(info, ep), this.#plan.energyKwh[t]!, 1));
  }
}

/** Options of the rolling-horizon MPC. */
export interface CommunityGridMpcOptions {
  /** Hours planned each hour (default 24, at most the 24 h of spot prices the observation holds). */
  horizonHours?: number;
}

/** CommunityBatteryGrid-v0's rolling-horizon MPC on seasonal-naive forecasts (see the file header). */
export class CommunityGridMpcPolicy implements Policy<Float32Array, Float32Array> {
  readonly name = "mpc";
  readonly horizonHours: number;
  readonly #solver: Solver;
  readonly #limitKw: number | null;
  readonly #penalty: number;
  #ep: GridEpisode | null = null;
  /** The households' observed net of every past hour of the episode, kW. */
  #history = new Float64Array(0);
  /** Whether the observation's spot prices ahead are relative to this hour's (added back here). */
  readonly #relativeSpot: boolean;
  #t = 0;
  /** Plans made over the policy's life (one an hour). */
  plans = 0;

  constructor(env: Env<unknown, unknown>, solver: Solver, opts: CommunityGridMpcOptions = {}) {
    const config = gridEnvOf(env, this.name).community.config;
    const h = opts.horizonHours ?? 24;
    if (!Number.isInteger(h) || h < 1 || h > 25) throw new ConfigError("mpc policy", [{ path: "horizonHours", expected: "an integer in [1, 25] (this hour and the 24 h of spot prices ahead)", received: describeValue(h) }]);
    this.horizonHours = h;
    this.#solver = solver;
    this.#penalty = config.rewards.gridViolationEurPerHour;
    this.#relativeSpot = config.communityBatterySpotAhead === "relative";
    this.#limitKw = this.#penalty > 0 ? config.feeder.transformer.ratingKva * config.feeder.voltageLimitsPu.min * config.feeder.powerFactor.load : null;
  }

  reset(info: Info): void {
    this.#ep = episodeOf(this.name, info);
    this.#history = new Float64Array(this.#ep.episodeSteps);
    this.#t = 0;
  }

  act(observation: Float32Array, info: Info): Float32Array {
    const ep = this.#ep;
    if (ep === null) throw new ResetNeededError(`${this.name} policy`, "act() before reset(info)");
    const O = COMMUNITY_BATTERY_OBSERVATION_INDEX;
    const t = this.#t++;
    const hist = this.#history;
    if (t >= 1 && t - 1 < hist.length) hist[t - 1] = observation[O.lastHouseholdsNetKw]!;
    const H = Math.max(1, Math.min(this.horizonHours, ep.episodeSteps - t));
    const net = new Float64Array(H);
    const spot = new Float64Array(H);
    for (let k = 0; k < H; k++) {
      const day = t + k - 24;
      net[k] = day >= 0 ? hist[day]! : t >= 1 ? hist[t - 1]! : observation[O.loadKw]! - observation[O.pvKw]!;
      spot[k] = k === 0 ? observation[O.spotEurPerKwh]! : observation[O.spotAheadStart + k - 1]! + (this.#relativeSpot ? observation[O.spotEurPerKwh]! : 0);
    }
    const energy = energyNowKwh(info, ep);
    const plan = solveGridBatteryLp(this.#solver, {
      householdsNetKw: net,
      spotEurPerKwh: spot,
      tariff: ep.tariff,
      battery: { params: ep.battery.params, initialEnergyKwh: Math.min(ep.battery.params.capacityKwh, Math.max(0, energy)) },
      terminal: t + H >= ep.episodeSteps ? "free" : "equal-energy",
      pccLimit: this.#limitKw === null ? null : { kw: new Float64Array(H).fill(this.#limitKw), eurPerKwOver: this.#penalty },
    });
    this.plans++;
    return float32PowerAction(powerToReachKw(ep.battery.params, energy, plan.energyKwh[0]!, 1));
  }
}
