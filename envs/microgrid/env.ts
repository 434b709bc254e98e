/**
 * Microgrid-v0: the campus microgrid of seed 001 (SPEC section 1), with the learning agent
 * in the aggregator's planning role.
 *
 * ## Description
 * A campus load (50 kW nominal, day profile with random deltas), PV arrays (200 panels of
 * 2 m2 each by default, NOCT thermal model), batteries (100 kWh, eta 0.95 each way, C-rate 1,
 * self-discharge 0.1 %/h of the stored energy) and a 100 kW grid connection at 5.0 per kWh.
 * Every component is an agent on a synchronous message bus (agents.ts): each tick the
 * orchestrator broadcasts TICK, every agent publishes a STATE_UPDATE to the state registry,
 * the forecast agent forecasts, and the aggregator dispatches the batteries' set-points by
 * FIPA Contract Net (aggregator.ts): batteries propose or refuse within their limits, the
 * supplier covers the deficit or takes the surplus. Stress events (PV outage, load spike,
 * blackout, component break) come from the config.
 *
 * ## Action space
 * Box([-P_0, ..., -P_{B-1}], [P_0, ..., P_{B-1}]), float32, one AC power set-point per battery
 * in kW, positive charges; P_i = cRatePerHour * capacityKwh of battery i. An action outside the
 * box, NaN or of the wrong length throws InvalidActionError naming the battery index and its
 * bound. A set-point the battery cannot follow (SoC bounds, availability, no energy to charge
 * from during a blackout) is applied as far as feasible; the difference is reported per battery
 * in `info.batteries[i].shortfallKw` and summed in the `shortfallKw` trajectory column, the
 * same rule as CommunityBattery-v0. For a Discrete action, wrap one-battery configs in
 * DiscretizeAction (or use MicrogridDiscrete-v0).
 *
 * ## Observation space (Float32Array, length 10 + 2B + 6H; B batteries, H = forecast.horizonTicks)
 * | index                | meaning                                              | unit  |
 * |----------------------|------------------------------------------------------|-------|
 * | 0, 1                 | sin, cos of hour of day (2 pi h / 24)                | -     |
 * | 2, 3                 | sin, cos of weekday (2 pi d / 7, 0 = Monday)         | -     |
 * | 4                    | episode progress t / T                               | -     |
 * | 5                    | grid status: available fraction of capacity (0: out) | -     |
 * | 6                    | load this tick                                       | kW    |
 * | 7                    | PV this tick (all arrays)                            | kW    |
 * | 8                    | ambient temperature                                  | C     |
 * | 9                    | irradiance (GHI = POA)                               | W/m2  |
 * | 10 .. 10+B-1         | state of charge per battery                          | -     |
 * | 10+B .. 10+2B-1      | availability per battery (0: broken)                 | -     |
 * | then 6 blocks of H   | load q05, q50, q95; PV q05, q50, q95 for t+1..t+H    | kW    |
 * `OBSERVATION_INDEX`-style offsets for the configured B and H are in `env.observationIndex`
 * and in the reset info (`observationIndex`). The tick being dispatched is observed (its load,
 * PV and weather are known when its set-points are chosen). Observations are carved from
 * shared slabs, never reused: callers may keep them.
 *
 * ## Reward
 * `cost` (default): -(import cost - export revenue) - cyclingPenaltyPerKwh * (charge + discharge) * dt.
 * `self-sufficiency`: 1 - import / load of the tick. Both then subtract the optional reserve
 * term (reservePenaltyPerKwh per kWh below reserveSoc, per battery, after the tick) and the
 * optional value of lost load (valueOfLostLoadPerKwh per kWh unserved).
 *
 * ## Episode end
 * `terminated` after episodeTicks (336) steps; `truncated` stays false (wrap with TimeLimit).
 *
 * ## For planners (reset info)
 * `observationIndex`, `dtHours`, `episodeTicks`, `activationTick`, `horizonTicks`,
 * `batteries` (capacityKwh, maxPowerKw, chargeEfficiency, dischargeEfficiency,
 * selfDischargePerHour, minSoc, maxSoc, initialEnergyKwh, offer cost), `startHour`, `grid` (capacityKw,
 * costPerKwh, exportPricePerKwh, importCostByHourPerKwh: the tariff, 24 hourly costs), `reward` (the reward config), `events` (resolved stress
 * events). `foresight()` returns the episode's true load, PV, weather and availabilities.
 * Step info: loadKw, servedLoadKw, pvKw, importKw, exportKw, curtailmentKw, unservedKw,
 * importCost, energyKwh (total), soc (aggregate), `batteries[i]` {requestedKw, chargeKw,
 * dischargeKw, shortfallKw, energyKwh, soc}, `energyKwh` per battery in `batteryEnergyKwh`,
 * and `transcript` (the tick's negotiation messages) when config.transcript is on.
 *
 * ## Version history
 * - v0: first version.
 */
import type { Env, Info, ResetOptions, ResetResult, StepResult } from "../../src/core/env.js";
import { ConfigError, InvalidActionError, ResetNeededError, describeValue } from "../../src/core/errors.js";
import { Rng, entropySeed, rngForReset } from "../../src/core/rng.js";
import { Box } from "../../src/core/spaces.js";
import { Trajectory, type RecordsTrajectory } from "../../src/core/trajectory.js";
import { microgridKpis, type MicrogridKpis } from "../../src/kpi/microgrid.js";
import { MessageBus } from "../../src/negotiation/bus.js";
import { storagePowerLimitKw, type StorageParams } from "../../src/physics/battery.js";
import { gridCost, touImportCostByHour, type ExternalSupplyParams } from "../../src/physics/external-supply.js";
import { AGENT, BatteryAgent, LoadAgent, Orchestrator, PvAgent, StateRegistry, SupplyAgent, TOPIC, WeatherAgent } from "./agents.js";
import { AggregatorAgent } from "./aggregator.js";
import { resolveStressEvents, type MicrogridConfig, type StressEvent } from "./config.js";
import { Exogenous } from "./exogenous.js";
import { ForecastAgent } from "./forecast-agent.js";

export const MICROGRID_ID = "Microgrid-v0";

/** Hours per tick (the SPEC's run: ticks of 1 h). */
export const DT_HOURS = 1;

/** Where each quantity sits in the observation, for B batteries and horizon H. */
export interface MicrogridObservationIndex {
  hourSin: number;
  hourCos: number;
  weekdaySin: number;
  weekdayCos: number;
  progress: number;
  gridStatus: number;
  loadKw: number;
  pvKw: number;
  temperatureC: number;
  irradianceWPerM2: number;
  socStart: number;
  batteryAvailableStart: number;
  loadQ05Start: number;
  loadQ50Start: number;
  loadQ95Start: number;
  pvQ05Start: number;
  pvQ50Start: number;
  pvQ95Start: number;
  batteries: number;
  horizon: number;
  size: number;
}

/** The observation index map for `batteries` batteries and a forecast horizon of `horizon` ticks. */
export function microgridObservationIndex(batteries: number, horizon: number): Readonly<MicrogridObservationIndex> {
  const f = 10 + 2 * batteries;
  return Object.freeze({
    hourSin: 0, hourCos: 1, weekdaySin: 2, weekdayCos: 3, progress: 4, gridStatus: 5,
    loadKw: 6, pvKw: 7, temperatureC: 8, irradianceWPerM2: 9,
    socStart: 10, batteryAvailableStart: 10 + batteries,
    loadQ05Start: f, loadQ50Start: f + horizon, loadQ95Start: f + 2 * horizon,
    pvQ05Start: f + 3 * horizon, pvQ50Start: f + 4 * horizon, pvQ95Start: f + 5 * horizon,
    batteries, horizon, size: f + 6 * horizon,
  });
}

/** Battery parameters as published to planners. */
export interface MicrogridBatteryInfo extends StorageParams {
  maxPowerKw: number;
  initialEnergyKwh: number;
}

/** The episode's exogenous truth, for perfect-foresight planners (copies, ticks 0..T-1). */
export interface MicrogridForesight {
  loadKw: Float64Array;
  pvKw: Float64Array;
  pvArrayKw: Float64Array[];
  temperatureC: Float64Array;
  irradianceWPerM2: Float64Array;
  /** Grid capacity available per tick, kW. */
  gridAvailableKw: Float64Array;
  /** Fraction of each battery's power available per tick. */
  batteryAvailability: Float64Array[];
}

const FIXED_COLUMNS = [
  "tick", "hourOfDay", "loadKw", "servedLoadKw", "pvKw", "temperatureC", "irradianceWPerM2", "gridAvailableKw",
  "chargeKw", "dischargeKw", "importKw", "exportKw", "curtailmentKw", "unservedKw", "energyKwh", "soc",
  "conversionLossKwh", "selfDischargeKwh", "shortfallKw", "importCost", "reward",
] as const;
type FixedColumn = (typeof FIXED_COLUMNS)[number];

/** Trajectory column names of battery `i` and PV array `j`. */
export const batteryColumns = (i: number) => ({
  requestedKw: `battery${i}RequestedKw`, chargeKw: `battery${i}ChargeKw`, dischargeKw: `battery${i}DischargeKw`,
  shortfallKw: `battery${i}ShortfallKw`, energyKwh: `battery${i}EnergyKwh`, soc: `battery${i}Soc`,
});
export const pvColumn = (j: number) => `pv${j}Kw`;

const OBSERVATION_SLAB_OBSERVATIONS = 256;
const TWO_PI = 2 * Math.PI;
// time features by hour of day and weekday, computed once with the observation's formulas
const HOUR_SIN = Float64Array.from({ length: 24 }, (_, hour) => Math.sin((TWO_PI * hour) / 24));
const HOUR_COS = Float64Array.from({ length: 24 }, (_, hour) => Math.cos((TWO_PI * hour) / 24));
const WEEKDAY_SIN = Float64Array.from({ length: 7 }, (_, weekday) => Math.sin((TWO_PI * weekday) / 7));
const WEEKDAY_COS = Float64Array.from({ length: 7 }, (_, weekday) => Math.cos((TWO_PI * weekday) / 7));

export class MicrogridEnv implements Env<Float32Array, Float32Array | Float64Array | number[]>, RecordsTrajectory {
  readonly observationSpace: Box<Float32Array>;
  readonly actionSpace: Box<Float32Array>;
  spec?: Env["spec"];
  readonly config: MicrogridConfig;
  readonly episodeSteps: number;
  readonly observationIndex: Readonly<MicrogridObservationIndex>;
  readonly batteryInfo: readonly MicrogridBatteryInfo[];
  readonly grid: ExternalSupplyParams;
  readonly events: readonly StressEvent[];

  readonly #exo: Exogenous;
  readonly #bus: MessageBus;
  readonly #registry: StateRegistry;
  readonly #batteries: BatteryAgent[];
  readonly #supply: SupplyAgent;
  readonly #forecast: ForecastAgent;
  readonly #aggregator: AggregatorAgent;
  readonly #orchestrator: Orchestrator;
  readonly #maxPowerKw: Float64Array;
  readonly #actionBoundKw: Float64Array;
  readonly #requestedKw: Float64Array;
  readonly #totalCapacityKwh: number;
  readonly #trajectory: Trajectory<string>;
  readonly #fixed: Record<FixedColumn, Float64Array>;
  readonly #batteryCols: { requestedKw: Float64Array; chargeKw: Float64Array; dischargeKw: Float64Array; shortfallKw: Float64Array; energyKwh: Float64Array; soc: Float64Array }[];
  readonly #pvCols: Float64Array[];
  #rng: Rng;
  #t = 0;
  #running = false;
  #closed = false;
  #slab = new ArrayBuffer(0);
  #slabOffset = 0;
  readonly #slabFloats: number;

  constructor(config: MicrogridConfig) {
    this.config = config;
    this.episodeSteps = config.episodeTicks;
    this.events = resolveStressEvents(config);
    const B = config.batteries.length;
    const H = config.forecast.horizonTicks;
    this.observationIndex = microgridObservationIndex(B, H);
    this.batteryInfo = config.batteries.map((b) => {
      const params: StorageParams = {
        capacityKwh: b.capacityKwh, chargeEfficiency: b.chargeEfficiency, dischargeEfficiency: b.dischargeEfficiency,
        cRatePerHour: b.cRatePerHour, selfDischargePerHour: b.selfDischargePerHour, minSoc: b.minSoc, maxSoc: b.maxSoc,
      };
      return Object.freeze({ ...params, maxPowerKw: storagePowerLimitKw(params), initialEnergyKwh: b.initialSoc * b.capacityKwh });
    });
    const tariff = config.grid.tariff;
    this.grid = {
      capacityKw: config.grid.capacityKw, costPerKwh: config.grid.costPerKwh, exportPricePerKwh: config.grid.exportPricePerKwh,
      importCostByHourPerKwh: tariff.kind === "tou"
        ? touImportCostByHour(config.grid.costPerKwh, tariff.peakCostPerKwh, tariff.peakStartHour, tariff.peakEndHour)
        : new Float64Array(24).fill(config.grid.costPerKwh),
    };
    this.#maxPowerKw = Float64Array.from(this.batteryInfo, (b) => b.maxPowerKw);
    this.#actionBoundKw = Float64Array.from(this.#maxPowerKw, (m) => Math.max(m, Math.fround(m)));
    this.#requestedKw = new Float64Array(B);
    this.#totalCapacityKwh = this.batteryInfo.reduce((s, b) => s + b.capacityKwh, 0);
    for (const e of this.events) {
      if (e.kind === "pv-outage" && e.pvIndex >= config.pvArrays.length) {
        throw new ConfigError(`${MICROGRID_ID} config`, [{ path: "scenario", expected: "a PV outage of an existing array", received: `pvIndex ${e.pvIndex}` }]);
      }
    }

    const idx = this.observationIndex;
    const low = new Float64Array(idx.size).fill(-Infinity);
    const high = new Float64Array(idx.size).fill(Infinity);
    for (let i = 0; i < 4; i++) { low[i] = -1; high[i] = 1; }
    for (const k of [idx.progress, idx.gridStatus]) { low[k] = 0; high[k] = 1; }
    for (let i = 0; i < B; i++) {
      low[idx.socStart + i] = 0; high[idx.socStart + i] = 1;
      low[idx.batteryAvailableStart + i] = 0; high[idx.batteryAvailableStart + i] = 1;
    }
    low[idx.loadKw] = 0;
    low[idx.pvKw] = 0;
    low[idx.irradianceWPerM2] = 0;
    this.observationSpace = new Box<Float32Array>({ low, high, dtype: "float32" });
    this.actionSpace = new Box<Float32Array>({ low: Array.from(this.#maxPowerKw, (m) => -m), high: this.#maxPowerKw, dtype: "float32" });
    this.#slabFloats = OBSERVATION_SLAB_OBSERVATIONS * idx.size;
    this.#slabOffset = this.#slabFloats;

    // the agents, on one bus; subscription order is delivery order
    this.#exo = new Exogenous(config, this.events);
    this.#bus = new MessageBus({ record: config.transcript });
    const bus = this.#bus;
    this.#registry = new StateRegistry(config.pvArrays.length, B, this.#exo.length);
    this.#orchestrator = new Orchestrator(bus);
    const weather = new WeatherAgent(bus, this.#exo);
    const pvs = config.pvArrays.map((_, j) => new PvAgent(bus, this.#exo, j));
    const load = new LoadAgent(bus, this.#exo);
    this.#supply = new SupplyAgent(bus, this.#exo, this.grid, config.startHour);
    this.#batteries = this.batteryInfo.map((b, i) => new BatteryAgent(bus, this.#exo, i, b, DT_HOURS));
    this.#forecast = new ForecastAgent(bus, this.#registry, this.#exo, config);
    this.#aggregator = new AggregatorAgent(bus, this.#registry, B);
    bus.register(AGENT.orchestrator, this.#orchestrator);
    bus.register(AGENT.registry, this.#registry);
    bus.register(AGENT.weather, weather);
    for (const p of pvs) bus.register(p.name, p);
    bus.register(AGENT.load, load);
    bus.register(AGENT.supply, this.#supply);
    for (const b of this.#batteries) bus.register(b.name, b);
    bus.register(AGENT.forecast, this.#forecast);
    bus.register(AGENT.aggregator, this.#aggregator);
    bus.subscribe(TOPIC.tick, AGENT.registry);
    bus.subscribe(TOPIC.tick, AGENT.weather);
    for (const p of pvs) bus.subscribe(TOPIC.tick, p.name);
    bus.subscribe(TOPIC.tick, AGENT.load);
    bus.subscribe(TOPIC.tick, AGENT.supply);
    for (const b of this.#batteries) {
      bus.subscribe(TOPIC.tick, b.name);
      bus.subscribe(TOPIC.tickEnd, b.name);
    }
    bus.subscribe(TOPIC.state, AGENT.registry);

    const names: string[] = [...FIXED_COLUMNS];
    for (let i = 0; i < B; i++) names.push(...Object.values(batteryColumns(i)));
    for (let j = 0; j < config.pvArrays.length; j++) names.push(pvColumn(j));
    this.#trajectory = new Trajectory(names, config.record ? this.episodeSteps : 0);
    const c = this.#trajectory.columns;
    this.#fixed = Object.fromEntries(FIXED_COLUMNS.map((n) => [n, c[n]!])) as Record<FixedColumn, Float64Array>;
    this.#batteryCols = this.batteryInfo.map((_, i) => {
      const n = batteryColumns(i);
      return { requestedKw: c[n.requestedKw]!, chargeKw: c[n.chargeKw]!, dischargeKw: c[n.dischargeKw]!, shortfallKw: c[n.shortfallKw]!, energyKwh: c[n.energyKwh]!, soc: c[n.soc]! };
    });
    this.#pvCols = config.pvArrays.map((_, j) => c[pvColumn(j)]!);
    this.#rng = new Rng(entropySeed());
  }

  get unwrapped(): Env<unknown, unknown> {
    return this as unknown as Env<unknown, unknown>;
  }

  get #envId(): string {
    return this.spec?.id ?? MICROGRID_ID;
  }

  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (this.#closed) throw new ResetNeededError(this.#envId, "the env is closed");
    this.#rng = rngForReset(this.#envId, this.#rng, opts.seed);
    // an episode draws its own streams from the env generator, so repeated resets differ
    const episode = this.#rng.int(2 ** 31);
    this.#exo.sample(this.#rng.child(`weather/${episode}`), this.#rng.child(`load/${episode}`));
    this.#forecast.resetEpisode(this.#rng.child(`forecast/${episode}`));
    this.#batteries.forEach((b, i) => {
      b.energyKwh = this.batteryInfo[i]!.initialEnergyKwh;
      b.chargeKw = 0;
      b.dischargeKw = 0;
    });
    this.#bus.resetConversations();
    this.#t = 0;
    this.#running = true;
    this.#trajectory.setLength(0);
    this.#orchestrator.sense(0);
    return {
      observation: this.#observe(),
      info: {
        observationIndex: this.observationIndex,
        dtHours: DT_HOURS,
        episodeTicks: this.episodeSteps,
        episodeSteps: this.episodeSteps,
        activationTick: this.config.activationTick,
        horizonTicks: this.config.forecast.horizonTicks,
        batteries: this.batteryInfo.map((b) => ({ ...b, offerCostCharge: 1 - b.chargeEfficiency, offerCostDischarge: 1 - b.dischargeEfficiency })),
        startHour: this.config.startHour,
        grid: { ...this.grid, importCostByHourPerKwh: Array.from(this.grid.importCostByHourPerKwh!) },
        reward: { ...this.config.reward },
        events: this.events.map((e) => ({ ...e })),
        batteryEnergyKwh: Float64Array.from(this.#batteries, (b) => b.energyKwh),
      },
    };
  }

  step(action: Float32Array | Float64Array | number[]): StepResult<Float32Array> {
    if (!this.#running) {
      throw new ResetNeededError(this.#envId, this.#closed ? "the env is closed" : "the episode has not started or has ended");
    }
    const B = this.#batteries.length;
    const requested = this.#requestedKw;
    if (action?.length !== B) this.actionSpace.assertAction(this.#envId, action);
    for (let i = 0; i < B; i++) {
      const raw = action[i]!;
      const bound = this.#actionBoundKw[i]!;
      if (!(raw >= -bound && raw <= bound)) {
        if (typeof raw !== "number" || Number.isNaN(raw)) this.actionSpace.assertAction(this.#envId, action);
        const m = this.#maxPowerKw[i]!;
        throw new InvalidActionError(this.#envId, i, `in [${-m}, ${m}] kW (power limit of batteries[${i}])`, describeValue(raw));
      }
      // a float32 action may sit one rounding step past the bound the space accepts
      const m = this.#maxPowerKw[i]!;
      requested[i] = raw > m ? m : raw < -m ? -m : raw;
    }
    const t = this.#t;
    const setPoints = this.#aggregator.setPointsKw;
    for (let i = 0; i < B; i++) setPoints[i] = requested[i]!;
    this.#orchestrator.dispatch(t);

    const o = this.#aggregator.outcome;
    const reg = this.#registry;
    const loadKw = reg.loadKw;
    const pvKw = reg.pvKw;
    let chargeKw = 0, dischargeKw = 0, energyKwh = 0, lossKwh = 0, selfKwh = 0, shortfallKw = 0, reserveGapKwh = 0;
    const rc = this.config.reward;
    for (let i = 0; i < B; i++) {
      const b = this.#batteries[i]!;
      chargeKw += b.chargeKw;
      dischargeKw += b.dischargeKw;
      energyKwh += b.energyKwh;
      lossKwh += b.conversionLossKwh;
      selfKwh += b.selfDischargeKwh;
      shortfallKw += Math.abs(requested[i]! - (b.chargeKw - b.dischargeKw));
      const gap = rc.reserveSoc * b.params.capacityKwh - b.energyKwh;
      if (gap > 0) reserveGapKwh += gap;
    }
    const importCost = gridCost(this.grid, o.importKw, o.exportKw, DT_HOURS, (this.config.startHour + t) % 24);
    let reward = rc.kind === "cost"
      ? -importCost - rc.cyclingPenaltyPerKwh * (chargeKw + dischargeKw) * DT_HOURS
      : loadKw > 0 ? 1 - Math.min(o.importKw, loadKw) / loadKw : 1;
    reward -= rc.reservePenaltyPerKwh * reserveGapKwh + rc.valueOfLostLoadPerKwh * o.unservedKw * DT_HOURS;
    const soc = energyKwh / this.#totalCapacityKwh;

    if (this.config.record) {
      const f = this.#fixed;
      f.tick[t] = t;
      f.hourOfDay[t] = (this.config.startHour + t) % 24;
      f.loadKw[t] = loadKw;
      f.servedLoadKw[t] = loadKw - o.unservedKw;
      f.pvKw[t] = pvKw;
      f.temperatureC[t] = reg.temperatureC;
      f.irradianceWPerM2[t] = reg.irradianceWPerM2;
      f.gridAvailableKw[t] = reg.gridAvailableKw;
      f.chargeKw[t] = chargeKw;
      f.dischargeKw[t] = dischargeKw;
      f.importKw[t] = o.importKw;
      f.exportKw[t] = o.exportKw;
      f.curtailmentKw[t] = o.curtailmentKw;
      f.unservedKw[t] = o.unservedKw;
      f.energyKwh[t] = energyKwh;
      f.soc[t] = soc;
      f.conversionLossKwh[t] = lossKwh;
      f.selfDischargeKwh[t] = selfKwh;
      f.shortfallKw[t] = shortfallKw;
      f.importCost[t] = importCost;
      f.reward[t] = reward;
      for (let i = 0; i < B; i++) {
        const b = this.#batteries[i]!;
        const c = this.#batteryCols[i]!;
        c.requestedKw[t] = requested[i]!;
        c.chargeKw[t] = b.chargeKw;
        c.dischargeKw[t] = b.dischargeKw;
        c.shortfallKw[t] = requested[i]! - (b.chargeKw - b.dischargeKw);
        c.energyKwh[t] = b.energyKwh;
        c.soc[t] = b.energyKwh / b.params.capacityKwh;
      }
      for (let j = 0; j < this.#pvCols.length; j++) this.#pvCols[j]![t] = reg.pvArrayKw[j]!;
      this.#trajectory.setLength(t + 1);
    }

    const batteries: Info[] = new Array(B);
    for (let i = 0; i < B; i++) {
      const b = this.#batteries[i]!;
      const appliedKw = b.chargeKw - b.dischargeKw;
      batteries[i] = {
        requestedKw: requested[i]!, chargeKw: b.chargeKw, dischargeKw: b.dischargeKw, shortfallKw: requested[i]! - appliedKw,
        energyKwh: b.energyKwh, soc: b.energyKwh / b.params.capacityKwh,
      };
    }
    const info: Info = {
      tick: t, loadKw, servedLoadKw: loadKw - o.unservedKw, pvKw, importKw: o.importKw, exportKw: o.exportKw,
      curtailmentKw: o.curtailmentKw, unservedKw: o.unservedKw, chargeKw, dischargeKw, importCost,
      energyKwh, soc, shortfallKw, gridAvailableKw: reg.gridAvailableKw, batteries,
    };
    if (this.config.transcript) info["transcript"] = this.#bus.takeTranscript();

    this.#t = t + 1;
    const terminated = this.#t === this.episodeSteps;
    if (terminated) this.#running = false;
    // sensing the next tick also gives the observation after the last step its values
    this.#orchestrator.sense(this.#t);
    return { observation: this.#observe(), reward, terminated, truncated: false, info };
  }

  #newObservation(): Float32Array {
    const size = this.observationIndex.size;
    if (this.#slabOffset + size > this.#slabFloats) {
      this.#slab = new ArrayBuffer(this.#slabFloats * 4);
      this.#slabOffset = 0;
    }
    const obs = new Float32Array(this.#slab, this.#slabOffset * 4, size);
    this.#slabOffset += size;
    return obs;
  }

  #observe(): Float32Array {
    const t = this.#t;
    const idx = this.observationIndex;
    const reg = this.#registry;
    const obs = this.#newObservation();
    const hour = (this.config.startHour + t) % 24;
    const weekday = (this.config.startWeekday + Math.floor((this.config.startHour + t) / 24)) % 7;
    obs[0] = HOUR_SIN[hour]!;
    obs[1] = HOUR_COS[hour]!;
    obs[2] = WEEKDAY_SIN[weekday]!;
    obs[3] = WEEKDAY_COS[weekday]!;
    obs[4] = t / this.episodeSteps;
    obs[5] = this.grid.capacityKw > 0 ? reg.gridAvailableKw / this.grid.capacityKw : this.#exo.gridAvailability[t]!;
    obs[6] = reg.loadKw;
    obs[7] = reg.pvKw;
    obs[8] = reg.temperatureC;
    obs[9] = reg.irradianceWPerM2;
    const B = this.#batteries.length;
    for (let i = 0; i < B; i++) {
      const b = this.#batteries[i]!;
      obs[idx.socStart + i] = b.energyKwh / b.params.capacityKwh;
      obs[idx.batteryAvailableStart + i] = this.#exo.batteryAvailability[i]![t]!;
    }
    // the six forecast blocks are contiguous, in this order (microgridObservationIndex)
    const fc = this.#forecast.forecast;
    const H = idx.horizon;
    const l05 = fc.loadQ05, l50 = fc.loadQ50, l95 = fc.loadQ95, p05 = fc.pvQ05, p50 = fc.pvQ50, p95 = fc.pvQ95;
    for (let k = 0, o = idx.loadQ05Start; k < H; k++, o++) {
      obs[o] = l05[k]!;
      obs[o + H] = l50[k]!;
      obs[o + 2 * H] = l95[k]!;
      obs[o + 3 * H] = p05[k]!;
      obs[o + 4 * H] = p50[k]!;
      obs[o + 5 * H] = p95[k]!;
    }
    return obs;
  }

  /** The episode's exogenous truth (copies of ticks 0..T-1), for perfect-foresight planners. */
  foresight(): MicrogridForesight {
    const T = this.episodeSteps;
    const e = this.#exo;
    return {
      loadKw: e.loadKw.slice(0, T),
      pvKw: e.pvKw.slice(0, T),
      pvArrayKw: e.pvArrayKw.map((a) => a.slice(0, T)),
      temperatureC: e.temperatureC.slice(0, T),
      irradianceWPerM2: e.irradianceWPerM2.slice(0, T),
      gridAvailableKw: e.gridAvailability.slice(0, T).map((a) => a * this.grid.capacityKw),
      batteryAvailability: e.batteryAvailability.map((a) => a.slice(0, T)),
    };
  }

  trajectory(): Trajectory<string> {
    return this.#trajectory;
  }

  kpis(): MicrogridKpis & Record<string, number> {
    const tr = this.#trajectory;
    return microgridKpis({
      dtHours: DT_HOURS,
      activationTick: this.config.activationTick,
      loadKw: tr.column("loadKw"),
      pvKw: tr.column("pvKw"),
      dischargeKw: tr.column("dischargeKw"),
      chargeKw: tr.column("chargeKw"),
      importKw: tr.column("importKw"),
      exportKw: tr.column("exportKw"),
      curtailmentKw: tr.column("curtailmentKw"),
      unservedKw: tr.column("unservedKw"),
      soc: tr.column("soc"),
      importCost: tr.column("importCost"),
    }) as MicrogridKpis & Record<string, number>;
  }

  close(): void {
    this.#closed = true;
    this.#running = false;
  }
}
