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
 * ## Observation space (Float32Array, length 10 + 2B + 6H, + H + 1 with observeTariff; B batteries, H = forecast.horizonTicks)
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
 * | then H + 1 (observeTariff only) | import cost of tick t, t+1..t+H         | /kWh  |
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
 * The types planners read (observation index, battery info, foresight) are in contract.ts.
 * Step info: loadKw, servedLoadKw, pvKw, importKw, exportKw, curtailmentKw, unservedKw,
 * importCost, energyKwh (total), soc (aggregate), `batteries[i]` {requestedKw, chargeKw,
 * dischargeKw, shortfallKw, energyKwh, soc}, `energyKwh` per battery in `batteryEnergyKwh`,
 * and `transcript` (the tick's negotiation messages) when config.transcript is on.
 *
 * ## Version history
 * - v0: first version.
 */
import { BoxActionCheck } from "../../src/core/action-check.js";
import { BaseEnv } from "../../src/core/base-env.js";
import type { Info, ResetResult, StepResult } from "../../src/core/env.js";
import { ConfigError, InvalidActionError } from "../../src/core/errors.js";
import { ObservationSlab } from "../../src/core/observation-slab.js";
import { Box } from "../../src/core/spaces.js";
import { writeTimeFeatures } from "../../src/core/time-features.js";
import { Trajectory, type RecordsTrajectory } from "../../src/core/trajectory.js";
import { microgridKpis, type MicrogridKpis } from "../../src/kpi/microgrid.js";
import { MessageBus } from "../../src/negotiation/bus.js";
import { storagePowerLimitKw, type StorageParams } from "../../src/physics/battery.js";
import { gridCost, touImportCostByHour, type ExternalSupplyParams } from "../../src/physics/external-supply.js";
import { AGENT, BatteryAgent, LoadAgent, Orchestrator, PvAgent, StateRegistry, SupplyAgent, TOPIC, WeatherAgent } from "./agents.js";
import { AggregatorAgent } from "./aggregator.js";
import { resolveStressEvents, type MicrogridConfig, type StressEvent } from "./config.js";
import type { MicrogridBatteryInfo, MicrogridForesight, MicrogridObservationIndex } from "./contract.js";
import { Exogenous } from "./exogenous.js";
import { ForecastAgent } from "./forecast-agent.js";

export const MICROGRID_ID = "Microgrid-v0";

/** Hours per tick (the SPEC's run: ticks of 1 h). */
export const DT_HOURS = 1;

/** The observation index map for `batteries` batteries and a forecast horizon of `horizon` ticks (with `tariff`: the import costs after the forecasts). */
export function microgridObservationIndex(batteries: number, horizon: number, tariff = false): Readonly<MicrogridObservationIndex> {
  const f = 10 + 2 * batteries;
  const end = f + 6 * horizon;
  return Object.freeze({
    hourSin: 0, hourCos: 1, weekdaySin: 2, weekdayCos: 3, progress: 4, gridStatus: 5,
    loadKw: 6, pvKw: 7, temperatureC: 8, irradianceWPerM2: 9,
    socStart: 10, batteryAvailableStart: 10 + batteries,
    loadQ05Start: f, loadQ50Start: f + horizon, loadQ95Start: f + 2 * horizon,
    pvQ05Start: f + 3 * horizon, pvQ50Start: f + 4 * horizon, pvQ95Start: f + 5 * horizon,
    ...(tariff ? { importCostStart: end } : {}),
    batteries, horizon, size: tariff ? end + horizon + 1 : end,
  });
}

const FIXED_COLUMNS = [
  "tick", "hourOfDay", "loadKw", "servedLoadKw", "pvKw", "temperatureC", "irradianceWPerM2", "gridAvailableKw",
  "chargeKw", "dischargeKw", "importKw", "exportKw", "curtailmentKw", "unservedKw", "energyKwh", "soc",
  "conversionLossKwh", "selfDischargeKwh", "shortfallKw", "importCost", "reward",
] as const;
type BatteryColumn = `battery${number}${"RequestedKw" | "ChargeKw" | "DischargeKw" | "ShortfallKw" | "EnergyKwh" | "Soc"}`;
type MicrogridColumn = (typeof FIXED_COLUMNS)[number] | BatteryColumn | `pv${number}Kw`;

/** Trajectory column names of battery `i` and PV array `j`. */
export const batteryColumns = (i: number) => ({
  requestedKw: `battery${i}RequestedKw`, chargeKw: `battery${i}ChargeKw`, dischargeKw: `battery${i}DischargeKw`,
  shortfallKw: `battery${i}ShortfallKw`, energyKwh: `battery${i}EnergyKwh`, soc: `battery${i}Soc`,
} as const);
export const pvColumn = (j: number) => `pv${j}Kw` as const;

/** Battery i's own trajectory columns, looked up once: their names are built at run time, so a write by name would build the name every tick. */
type BatteryTrajectoryColumns = Record<keyof ReturnType<typeof batteryColumns>, Float64Array>;

/** The batteries' parameters as planners read them (C-rate power limit, initial energy). */
function batteryInfoOf(config: MicrogridConfig): MicrogridBatteryInfo[] {
  return config.batteries.map((b) => {
    const params: StorageParams = {
      capacityKwh: b.capacityKwh, chargeEfficiency: b.chargeEfficiency, dischargeEfficiency: b.dischargeEfficiency,
      cRatePerHour: b.cRatePerHour, selfDischargePerHour: b.selfDischargePerHour, minSoc: b.minSoc, maxSoc: b.maxSoc,
    };
    // the seed's defect: the percentage read as kWh, kept inside the SoC bounds
    const initialEnergyKwh = config.emulateSeedDefects.socReadInKwh
      ? Math.min(b.maxSoc * b.capacityKwh, Math.max(b.minSoc * b.capacityKwh, 100 * b.initialSoc))
      : b.initialSoc * b.capacityKwh;
    return Object.freeze({ ...params, maxPowerKw: storagePowerLimitKw(params), initialEnergyKwh });
  });
}

/** The grid connection, its tariff resolved to 24 hourly import costs. */
function gridOf(config: MicrogridConfig): ExternalSupplyParams {
  const g = config.grid;
  return {
    capacityKw: g.capacityKw, costPerKwh: g.costPerKwh, exportPricePerKwh: g.exportPricePerKwh,
    importCostByHourPerKwh: g.tariff.kind === "tou"
      ? touImportCostByHour(g.costPerKwh, g.tariff.peakCostPerKwh, g.tariff.peakStartHour, g.tariff.peakEndHour)
      : new Float64Array(24).fill(g.costPerKwh),
  };
}

/** The observation box: bounded time features, progress, grid status, SoC and availability; non-negative load, PV, irradiance. */
function observationBox(idx: Readonly<MicrogridObservationIndex>): Box<Float32Array> {
  const low = new Float64Array(idx.size).fill(-Infinity);
  const high = new Float64Array(idx.size).fill(Infinity);
  for (let i = 0; i < 4; i++) { low[i] = -1; high[i] = 1; }
  for (const k of [idx.progress, idx.gridStatus]) { low[k] = 0; high[k] = 1; }
  for (let i = 0; i < idx.batteries; i++) {
    low[idx.socStart + i] = 0; high[idx.socStart + i] = 1;
    low[idx.batteryAvailableStart + i] = 0; high[idx.batteryAvailableStart + i] = 1;
  }
  low[idx.loadKw] = 0;
  low[idx.pvKw] = 0;
  low[idx.irradianceWPerM2] = 0;
  if (idx.importCostStart !== undefined) for (let k = idx.importCostStart; k < idx.size; k++) low[k] = 0;
  return new Box<Float32Array>({ low, high, dtype: "float32" });
}

/** The agents of one microgrid, on one bus. */
interface MicrogridAgents {
  bus: MessageBus;
  registry: StateRegistry;
  orchestrator: Orchestrator;
  batteries: BatteryAgent[];
  forecast: ForecastAgent;
  aggregator: AggregatorAgent;
}

/** Builds every agent and wires the bus; subscription order is delivery order (agents.ts). */
function wireAgents(config: MicrogridConfig, exo: Exogenous, grid: ExternalSupplyParams, batteryInfo: readonly MicrogridBatteryInfo[]): MicrogridAgents {
  const bus = new MessageBus({ record: config.transcript });
  const registry = new StateRegistry(config.pvArrays.length, batteryInfo.length, exo.length);
  const orchestrator = new Orchestrator(bus);
  const weather = new WeatherAgent(bus, exo);
  const pvs = config.pvArrays.map((_, j) => new PvAgent(bus, exo, j));
  const load = new LoadAgent(bus, exo);
  const supply = new SupplyAgent(bus, exo, grid, config.startHour);
  const batteries = batteryInfo.map((b, i) => new BatteryAgent(bus, exo, i, b, DT_HOURS, config.emulateSeedDefects));
  const forecast = new ForecastAgent(bus, registry, exo, config);
  const aggregator = new AggregatorAgent(bus, registry, batteryInfo.length);
  bus.register(AGENT.orchestrator, orchestrator);
  bus.register(AGENT.registry, registry);
  bus.register(AGENT.weather, weather);
  for (const p of pvs) bus.register(p.name, p);
  bus.register(AGENT.load, load);
  bus.register(AGENT.supply, supply);
  for (const b of batteries) bus.register(b.name, b);
  bus.register(AGENT.forecast, forecast);
  bus.register(AGENT.aggregator, aggregator);
  bus.subscribe(TOPIC.tick, AGENT.registry);
  bus.subscribe(TOPIC.tick, AGENT.weather);
  for (const p of pvs) bus.subscribe(TOPIC.tick, p.name);
  bus.subscribe(TOPIC.tick, AGENT.load);
  bus.subscribe(TOPIC.tick, AGENT.supply);
  for (const b of batteries) {
    bus.subscribe(TOPIC.tick, b.name);
    bus.subscribe(TOPIC.tickEnd, b.name);
  }
  bus.subscribe(TOPIC.state, AGENT.registry);
  return { bus, registry, orchestrator, batteries, forecast, aggregator };
}

/** The trajectory's columns: the fixed ones, then each battery's, then each PV array's. */
function trajectoryColumns(config: MicrogridConfig): MicrogridColumn[] {
  const names: MicrogridColumn[] = [...FIXED_COLUMNS];
  for (let i = 0; i < config.batteries.length; i++) names.push(...Object.values(batteryColumns(i)));
  for (let j = 0; j < config.pvArrays.length; j++) names.push(pvColumn(j));
  return names;
}

/** The Box error of a set-point out of bounds, told as the power limit of its battery. */
function asPowerLimit(e: unknown): unknown {
  if (!(e instanceof InvalidActionError) || e.index === null || !e.expected.startsWith("in [")) return e;
  return new InvalidActionError(e.envId, e.index, `${e.expected} kW (power limit of batteries[${e.index}])`, e.received);
}

/** Sums over the batteries after a settled tick, and the tick's grid cost (one reused record). */
interface TickTotals {
  chargeKw: number;
  dischargeKw: number;
  energyKwh: number;
  conversionLossKwh: number;
  selfDischargeKwh: number;
  /** Sum over batteries of |requested - applied|, kW. */
  shortfallKw: number;
  /** Energy below the reserve SoC, summed over batteries, kWh. */
  reserveGapKwh: number;
  importCost: number;
}

export class MicrogridEnv extends BaseEnv<Float32Array, Float32Array | Float64Array | number[]> implements RecordsTrajectory {
  readonly observationSpace: Box<Float32Array>;
  readonly actionSpace: Box<Float32Array>;
  readonly config: MicrogridConfig;
  readonly episodeSteps: number;
  readonly observationIndex: Readonly<MicrogridObservationIndex>;
  readonly batteryInfo: readonly MicrogridBatteryInfo[];
  readonly grid: ExternalSupplyParams;
  readonly events: readonly StressEvent[];

  readonly #exo: Exogenous;
  readonly #bus: MessageBus;
  readonly #registry: StateRegistry;
  readonly #orchestrator: Orchestrator;
  readonly #batteries: BatteryAgent[];
  readonly #balanceAction: boolean;
  // the checked action (set-points, or [share, grid] pairs under action "balance")
  readonly #actionValues: Float64Array;
  readonly #balanceWeights: number[];
  readonly #forecast: ForecastAgent;
  readonly #aggregator: AggregatorAgent;
  readonly #actionCheck: BoxActionCheck;
  readonly #requestedKw: Float64Array;
  readonly #totalCapacityKwh: number;
  readonly #totals: TickTotals = {
    chargeKw: 0, dischargeKw: 0, energyKwh: 0, conversionLossKwh: 0, selfDischargeKwh: 0, shortfallKw: 0, reserveGapKwh: 0, importCost: 0,
  };
  readonly #trajectory: Trajectory<MicrogridColumn>;
  readonly #batteryColumns: BatteryTrajectoryColumns[];
  readonly #pvColumns: Float64Array[];
  readonly #slab: ObservationSlab;
  #t = 0;

  /** `id`: the registered id this env runs under (Microgrid-v0, a variant such as MicrogridResilience-v0), named in errors before make() sets the spec (MicrogridDiscrete-v0 builds one inside its wrapper). */
  constructor(config: MicrogridConfig, id: string = MICROGRID_ID) {
    super(id);
    this.config = config;
    this.episodeSteps = config.episodeTicks;
    this.events = resolveStressEvents(config);
    for (const e of this.events) {
      if (e.kind === "pv-outage" && e.pvIndex >= config.pvArrays.length) {
        throw new ConfigError(`${this.id} config`, [{ path: "scenario", expected: "a PV outage of an existing array", received: `pvIndex ${e.pvIndex}` }]);
      }
    }
    const B = config.batteries.length;
    this.observationIndex = microgridObservationIndex(B, config.forecast.horizonTicks, config.observeTariff);
    this.batteryInfo = batteryInfoOf(config);
    this.grid = gridOf(config);
    this.#requestedKw = new Float64Array(B);
    this.#totalCapacityKwh = this.batteryInfo.reduce((s, b) => s + b.capacityKwh, 0);

    this.observationSpace = observationBox(this.observationIndex);
    const maxPowerKw = this.batteryInfo.map((b) => b.maxPowerKw);
    this.#balanceAction = config.action === "balance";
    this.#actionValues = new Float64Array(this.#balanceAction ? 2 * B : B);
    this.#balanceWeights = maxPowerKw.map((m) => m / maxPowerKw.reduce((a, b) => a + b, 0));
    this.actionSpace = this.#balanceAction
      ? new Box<Float32Array>({ low: maxPowerKw.flatMap(() => [0, -1]), high: maxPowerKw.flatMap(() => [1, 1]), dtype: "float32" })
      : new Box<Float32Array>({ low: maxPowerKw.map((m) => -m), high: maxPowerKw, dtype: "float32" });
    this.#actionCheck = new BoxActionCheck(this.actionSpace);
    this.#slab = new ObservationSlab(this.observationIndex.size);

    this.#exo = new Exogenous(config, this.events);
    const agents = wireAgents(config, this.#exo, this.grid, this.batteryInfo);
    this.#bus = agents.bus;
    this.#registry = agents.registry;
    this.#orchestrator = agents.orchestrator;
    this.#batteries = agents.batteries;
    this.#forecast = agents.forecast;
    this.#aggregator = agents.aggregator;
    this.#trajectory = new Trajectory(trajectoryColumns(config), config.record ? this.episodeSteps : 0);
    const c = this.#trajectory.columns;
    this.#batteryColumns = this.batteryInfo.map((_, i) => {
      const n = batteryColumns(i);
      return { requestedKw: c[n.requestedKw], chargeKw: c[n.chargeKw], dischargeKw: c[n.dischargeKw], shortfallKw: c[n.shortfallKw], energyKwh: c[n.energyKwh], soc: c[n.soc] };
    });
    this.#pvColumns = config.pvArrays.map((_, j) => c[pvColumn(j)]);
  }

  protected resetEpisode(): ResetResult<Float32Array> {
    const rng = this.rng;
    // an episode draws its own streams from the env generator, so repeated resets differ
    const episode = rng.int(2 ** 31);
    const outageRng = this.config.outages.hazardPerHour > 0 ? rng.child(`outages/${episode}`) : undefined;
    this.#exo.sample(rng.child(`weather/${episode}`), rng.child(`load/${episode}`), outageRng);
    this.#forecast.resetEpisode(rng.child(`forecast/${episode}`));
    this.#batteries.forEach((b, i) => {
      b.energyKwh = this.batteryInfo[i]!.initialEnergyKwh;
      b.chargeKw = 0;
      b.dischargeKw = 0;
    });
    this.#bus.resetConversations();
    this.#t = 0;
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
        // only where outages are drawn, so Microgrid-v0's default reset info is as before
        ...(this.config.outages.hazardPerHour > 0 ? { outageHazard: { ...this.config.outages } } : {}),
        // only where some seed defect is emulated, likewise
        ...(Object.values(this.config.emulateSeedDefects).some((on) => on) ? { emulateSeedDefects: { ...this.config.emulateSeedDefects } } : {}),
        batteryEnergyKwh: Float64Array.from(this.#batteries, (b) => b.energyKwh),
      },
    };
  }

  protected stepEpisode(action: Float32Array | Float64Array | number[]): StepResult<Float32Array> {
    const t = this.#t;
    this.#applySetPoints(action);
    // physics: the aggregator negotiates the set-points by Contract Net, then every battery settles
    this.#orchestrator.dispatch(t);
    const totals = this.#sumTick(t);
    const reward = this.#reward(totals, t);
    if (this.config.record) this.#record(t, totals, reward);
    const info = this.#info(t, totals);
    this.#t = t + 1;
    const terminated = this.#t === this.episodeSteps;
    // sensing the next tick also gives the observation after the last step its values
    this.#orchestrator.sense(this.#t);
    return { observation: this.#observe(), reward, terminated, truncated: false, info };
  }

  /** Checks the action and hands the set-points, pulled back to the power limits, to the aggregator. */
  #applySetPoints(action: unknown): void {
    try {
      this.#actionCheck.read(this.id, action, this.#balanceAction ? this.#actionValues : this.#requestedKw);
    } catch (e) {
      throw this.#balanceAction ? e : asPowerLimit(e);
    }
    if (this.#balanceAction) this.#balanceSetPoints();
    this.#aggregator.setPointsKw.set(this.#requestedKw);
  }

  /** Action `balance`: each battery's [share, grid] pair as a set-point inside what it can follow now (config.action). */
  #balanceSetPoints(): void {
    const reg = this.#registry;
    const net = reg.loadKw - reg.pvKw;
    const a = this.#actionValues;
    // what the grid connection lets the batteries take in (PV surplus + import) or push out (deficit + export)
    const available = reg.gridAvailableKw;
    const inKw = Math.max(0, available - net);
    const outKw = Math.max(0, available + net);
    for (let i = 0; i < this.#batteries.length; i++) {
      const b = this.#batteries[i]!;
      const w = this.#balanceWeights[i]!;
      const up = Math.min(b.maxChargeKw(), inKw * w);
      const down = Math.min(b.maxDischargeKw(), outKw * w);
      let kw = -a[2 * i]! * net * w;
      kw = kw > up ? up : kw < -down ? -down : kw;
      const g = a[2 * i + 1]!;
      this.#requestedKw[i] = g >= 0 ? kw + g * (up - kw) : kw + g * (kw + down);
    }
  }

  /** The settled tick's battery sums and grid cost. */
  #sumTick(t: number): TickTotals {
    const s = this.#totals;
    const requested = this.#requestedKw;
    const reserveSoc = this.config.reward.reserveSoc;
    let chargeKw = 0, dischargeKw = 0, energyKwh = 0, lossKwh = 0, selfKwh = 0, shortfallKw = 0, reserveGapKwh = 0;
    const batteries = this.#batteries;
    for (let i = 0; i < batteries.length; i++) {
      const b = batteries[i]!;
      chargeKw += b.chargeKw;
      dischargeKw += b.dischargeKw;
      energyKwh += b.energyKwh;
      lossKwh += b.conversionLossKwh;
      selfKwh += b.selfDischargeKwh;
      shortfallKw += Math.abs(requested[i]! - (b.chargeKw - b.dischargeKw));
      const gap = reserveSoc * b.params.capacityKwh - b.energyKwh;
      if (gap > 0) reserveGapKwh += gap;
    }
    const o = this.#aggregator.outcome;
    s.chargeKw = chargeKw;
    s.dischargeKw = dischargeKw;
    s.energyKwh = energyKwh;
    s.conversionLossKwh = lossKwh;
    s.selfDischargeKwh = selfKwh;
    s.shortfallKw = shortfallKw;
    s.reserveGapKwh = reserveGapKwh;
    s.importCost = gridCost(this.grid, o.importKw, o.exportKw, DT_HOURS, (this.config.startHour + t) % 24);
    return s;
  }

  /** `cost` or `self-sufficiency`, less the reserve and lost-load terms (file header, Reward). */
  #reward(s: TickTotals, t: number): number {
    const rc = this.config.reward;
    const o = this.#aggregator.outcome;
    const loadKw = this.#registry.loadKw;
    let reward = rc.kind === "cost"
      ? -s.importCost - rc.cyclingPenaltyPerKwh * (s.chargeKw + s.dischargeKw) * DT_HOURS
      : loadKw > 0 ? 1 - Math.min(o.importKw, loadKw) / loadKw : 1;
    reward -= rc.reservePenaltyPerKwh * s.reserveGapKwh + rc.valueOfLostLoadPerKwh * o.unservedKw * DT_HOURS;
    if (this.config.rewardBaseline === "idle") reward -= this.#idleReward(t);
    return reward;
  }

  /** What tick t would have earned with every battery idle (rewardBaseline `idle`): the grid takes the net load within its availability. */
  #idleReward(t: number): number {
    const rc = this.config.reward;
    const reg = this.#registry;
    const net = reg.loadKw - reg.pvKw;
    const available = reg.gridAvailableKw;
    const importKw = net > 0 ? Math.min(net, available) : 0;
    const exportKw = net < 0 ? Math.min(-net, available) : 0;
    const unservedKw = net > available ? net - available : 0;
    const base = rc.kind === "cost"
      ? -gridCost(this.grid, importKw, exportKw, DT_HOURS, (this.config.startHour + t) % 24)
      : reg.loadKw > 0 ? 1 - Math.min(importKw, reg.loadKw) / reg.loadKw : 1;
    return base - rc.valueOfLostLoadPerKwh * unservedKw * DT_HOURS;
  }

  #record(t: number, s: TickTotals, reward: number): void {
    const c = this.#trajectory.columns;
    const reg = this.#registry;
    const o = this.#aggregator.outcome;
    c.tick[t] = t;
    c.hourOfDay[t] = (this.config.startHour + t) % 24;
    c.loadKw[t] = reg.loadKw;
    c.servedLoadKw[t] = reg.loadKw - o.unservedKw;
    c.pvKw[t] = reg.pvKw;
    c.temperatureC[t] = reg.temperatureC;
    c.irradianceWPerM2[t] = reg.irradianceWPerM2;
    c.gridAvailableKw[t] = reg.gridAvailableKw;
    c.chargeKw[t] = s.chargeKw;
    c.dischargeKw[t] = s.dischargeKw;
    c.importKw[t] = o.importKw;
    c.exportKw[t] = o.exportKw;
    c.curtailmentKw[t] = o.curtailmentKw;
    c.unservedKw[t] = o.unservedKw;
    c.energyKwh[t] = s.energyKwh;
    c.soc[t] = s.energyKwh / this.#totalCapacityKwh;
    c.conversionLossKwh[t] = s.conversionLossKwh;
    c.selfDischargeKwh[t] = s.selfDischargeKwh;
    c.shortfallKw[t] = s.shortfallKw;
    c.importCost[t] = s.importCost;
    c.reward[t] = reward;
    const batteries = this.#batteries;
    for (let i = 0; i < batteries.length; i++) {
      const b = batteries[i]!;
      const bc = this.#batteryColumns[i]!;
      const requestedKw = this.#requestedKw[i]!;
      bc.requestedKw[t] = requestedKw;
      bc.chargeKw[t] = b.chargeKw;
      bc.dischargeKw[t] = b.dischargeKw;
      bc.shortfallKw[t] = requestedKw - (b.chargeKw - b.dischargeKw);
      bc.energyKwh[t] = b.energyKwh;
      bc.soc[t] = b.energyKwh / b.params.capacityKwh;
    }
    for (let j = 0; j < this.#pvColumns.length; j++) this.#pvColumns[j]![t] = reg.pvArrayKw[j]!;
    this.#trajectory.setLength(t + 1);
  }

  #info(t: number, s: TickTotals): Info {
    const reg = this.#registry;
    const o = this.#aggregator.outcome;
    const B = this.#batteries.length;
    const batteries: Info[] = new Array(B);
    for (let i = 0; i < B; i++) {
      const b = this.#batteries[i]!;
      const requestedKw = this.#requestedKw[i]!;
      batteries[i] = {
        requestedKw, chargeKw: b.chargeKw, dischargeKw: b.dischargeKw, shortfallKw: requestedKw - (b.chargeKw - b.dischargeKw),
        energyKwh: b.energyKwh, soc: b.energyKwh / b.params.capacityKwh,
      };
    }
    const loadKw = reg.loadKw;
    const info: Info = {
      tick: t, loadKw, servedLoadKw: loadKw - o.unservedKw, pvKw: reg.pvKw, importKw: o.importKw, exportKw: o.exportKw,
      curtailmentKw: o.curtailmentKw, unservedKw: o.unservedKw, chargeKw: s.chargeKw, dischargeKw: s.dischargeKw, importCost: s.importCost,
      energyKwh: s.energyKwh, soc: s.energyKwh / this.#totalCapacityKwh, shortfallKw: s.shortfallKw, gridAvailableKw: reg.gridAvailableKw, batteries,
    };
    if (this.config.transcript) info["transcript"] = this.#bus.takeTranscript();
    return info;
  }

  #observe(): Float32Array {
    const t = this.#t;
    const idx = this.observationIndex;
    const reg = this.#registry;
    const obs = this.#slab.next();
    const { startHour, startWeekday } = this.config;
    writeTimeFeatures(obs, idx.hourSin, (startHour + t) % 24, (startWeekday + Math.floor((startHour + t) / 24)) % 7);
    obs[idx.progress] = t / this.episodeSteps;
    obs[idx.gridStatus] = this.grid.capacityKw > 0 ? reg.gridAvailableKw / this.grid.capacityKw : this.#exo.gridAvailability[t]!;
    obs[idx.loadKw] = reg.loadKw;
    obs[idx.pvKw] = reg.pvKw;
    obs[idx.temperatureC] = reg.temperatureC;
    obs[idx.irradianceWPerM2] = reg.irradianceWPerM2;
    const batteries = this.#batteries;
    for (let i = 0; i < batteries.length; i++) {
      const b = batteries[i]!;
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
    if (idx.importCostStart !== undefined) {
      const byHour = this.grid.importCostByHourPerKwh!;
      for (let k = 0; k <= H; k++) obs[idx.importCostStart + k] = byHour[(startHour + t + k) % 24]!;
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

  trajectory(): Trajectory<MicrogridColumn> {
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
      valueOfLostLoadPerKwh: this.config.reward.valueOfLostLoadPerKwh,
    }) as MicrogridKpis & Record<string, number>;
  }
}
