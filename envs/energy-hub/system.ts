/**
 * The multi-hub system both energy-hub envs step (SPEC section 2): N identical hubs with their
 * element agents, the technical and the commercial aggregator, on one MessageBus.
 *
 * Episode (reset): each hub's loads are the day profile of src/data/hub-profiles.ts times
 * (1 + noise N(0, 1)), per hub and half hour. Each hub agent solves its dispatch LP for every
 * half hour (the optimum P*), and the commercial aggregator's day-ahead contract for carrier m
 * is P*[m] + delta[m], where delta is the forecast error of config.deviation (never below 0).
 * Reset draws the loads and every delta; a step's LP is solved when its optimum or contract is
 * first read (the observation of the step, its dispatch, or optimumOf / contractOf), once per
 * episode: the same numbers as solving all of them at reset (a solve is a pure function of
 * the model), without the reset solving 48 LPs per hub per day before the first observation
 * (bench/hub-env.ts measured them at ~35 % of an episode). So an optimum LP without solution
 * (a config whose devices cannot serve the load) throws when that step is first read, not at
 * reset; step() reads every hub's optimum before it changes anything.
 *
 * One step (half hour), in this order:
 * 1. the element agents report each device's available input to their hub agent (tick topic);
 * 2. each hub applies its dispatch (the agent's set-points, or the LP optimum P*);
 * 3. the technical aggregator checks the group against the transformer rating and the gas
 *    supply limit and orders pro-rata cuts, which the hubs obey (re-dispatch, else unmet load);
 * 4. the commercial aggregator asks each hub whose purchased inputs miss the contract to change
 *    them by the difference; the hub answers by Method 1, 2 or 3 or refuses (agents.ts);
 * 5. every remaining difference between input and (traded) contract is settled on the balancing
 *    market (src/market/balancing.ts);
 * 6. each hub's row of the trajectory, and its step info, are written.
 * HubSystem.step runs these as its stages: #dispatch (1-3), #resolveDeviations (4), #settle (5),
 * #record and #info (6).
 * Cost of a hub's step: contract (as bought day-ahead) + balancing settlement + auction
 * payments made - received. Emissions and primary input follow the inputs actually used.
 */
import { ConfigError } from "../../src/core/errors.js";
import { Rng } from "../../src/core/rng.js";
import { writeHourFeatures } from "../../src/core/time-features.js";
import { Trajectory } from "../../src/core/trajectory.js";
import { HUB_STEPS_PER_DAY, hubDayProfiles, type HubDayProfiles } from "../../src/data/hub-profiles.js";
import { settleImbalance } from "../../src/market/balancing.js";
import { MessageBus, type TranscriptEntry } from "../../src/negotiation/bus.js";
import { INPUT_CARRIERS, toConverter } from "../../src/physics/converters.js";
import {
  couplingMatrix, deviceMaxInputKw, dispatchFactors, hubInputsKw, hubOutputsKw, type Hub, type HubStep,
} from "../../src/physics/energy-hub.js";
import { hubStepLp, type HubLpDispatch, type HubStepLp } from "../../src/planning/hub-lp.js";
import { syncSolver, type Solver } from "../../src/solvers/index.js";
import {
  CA, CommercialAggregator, DEVIATION_TOL_KW, ElementAgent, HubAgent, PURCHASED, TA, TOPIC_TICK, TechnicalAggregator,
} from "./agents.js";
import { deviationAmountsKw, type EnergyHubConfig, type HubResponse } from "./config.js";
import type { HubPlanningInfo } from "./contract.js";

/** `HubSystem.step`'s infoHub that builds no hub's info (the counterfactual replay). */
const NO_INFO = -2;

/** Half hours of each day in the seed's "peak" window (Table 4 note: time steps 10-43). */
export const PEAK_FIRST_STEP = 10;
export const PEAK_LAST_STEP = 43;

/** The per-step columns recorded for each hub (all kW unless named otherwise). */
export const HUB_COLUMNS = [
  "step", "peak", "electricLoadKw", "heatLoadKw", "solarResourceKw", "windResourceKw",
  "inElectricityKw", "inGasKw", "inSolarKw", "inWindKw", "outElectricityKw", "outHeatKw",
  "heatDumpedKw", "exportedKw", "shedElectricKw", "shedHeatKw", "unmetElectricKw", "unmetHeatKw",
  "contractElectricityKw", "contractGasKw", "requestedElectricityKw", "requestedGasKw", "resolution",
  "balancedElectricityKw", "balancedGasKw", "balancingCostGbp", "balancingFeeGbp", "contractCostGbp",
  "auctionNetPaidGbp", "auctionSoldKw", "auctionRevenueGbp", "auctionsHeld",
  "costGbp", "emissionsKg", "primaryInputKwh", "residualElectricityKwh", "residualHeatKwh", "reward",
] as const;
export type HubColumn = (typeof HUB_COLUMNS)[number];

/** What one hub settled this step (stage 5), for its record, its info and its reward. */
interface HubSettlement {
  /** Inputs per carrier (INPUT_CARRIERS order) and outputs (electricity, heat), kW. */
  inputsKw: Float64Array;
  outputsKw: Float64Array;
  /** Imbalance settled on the balancing market per purchased carrier, kW (0: none). */
  balancedKw: [number, number];
  /** Balancing settlement in total, and its fee part, GBP. */
  balancingCostGbp: number;
  balancingFeeGbp: number;
  contractCostGbp: number;
  costGbp: number;
  emissionsKg: number;
  primaryInputKwh: number;
  reward: number;
}

/** What one hub does this step, from its agent's action. */
export interface HubCommand {
  /** Set-points in [0, 1] of the controllable devices; null: the LP optimum. */
  setPoints: ArrayLike<number> | null;
  response: HubResponse;
  /** Bid per purchased carrier (GBP/kWh), 0: no bid. */
  bidFor: (k: number) => number;
}

/** One hub's outcome of a step (the per-step columns go to its trajectory). */
export interface HubOutcome {
  reward: number;
  /** The step info, null for a hub whose info was not asked for. */
  info: Record<string, unknown> | null;
}

/** The hub config as the physics computes with it. */
export function hubOf(cfg: EnergyHubConfig): Hub {
  return { ...cfg.hub, devices: cfg.hub.devices.map(toConverter) };
}

/**
 * Indices of the devices an agent sets: all but each output's top-up device (the first
 * single-output device on a purchased carrier: the transformer and the boiler in Table 3),
 * which closes the balance.
 */
export function controllableDevices(hub: Hub): number[] {
  const topUps = new Set<number>();
  for (const out of ["electricity", "heat"] as const) {
    const i = hub.devices.findIndex((c) => c.input !== "solar" && c.input !== "wind"
      && (out === "electricity" ? c.electricEfficiency > 0 && !(c.thermalEfficiency > 0) : c.thermalEfficiency > 0 && !(c.electricEfficiency > 0)));
    if (i >= 0) topUps.add(i);
  }
  return hub.devices.flatMap((_, i) => (topUps.has(i) ? [] : [i]));
}

export class HubSystem {
  readonly hub: Hub;
  readonly controllable: number[];
  readonly bus: MessageBus;
  readonly hubs: HubAgent[];
  readonly episodeSteps: number;
  readonly profiles: HubDayProfiles;
  readonly trajectories: Trajectory<HubColumn>[];
  readonly solver: Solver;
  readonly #ta: TechnicalAggregator;
  readonly #ca: CommercialAggregator;
  readonly #lp: HubStepLp;
  /** Per purchased carrier, its index in INPUT_CARRIERS. */
  readonly #inputIndex: number[];
  /** [hub][t]: loads and resource; the LP optimum, null until first read (#solved). */
  #steps: HubStep[][] = [];
  #optimum: (HubLpDispatch | null)[][] = [];
  /** [hub][2t + k]: the contract (el, gas), set with the optimum; the forecast error delta, drawn at reset. */
  #contract: Float64Array[] = [];
  #deltaKw: Float64Array[] = [];
  #t = 0;
  #lastRequested: Float64Array[] = [];
  #lastBalancingGbp: Float64Array;

  constructor(readonly cfg: EnergyHubConfig, solver: Solver = syncSolver()) {
    this.hub = hubOf(cfg);
    this.solver = solver;
    this.controllable = controllableDevices(this.hub);
    if (Math.abs(this.hub.dtHours - 0.5) > 1e-12) {
      throw new ConfigError("EnergyHub config", [{ path: "hub.dtHours", expected: "0.5 (the profiles are 48 half hours a day)", received: String(this.hub.dtHours) }]);
    }
    this.episodeSteps = cfg.days * HUB_STEPS_PER_DAY;
    this.profiles = hubDayProfiles(cfg.loads);
    this.bus = new MessageBus({ record: cfg.transcript });
    this.#ta = new TechnicalAggregator(this.bus, [cfg.network.transformerRatingKw, cfg.network.gasSupplyLimitKw]);
    this.#ca = new CommercialAggregator(this.bus);
    this.bus.register(TA, this.#ta);
    this.bus.register(CA, this.#ca);
    const share = { electricity: cfg.controllableLoadShare.electricity, heat: cfg.controllableLoadShare.heat };
    this.hubs = Array.from({ length: cfg.hubs }, (_, h) => new HubAgent(this.bus, `hub${h}`, h, this.hub, solver, cfg.objective, share, cfg.methodsMayDumpHeat));
    for (const a of this.hubs) {
      this.bus.register(a.name, a);
      a.peers = this.hubs.filter((b) => b !== a).map((b) => b.name);
      this.hub.devices.forEach((c, i) => {
        const name = `${a.name}/${c.id}`;
        this.bus.register(name, new ElementAgent(this.bus, name, a.name, i, a));
        this.bus.subscribe(TOPIC_TICK, name);
      });
    }
    this.trajectories = this.hubs.map(() => new Trajectory(HUB_COLUMNS, cfg.record ? this.episodeSteps : 0));
    this.#lastBalancingGbp = new Float64Array(cfg.hubs);
    this.#lp = hubStepLp(solver, this.hub, cfg.objective);
    this.#inputIndex = PURCHASED.map((carrier) => INPUT_CARRIERS.indexOf(carrier));
  }

  get t(): number {
    return this.#t;
  }

  /** Draws the episode's loads and forecast errors from `rng` and buys the contracts. */
  reset(rng: Rng): void {
    const cfg = this.cfg;
    const ep = rng.child(`episode/${rng.int(2 ** 31)}`);
    const p = this.profiles;
    const amountKw = deviationAmountsKw(cfg, Math.max(...p.electricLoadKw), Math.max(...p.heatLoadKw));
    const dh = cfg.deviation.hubs;
    const affected = (h: number): boolean => (dh === "all" ? true : dh === "first" ? h === 0 : dh.includes(h));
    this.#steps = [];
    this.#optimum = [];
    this.#contract = [];
    this.#deltaKw = [];
    this.#lastRequested = this.hubs.map(() => new Float64Array(2));
    this.#lastBalancingGbp.fill(0);
    this.hubs.forEach((_, h) => {
      const loads = ep.child(`loads/${h}`);
      const dev = ep.child(`deviation/${h}`);
      const steps: HubStep[] = [];
      for (let t = 0; t < this.episodeSteps; t++) {
        const d = t % HUB_STEPS_PER_DAY;
        steps.push({
          electricLoadKw: Math.max(0, p.electricLoadKw[d]! * (1 + cfg.loads.noise * loads.normal())),
          heatLoadKw: Math.max(0, p.heatLoadKw[d]! * (1 + cfg.loads.noise * loads.normal())),
          solarResourceKw: p.solarResourceKw[d]!,
          windResourceKw: p.windResourceKw[d]!,
        });
      }
      // the deviations do not depend on the optimum: drawn here, in the order of steps and carriers
      const deltaKw = new Float64Array(2 * this.episodeSteps);
      const deviates = PURCHASED.map((carrier) => cfg.deviation.mode !== "none" && affected(h) && cfg.deviation.carriers.includes(carrier));
      for (let t = 0; t < this.episodeSteps; t++) {
        for (let k = 0; k < PURCHASED.length; k++) {
          if (!deviates[k]) continue;
          const sign = cfg.deviation.direction === "positive" ? 1 : cfg.deviation.direction === "negative" ? -1 : dev.next() < 0.5 ? -1 : 1;
          deltaKw[2 * t + k] = sign * amountKw[k]! * (cfg.deviation.mode === "fixed" ? 1 : Math.abs(dev.normal()));
        }
      }
      this.#steps.push(steps);
      this.#optimum.push(new Array<HubLpDispatch | null>(this.episodeSteps).fill(null));
      this.#contract.push(new Float64Array(2 * this.episodeSteps));
      this.#deltaKw.push(deltaKw);
    });
    this.#t = 0;
    this.bus.resetConversations();
    for (const tr of this.trajectories) tr.setLength(0);
  }

  /** Loads and resource of hub `h` at step `t` (the last step once the episode is over). */
  stepOf(h: number, t = this.#t): HubStep {
    return this.#steps[h]![Math.min(t, this.episodeSteps - 1)]!;
  }

  /** Day-ahead contract of hub `h` at step `t`, kW (electricity, gas). */
  contractOf(h: number, t = this.#t): [number, number] {
    const s = Math.min(t, this.episodeSteps - 1);
    this.#solved(h, s);
    const c = this.#contract[h]!;
    return [c[2 * s]!, c[2 * s + 1]!];
  }

  /** The LP optimum of hub `h` at step `t` (device inputs, kW). */
  optimumOf(h: number, t = this.#t): Float64Array {
    return this.#solved(h, Math.min(t, this.episodeSteps - 1)).deviceInputKw;
  }

  /**
   * The LP optimum of hub `h` at step `t`, solved on first read, with the step's contract
   * P*[m] + delta[m] (never below 0) written beside it (the file header's reset).
   */
  #solved(h: number, t: number): HubLpDispatch {
    const optimum = this.#optimum[h]!;
    const known = optimum[t];
    if (known !== null && known !== undefined) return known;
    const d = this.#lp.dispatch(this.#steps[h]![t]!);
    const u = hubInputsKw(this.hub, d.deviceInputKw);
    const contract = this.#contract[h]!;
    const deltaKw = this.#deltaKw[h]!;
    for (let k = 0; k < PURCHASED.length; k++) contract[2 * t + k] = Math.max(0, u[this.#inputIndex[k]!]! + deltaKw[2 * t + k]!);
    optimum[t] = d;
    return d;
  }

  /** The observation of hub `h` before the current step (layout: env.ts OBSERVATION_FIELDS). */
  observe(h: number, out: Float32Array): Float32Array {
    const t = this.#t;
    const s = this.stepOf(h);
    const [cel, cgas] = this.contractOf(h);
    // the middle of the half hour, in hours of the day
    writeHourFeatures(out, 0, ((t % HUB_STEPS_PER_DAY) + 0.5) / 2);
    out[2] = t / this.episodeSteps;
    out[3] = s.electricLoadKw;
    out[4] = s.heatLoadKw;
    out[5] = s.solarResourceKw;
    out[6] = s.windResourceKw;
    out[7] = cel;
    out[8] = cgas;
    out[9] = this.#lastRequested[h]![0]!;
    out[10] = this.#lastRequested[h]![1]!;
    out[11] = this.#lastBalancingGbp[h]!;
    const controllable = this.controllable;
    for (let k = 0; k < controllable.length; k++) out[12 + k] = deviceMaxInputKw(this.hub, s, controllable[k]!);
    return out;
  }

  /** What a policy needs to plan the coming step of hub `h` (contract.ts). */
  planningInfo(h: number): HubPlanningInfo {
    return { hubStep: { ...this.stepOf(h) }, contractKw: this.contractOf(h) };
  }

  /**
   * Adds planningInfo(h)'s fields to `info` (a step's own info object) and returns it. The
   * step's own `contractKw` gives way to the coming step's: planners read the info after the step.
   */
  addPlanningInfo(h: number, info: Record<string, unknown>): Record<string, unknown> {
    return Object.assign(info, this.planningInfo(h));
  }

  /** Transcript since the last call (empty unless config.transcript). */
  takeTranscript(): TranscriptEntry[] {
    return this.bus.takeTranscript();
  }

  /**
   * Runs one half hour for every hub (see the header); returns each hub's outcome, with the info
   * of hub `infoHub` only (the others' info null), or of every hub when it is -1 (of none at -2).
   */
  step(commands: readonly HubCommand[], infoHub = -1): HubOutcome[] {
    const t = this.#t;
    // every hub's optimum and contract of this step, before anything changes (an LP without solution throws here)
    for (let h = 0; h < this.hubs.length; h++) this.#solved(h, t);
    this.bus.setTick(t);
    const orders = this.#dispatch(commands, t);
    this.#resolveDeviations();
    const outcomes: HubOutcome[] = [];
    for (let h = 0; h < this.hubs.length; h++) {
      const a = this.hubs[h]!;
      const settled = this.#settle(a);
      const residualKwh = a.residualKwh();
      if (this.cfg.record) this.#record(h, t, a, settled, residualKwh);
      this.#lastRequested[h]![0] = a.s.requestedKw[0]!;
      this.#lastRequested[h]![1] = a.s.requestedKw[1]!;
      this.#lastBalancingGbp[h] = settled.balancingCostGbp;
      const info = infoHub === NO_INFO || (infoHub >= 0 && h !== infoHub) ? null : this.#info(a, settled, residualKwh, orders);
      outcomes.push({ reward: settled.reward, info });
    }
    this.#t = t + 1;
    return outcomes;
  }

  /**
   * Each hub's reward had every hub played `commands` on the current step (not yet taken), from
   * the same state and exogenous inputs: the step replayed on a shadow system (its own bus and
   * agents, this episode's loads, forecast errors, contracts and optima), this system untouched.
   * Exact, methods, network orders, auctions and balancing included: a step's outcome depends on
   * the commands and on this episode's inputs of that step only (the loads and contracts are drawn
   * at reset; what a step leaves behind, the last request and balancing cost, only enters the
   * observation), and the shadow's agents solve the same LPs as this system's.
   */
  counterfactualRewards(commands: readonly HubCommand[], out: Float64Array = new Float64Array(this.hubs.length)): Float64Array {
    const t = this.#t;
    if (t >= this.episodeSteps) throw new ConfigError("HubSystem.counterfactualRewards", [{ path: "t", expected: `a step of the running episode (< ${this.episodeSteps})`, received: String(t) }]);
    // this system solves the step's optima and contracts (the shadow then reads them)
    for (let h = 0; h < this.hubs.length; h++) this.#solved(h, t);
    let s = this.#shadow;
    if (s === null) {
      s = this.#shadow = new HubSystem({ ...this.cfg, record: false, transcript: false }, this.solver);
      s.#lastRequested = this.hubs.map(() => new Float64Array(2));
    }
    s.#steps = this.#steps;
    s.#optimum = this.#optimum;
    s.#contract = this.#contract;
    s.#deltaKw = this.#deltaKw;
    s.#t = t;
    const outcomes = s.step(commands, NO_INFO);
    for (let h = 0; h < outcomes.length; h++) out[h] = outcomes[h]!.reward;
    return out;
  }

  /** The shadow system of counterfactualRewards, made on first use. */
  #shadow: HubSystem | null = null;

  /**
   * Stages 1-3 of a step: each hub starts its half hour, hears its element agents' reports,
   * applies its set-points (or the LP optimum) and tells both aggregators its purchased inputs;
   * then the technical aggregator's network orders, which the hubs obey at once. Returns the
   * number of orders given.
   */
  #dispatch(commands: readonly HubCommand[], t: number): number {
    const bus = this.bus;
    const hubs = this.hubs;
    for (let h = 0; h < hubs.length; h++) {
      const a = hubs[h]!;
      const c = this.#contract[h]!;
      a.beginStep(this.#steps[h]![t]!, c[2 * t]!, c[2 * t + 1]!);
      a.response = commands[h]!.response;
      a.bidFor = commands[h]!.bidFor;
    }
    bus.publish("INFORM", "env", TOPIC_TICK, bus.newConversation());
    for (let h = 0; h < hubs.length; h++) {
      const a = hubs[h]!;
      const sp = commands[h]!.setPoints;
      if (sp === null) a.applyDispatch(this.#solved(h, t));
      else a.applySetPoints(sp, this.controllable);
      const conv = bus.newConversation();
      const inputs = a.purchasedInputsKw();
      bus.send("INFORM", a.name, TA, conv, inputs[0], 0, inputs);
      bus.send("INFORM", a.name, CA, conv, inputs[1], 0, inputs);
    }
    return this.#ta.enforce(hubs);
  }

  /**
   * Stage 4: the commercial aggregator asks every hub that misses its contract for the
   * difference; the bus delivers at once, so when this returns each hub has answered by its
   * response (Method 1, 2, or 3 with its auctions run to the end) or refused, and what it left
   * unresolved waits for the balancing market in #settle.
   */
  #resolveDeviations(): void {
    this.#ca.requestDeviations(this.hubs);
  }

  /**
   * Stage 5 for one hub: every remaining difference between input and traded contract settled on
   * the balancing market, the step's costs, emissions and primary input, and the reward.
   */
  #settle(a: HubAgent): HubSettlement {
    const cfg = this.cfg;
    const hub = this.hub;
    const dt = hub.dtHours;
    const s = a.s;
    const inputsKw = hubInputsKw(hub, s.x);
    const balancedKw: [number, number] = [0, 0];
    let balancingCostGbp = 0;
    let balancingFeeGbp = 0;
    for (let k = 0; k < PURCHASED.length; k++) {
      // inputsKw[0], inputsKw[1]: the purchased inputs (electricity, gas), as HubAgent.purchasedInputsKw
      const imbalanceKw = inputsKw[k]! - s.tradedContractKw[k]!;
      if (Math.abs(imbalanceKw) <= DEVIATION_TOL_KW) continue;
      const settled = settleImbalance(cfg.balancing, imbalanceKw * dt, hub.pricesGbpPerKwh[PURCHASED[k]!]);
      balancedKw[k] = imbalanceKw;
      balancingCostGbp += settled.totalGbp;
      balancingFeeGbp += settled.balancingCostGbp;
    }
    let contractCostGbp = 0;
    for (let k = 0; k < PURCHASED.length; k++) contractCostGbp += hub.pricesGbpPerKwh[PURCHASED[k]!] * s.contractKw[k]! * dt;
    const costGbp = contractCostGbp + balancingCostGbp + s.auctionNetPaidGbp;
    let emissionsKg = 0;
    let primaryInputKwh = 0;
    for (let k = 0; k < INPUT_CARRIERS.length; k++) {
      const m = INPUT_CARRIERS[k]!;
      emissionsKg += hub.emissionsKgPerKwh[m] * inputsKw[k]! * dt;
      primaryInputKwh += hub.energyWeights[m] * inputsKw[k]! * dt;
    }
    const objective = cfg.objective === "cost" ? costGbp : cfg.objective === "emissions" ? emissionsKg : primaryInputKwh;
    const unmetKwh = (s.unmetElectricKw + s.unmetHeatKw) * dt;
    const shedKwh = (s.electricShedKw + s.heatShedKw) * dt;
    const balancedKwh = (Math.abs(balancedKw[0]) + Math.abs(balancedKw[1])) * dt;
    const r = cfg.reward;
    const reward = -r.objectiveWeight * objective - r.unmetLoadPerKwh * unmetKwh - r.shedLoadPerKwh * shedKwh - r.balancedDeviationPerKwh * balancedKwh;
    return {
      inputsKw, outputsKw: hubOutputsKw(hub, s.x), balancedKw, balancingCostGbp, balancingFeeGbp, contractCostGbp, costGbp, emissionsKg, primaryInputKwh, reward,
    };
  }

  /** Stage 6: hub `h`'s row `t` of its trajectory. */
  #record(h: number, t: number, a: HubAgent, settled: HubSettlement, residualKwh: readonly [number, number]): void {
    const c = this.trajectories[h]!.columns;
    const s = a.s;
    const step = a.step;
    const p = settled.inputsKw;
    const l = settled.outputsKw;
    c.step[t] = t;
    c.peak[t] = isPeak(t) ? 1 : 0;
    c.electricLoadKw[t] = step.electricLoadKw;
    c.heatLoadKw[t] = step.heatLoadKw;
    c.solarResourceKw[t] = step.solarResourceKw;
    c.windResourceKw[t] = step.windResourceKw;
    c.inElectricityKw[t] = p[0]!;
    c.inGasKw[t] = p[1]!;
    c.inSolarKw[t] = p[2]!;
    c.inWindKw[t] = p[3]!;
    c.outElectricityKw[t] = l[0]!;
    c.outHeatKw[t] = l[1]!;
    c.heatDumpedKw[t] = s.heatDumpedKw;
    c.exportedKw[t] = s.exportedKw;
    c.shedElectricKw[t] = s.electricShedKw;
    c.shedHeatKw[t] = s.heatShedKw;
    c.unmetElectricKw[t] = s.unmetElectricKw;
    c.unmetHeatKw[t] = s.unmetHeatKw;
    c.contractElectricityKw[t] = s.contractKw[0]!;
    c.contractGasKw[t] = s.contractKw[1]!;
    c.requestedElectricityKw[t] = s.requestedKw[0]!;
    c.requestedGasKw[t] = s.requestedKw[1]!;
    c.resolution[t] = s.resolution;
    c.balancedElectricityKw[t] = settled.balancedKw[0];
    c.balancedGasKw[t] = settled.balancedKw[1];
    c.balancingCostGbp[t] = settled.balancingCostGbp;
    c.balancingFeeGbp[t] = settled.balancingFeeGbp;
    c.contractCostGbp[t] = settled.contractCostGbp;
    c.auctionNetPaidGbp[t] = s.auctionNetPaidGbp;
    c.auctionSoldKw[t] = s.auctionSoldKw;
    c.auctionRevenueGbp[t] = s.auctionRevenueGbp;
    c.auctionsHeld[t] = s.auctions.length;
    c.costGbp[t] = settled.costGbp;
    c.emissionsKg[t] = settled.emissionsKg;
    c.primaryInputKwh[t] = settled.primaryInputKwh;
    c.residualElectricityKwh[t] = residualKwh[0];
    c.residualHeatKwh[t] = residualKwh[1];
    c.reward[t] = settled.reward;
    this.trajectories[h]!.setLength(t + 1);
  }

  /** The step info of hub agent `a` (plain numbers and copies: the info outlives the step). */
  #info(a: HubAgent, settled: HubSettlement, residualKwh: readonly [number, number], networkOrders: number): Record<string, unknown> {
    const hub = this.hub;
    const s = a.s;
    const p = settled.inputsKw;
    const l = settled.outputsKw;
    const nu = dispatchFactors(hub, s.x);
    return {
      inputsKw: { electricity: p[0]!, gas: p[1]!, solar: p[2]!, wind: p[3]! },
      outputsKw: { electricity: l[0]!, heat: l[1]! },
      deviceInputKw: numbers(s.x),
      dispatchFactors: numbers(nu),
      couplingMatrix: couplingMatrix(hub, nu, p).map(numbers),
      residualKwh: { electricity: residualKwh[0], heat: residualKwh[1] },
      heatDumpedKw: s.heatDumpedKw,
      exportedKw: s.exportedKw,
      shedKw: { electricity: s.electricShedKw, heat: s.heatShedKw },
      unmetKw: { electricity: s.unmetElectricKw, heat: s.unmetHeatKw },
      contractKw: { electricity: s.contractKw[0]!, gas: s.contractKw[1]! },
      deviation: {
        requestedKw: { electricity: s.requestedKw[0]!, gas: s.requestedKw[1]! },
        resolution: s.resolution,
        balancedKw: { electricity: settled.balancedKw[0], gas: settled.balancedKw[1] },
      },
      networkOrders,
      balancingCostGbp: settled.balancingCostGbp,
      contractCostGbp: settled.contractCostGbp,
      costGbp: settled.costGbp,
      emissionsKg: settled.emissionsKg,
      primaryInputKwh: settled.primaryInputKwh,
      auctions: s.auctions.map((x) => ({ ...x, bids: x.bids.map((b) => ({ ...b })) })),
      auctionNetPaidGbp: s.auctionNetPaidGbp,
    };
  }
}

/** A plain array of `a`'s numbers (Array.from, without the iterator protocol). */
function numbers(a: Float64Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) out.push(a[i]!);
  return out;
}

/** Whether half hour `t` (of any day) is in the seed's peak window. */
export function isPeak(t: number): boolean {
  const d = t % HUB_STEPS_PER_DAY;
  return d >= PEAK_FIRST_STEP && d <= PEAK_LAST_STEP;
}
