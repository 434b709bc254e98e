/**
 * EnergyHub-v0: one multi-carrier energy hub among N (SPEC section 2, seed 002), dispatched half
 * hour by half hour while the commercial aggregator asks it to follow its day-ahead contracts.
 *
 * ## Description
 * The hubs of system.ts: Table 3 devices turn grid electricity, gas, sun and wind into
 * electricity and heat for 20 households and 2 service areas (48 half hours a day). The agent
 * sets the controlled hub's devices; the other hubs run their LP optimum and answer requests with
 * `config.otherHubs.response`. Contracts miss the optimum by the configured forecast error, so
 * each half hour the commercial aggregator may ask the hub to change its electricity and gas
 * inputs; the hub answers with `config.response` (Method 1, 2, 3, refuse, the cascade, or by
 * default trade-first: a surplus is sold to the other hubs by Method 3 before Method 2 absorbs
 * what is left, so auctions run in the default scenario), and what stays unresolved is settled
 * on the balancing market.
 *
 * ## Action space
 * Box([0]^k, [1]^k), float64, one set-point per controllable device (every device but the
 * top-up ones: with Table 3, k = 4: PV, wind, fuel cell, microturbine; `info.actionDevices` in
 * the reset info names them): device i gets min + a[i] (max - min) kW of input, max being its
 * rated input bounded by this half hour's resource. The transformer and the boiler then close
 * the electricity and heat balance; what they cannot cover is unmet load, and surplus turns the
 * devices back down (the hub neither exports nor dumps heat unless its config allows it). An
 * action outside the box, NaN or of the wrong length throws InvalidActionError naming the
 * index and the bound; nothing is clipped.
 *
 * ## Observation space (Float32Array, length 12 + k; the map is `info.observationIndex`)
 * | index   | meaning                                              | unit    |
 * |---------|------------------------------------------------------|---------|
 * | 0, 1    | sin, cos of the time of day                          | -       |
 * | 2       | episode progress t / T                               | -       |
 * | 3, 4    | electric and heat load of this half hour             | kW      |
 * | 5, 6    | solar and wind resource reaching PV and wind turbine | kW      |
 * | 7, 8    | contract for electricity and gas this half hour      | kW      |
 * | 9, 10   | deviation requested last half hour (el, gas)         | kW      |
 * | 11      | balancing cost settled last half hour                | GBP     |
 * | 12..    | largest input each controllable device can take now  | kW      |
 *
 * ## Reward
 * -(objective) - unmetLoadPerKwh * unmet kWh - shedLoadPerKwh * shed kWh - balancedDeviationPerKwh
 * * kWh settled on the balancing market, with the objective (config) the hub's cost (contract +
 * balancing + auction payments, GBP), emissions (kgCO2) or primary input (kWh). With
 * `rewardBaseline: "myopic"`, minus that reward had the hub played the heat-led rule on the same
 * step (HubSystem.counterfactualRewards: exact, since nothing couples the half hours), so 0 is
 * the myopic baseline's reward; the trajectory's `reward` column keeps the plain reward.
 *
 * ## Info
 * Per step: inputs and outputs per carrier, device inputs, dispatch factors, the coupling matrix
 * D (P = D L), per-carrier balance residuals (kWh), heat dumped, load shed and unmet, contracts,
 * the deviation requested and its resolution (0 none, 1-3 method, -1 balancing market), the
 * auctions the hub held, costs, and `hubStep`/`contractKw` of the next half hour for planners.
 *
 * ## Episode end
 * `terminated` after days * 48 half hours; `truncated` stays false.
 *
 * ## Version history
 * - v0: first version. Default response and otherHubs.response changed from "cascade" to
 *   "trade-first" (issue 14: the default scenario held no auction; the trajectory changed).
 */
import { BaseEnv } from "../../src/core/base-env.js";
import { heatLedInputsKw, hubSetPoints, residualSetPoints } from "../../src/planning/hub-rules.js";
import { BoxActionCheck } from "../../src/core/action-check.js";
import type { Info, ResetResult, StepResult } from "../../src/core/env.js";
import { Box } from "../../src/core/spaces.js";
import type { RecordsTrajectory, Trajectory } from "../../src/core/trajectory.js";
import { hubKpis, type HubKpis } from "../../src/kpi/hub.js";
import type { Solver } from "../../src/solvers/index.js";
import type { EnergyHubConfig } from "./config.js";
import type { HubPlannerResetInfo } from "./contract.js";
import { HubSystem, type HubColumn, type HubCommand } from "./system.js";

export const ENERGY_HUB_ID = "EnergyHub-v0";

/** Fixed observation fields before the per-device block. */
export const OBSERVATION_FIELDS = [
  "hourSin", "hourCos", "progress", "electricLoadKw", "heatLoadKw", "solarResourceKw", "windResourceKw",
  "contractElectricityKw", "contractGasKw", "lastRequestedElectricityKw", "lastRequestedGasKw", "lastBalancingCostGbp",
] as const;

/** The observation index map for a hub whose controllable devices have these ids. */
export function hubObservationIndex(deviceIds: readonly string[]): Record<string, number> {
  const index: Record<string, number> = {};
  OBSERVATION_FIELDS.forEach((f, i) => { index[f] = i; });
  deviceIds.forEach((id, k) => { index[`maxInputKw.${id}`] = OBSERVATION_FIELDS.length + k; });
  index["size"] = OBSERVATION_FIELDS.length + deviceIds.length;
  return index;
}

/** Observation box shared by both energy-hub envs. */
export function hubObservationSpace(k: number): Box<Float32Array> {
  const n = OBSERVATION_FIELDS.length + k;
  const low = new Float64Array(n).fill(0);
  const high = new Float64Array(n).fill(Infinity);
  low[0] = -1; high[0] = 1; low[1] = -1; high[1] = 1; high[2] = 1;
  low[9] = -Infinity; low[10] = -Infinity; low[11] = -Infinity;
  return new Box<Float32Array>({ low, high, dtype: "float32" });
}

export class EnergyHubEnv extends BaseEnv<Float32Array, ArrayLike<number>> implements RecordsTrajectory {
  readonly observationSpace: Box<Float32Array>;
  readonly actionSpace: Box<Float64Array>;
  readonly system: HubSystem;
  readonly config: EnergyHubConfig;
  readonly #controlled: number;
  readonly #commands: HubCommand[];
  readonly #actionCheck: BoxActionCheck;
  /** The controlled hub's set-points of this step, as checked (the caller keeps its action). */
  readonly #setPoints: Float64Array;
  /** `action: "residual"`: actions correct the heat-led rule's set-points. */
  readonly #residual: boolean;
  /** `action: "residual-sequential"`: the corrections are applied in the rule's own order. */
  readonly #sequential: boolean;
  readonly #ruleSetPoints: Float64Array;
  /** `rewardBaseline: "myopic"`: the commands of the myopic baseline's replay of each step. */
  readonly #ruleCommands: HubCommand[] | null;
  readonly #ruleRewards: Float64Array;

  /** `solver` defaults to a synchronous javascript-lp-solver (make() cannot await HiGHS). */
  constructor(config: EnergyHubConfig, solver?: Solver) {
    super(ENERGY_HUB_ID);
    this.config = config;
    this.system = new HubSystem(config, solver);
    this.#controlled = config.controlledHub;
    const k = this.system.controllable.length;
    this.observationSpace = hubObservationSpace(k);
    this.#residual = config.action !== "set-points";
    this.#sequential = config.action === "residual-sequential";
    this.actionSpace = new Box<Float64Array>({ low: this.#residual ? -1 : 0, high: 1, shape: [k], dtype: "float64" });
    this.#actionCheck = new BoxActionCheck(this.actionSpace);
    this.#setPoints = new Float64Array(k);
    this.#ruleSetPoints = new Float64Array(k);
    const hub = this.system.hub;
    const share = config.otherHubs.bidShareOfPrice;
    const otherBid = (k2: number): number => share * hub.pricesGbpPerKwh[k2 === 0 ? "electricity" : "gas"];
    this.#commands = this.system.hubs.map((_, h) => ({
      setPoints: h === this.#controlled ? this.#setPoints : null,
      response: h === this.#controlled ? config.response : config.otherHubs.response,
      bidFor: otherBid,
    }));
    this.#ruleCommands = config.rewardBaseline === "myopic"
      ? this.#commands.map((c, h) => ({ ...c, setPoints: h === this.#controlled ? this.#ruleSetPoints : null }))
      : null;
    this.#ruleRewards = new Float64Array(config.hubs);
  }

  get episodeSteps(): number {
    return this.system.episodeSteps;
  }

  protected resetEpisode(): ResetResult<Float32Array> {
    const sys = this.system;
    sys.reset(this.rng);
    const ids = sys.controllable.map((i) => sys.hub.devices[i]!.id);
    const planner: HubPlannerResetInfo & Info = {
      observationIndex: hubObservationIndex(ids),
      actionDevices: ids,
      controllableDeviceIndices: [...sys.controllable],
      hub: sys.hub,
      objective: this.config.objective,
      dtHours: sys.hub.dtHours,
      episodeSteps: sys.episodeSteps,
      controlledHub: this.#controlled,
      ...sys.planningInfo(this.#controlled),
    };
    return { observation: sys.observe(this.#controlled, new Float32Array(this.observationSpace.size)), info: planner };
  }

  protected stepEpisode(action: ArrayLike<number>): StepResult<Float32Array> {
    this.#actionCheck.read(this.id, action, this.#setPoints);
    const sys = this.system;
    const rule = this.#ruleCommands;
    if (this.#residual || rule !== null) {
      const step = sys.stepOf(this.#controlled);
      hubSetPoints(sys.hub, step, heatLedInputsKw(sys.hub, step), sys.controllable, this.#ruleSetPoints);
    }
    if (this.#residual) {
      residualSetPoints(sys.hub, sys.stepOf(this.#controlled), sys.controllable, this.#ruleSetPoints, this.#setPoints, this.config.residualScale, this.#sequential, this.#setPoints);
    }
    const baseline = rule === null ? 0 : sys.counterfactualRewards(rule, this.#ruleRewards)[this.#controlled]!;
    const mine = sys.step(this.#commands, this.#controlled)[this.#controlled]!;
    const terminated = sys.t >= sys.episodeSteps;
    const info: Info = mine.info!;
    sys.addPlanningInfo(this.#controlled, info);
    if (this.config.transcript) info["transcript"] = sys.takeTranscript();
    return { observation: sys.observe(this.#controlled, new Float32Array(this.observationSpace.size)), reward: mine.reward - baseline, terminated, truncated: false, info };
  }

  trajectory(): Trajectory<HubColumn> {
    return this.system.trajectories[this.#controlled]!;
  }

  kpis(): HubKpis & Record<string, number> {
    return hubKpis([this.trajectory()], this.system.hub.dtHours) as HubKpis & Record<string, number>;
  }
}
