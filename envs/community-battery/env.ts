/**
 * CommunityBattery-v0: one community battery behind the point of common coupling of a
 * local energy community, dispatched hour by hour against the day-ahead spot price
 * (the case study of seed 003, SPEC section 3).
 *
 * ## Description
 * Aggregated household load and PV meet at the PCC with a 1.2 MWh / 0.6 MW battery
 * (95 % round trip, sqrt(eta) each way, SPEC eq. 1g). Whatever load, PV and battery leave
 * unbalanced is exchanged with the grid at the spot price: gridImportKw = load - PV +
 * battery power (> 0 buys, < 0 exports and is paid the same price, as the seed's LP allows).
 * By default the series are measured: the mean of 5 Fontana homes' load and PV scaled to
 * `households`, on the Belgian day-ahead price calendar (data/README.md).
 *
 * ## Action space
 * Box([-maxPowerKw], [maxPowerKw]), float32: battery power in kW at the AC terminals,
 * positive charges. An action outside the box (or NaN, or of the wrong length) throws
 * InvalidActionError. A request inside the box that the battery cannot follow (it would
 * overfill or over-empty it) is applied as far as it is feasible: the applied power is the
 * feasible power closest to the request, and the difference is reported as
 * `info.shortfallKw` and summed in the `shortfallKwh` KPI.
 * With `action: "feasible-fraction"` the Box is [-1, 1] instead: the fraction of the charge
 * (> 0) or discharge (< 0) power the battery can follow this hour, so every request is
 * feasible (the learners' parameterisation; the physics and KPIs are the same).
 *
 * ## Observation space (Float32Array, length 57; 31 with `observeLoad: false`)
 * | index  | meaning                                                  | unit    |
 * |--------|----------------------------------------------------------|---------|
 * | 0, 1   | sin, cos of hour of day (2 pi h / 24)                    | -       |
 * | 2, 3   | sin, cos of weekday (2 pi d / 7, 0 = Monday)             | -       |
 * | 4      | episode progress t / T                                   | -       |
 * | 5      | state of charge e / capacity                             | -       |
 * | 6      | load this hour                                           | kW      |
 * | 7      | PV this hour                                             | kW      |
 * | 8      | spot price this hour                                     | EUR/kWh |
 * | 9-32   | spot price of hours t+1 .. t+24 (day-ahead, known; minus | EUR/kWh |
 * |        | this hour's with `pricesAhead: "relative"`)              |         |
 * | 33-56  | forecast of net load (load - PV) for hours t+1 .. t+24   | kW      |
 * With `observeLoad: false` the load, PV and net-load forecast are left out
 * (PRICE_OBSERVATION_INDEX): 0-5 as above, 6 this hour's price, 7-30 the prices ahead. In
 * arbitrage mode the battery's part of the reward (minus price x battery power) does not
 * depend on them, so for a learner they are inputs to learn to ignore.
 * Each observation is a new array the caller may keep, carved from a shared slab
 * (ObservationSlab: their `.buffer` is shared).
 * The hour being dispatched is observed (load, PV and price of hour t are known when
 * its battery power is chosen). The forecast is `config.forecast`: seasonal-naive (same
 * hour the day before), persistence (this hour's net load) or perfect.
 * The data never wraps around: near its end the look-ahead (prices, perfect forecast) repeats
 * the data's last day hour for hour, never its first rows; on its first day the seasonal-naive
 * forecast of an hour whose yesterday the data lacks is the current net load (as
 * src/forecast/naive.ts does before a full period), never the data's last day.
 *
 * ## Reward
 * `arbitrage`: -(price * gridImportKw * dt), EUR (LEC-MPEA). `self-consumption`:
 * -max(gridImportKw, 0) * dt, kWh bought (LEC-MS). At the last step, with terminalValue
 * `mean-price`, the reward also carries -(e0 - eT) * v: the energy taken out of (or left in)
 * the battery is settled at the episode's mean price (v = 1 per kWh in self-consumption mode).
 * With `rewardBaseline: "idle"` each reward is relative to an idle battery's (same optimal
 * policy, much lower variance: for learners).
 *
 * ## Episode end
 * `terminated` after days * 24 steps: the horizon is part of the task (the terminal energy
 * is settled and the observation carries the episode progress). `truncated` stays false;
 * wrap with TimeLimit for shorter cut-offs.
 *
 * ## Version history
 * - v0: first version.
 */
import type { Info, ResetResult, StepResult } from "../../src/core/env.js";
import { BaseEnv } from "../../src/core/base-env.js";
import { BoxActionCheck } from "../../src/core/action-check.js";
import { ConfigError } from "../../src/core/errors.js";
import { ObservationSlab } from "../../src/core/observation-slab.js";
import { Rng } from "../../src/core/rng.js";
import { Box } from "../../src/core/spaces.js";
import { writeTimeFeatures } from "../../src/core/time-features.js";
import { Trajectory, type RecordsTrajectory } from "../../src/core/trajectory.js";
import { loadCommunityProfiles } from "../../src/data/community-profiles.js";
import { readSeriesCsv } from "../../src/data/csv.js";
import { csvEncodingIssue } from "../../src/data/csv-encoding.js";
import { startDaysWithinMonths, type HourlyProfiles } from "../../src/data/profiles.js";
import { syntheticProfiles } from "../../src/data/synthetic.js";
import { storageKpis, type StorageKpis } from "../../src/kpi/storage.js";
import { batteryLossKwh, feasibleBatteryPowerKw, feasibleFractionKw, nextBatteryEnergyKwh, type BatteryParams } from "../../src/physics/battery.js";
import type { CommunityBatteryConfig } from "./config.js";

export const COMMUNITY_BATTERY_ID = "CommunityBattery-v0";

/** Hours of look-ahead in the observation (prices and net-load forecast). */
export const LOOKAHEAD_HOURS = 24;

/** Where each quantity sits in the observation; also published in the reset info. */
export const OBSERVATION_INDEX = Object.freeze({
  hourSin: 0,
  hourCos: 1,
  weekdaySin: 2,
  weekdayCos: 3,
  progress: 4,
  soc: 5,
  loadKw: 6,
  pvKw: 7,
  priceEurPerKwh: 8,
  priceAheadStart: 9,
  netLoadForecastStart: 9 + LOOKAHEAD_HOURS,
  size: 9 + 2 * LOOKAHEAD_HOURS,
});

/**
 * The layout with `observeLoad: false`: time, progress, SoC, this hour's price and the prices
 * ahead; no load, PV or net-load forecast.
 */
export const PRICE_OBSERVATION_INDEX = Object.freeze({
  hourSin: 0,
  hourCos: 1,
  weekdaySin: 2,
  weekdayCos: 3,
  progress: 4,
  soc: 5,
  priceEurPerKwh: 6,
  priceAheadStart: 7,
  size: 7 + LOOKAHEAD_HOURS,
});

/** Where each quantity sits in an observation of either layout. */
export interface CommunityBatteryObservationIndex {
  readonly hourSin: number;
  readonly hourCos: number;
  readonly weekdaySin: number;
  readonly weekdayCos: number;
  readonly progress: number;
  readonly soc: number;
  readonly priceEurPerKwh: number;
  readonly priceAheadStart: number;
  /** Absent with `observeLoad: false`, as are pvKw and netLoadForecastStart. */
  readonly loadKw?: number;
  readonly pvKw?: number;
  readonly netLoadForecastStart?: number;
  readonly size: number;
}

const TRAJECTORY_COLUMNS = [
  "step", "dataHour", "loadKw", "pvKw", "priceEurPerKwh", "requestedKw", "appliedKw", "chargeKw",
  "dischargeKw", "gridImportKw", "energyKwh", "soc", "lossKwh", "shortfallKw", "reward",
] as const;
type Column = (typeof TRAJECTORY_COLUMNS)[number];

const DT_HOURS = 1;

/**
 * The CSV's series; when the reader refuses a file it could open because the file is UTF-16 or
 * has lone-CR line ends, the error says that instead of listing the columns it could not find.
 */
function readCsvNamingEncoding(file: string, columns: Record<string, string>): Record<string, Float64Array> {
  try {
    return readSeriesCsv(file, { columns, field: "data.file", nonNegative: ["loadKw", "pvKw"] });
  } catch (err) {
    // an error about the file itself (unreadable, refused) stands; one about its contents may have a cause
    if (!(err instanceof ConfigError) || err.issues.some((i) => i.path === "file")) throw err;
    const cause = csvEncodingIssue(file);
    if (cause !== null) throw new ConfigError(err.owner, [cause]);
    throw err;
  }
}

/** The exogenous series of the configured source, loaded once per env instance. */
function loadProfiles(cfg: CommunityBatteryConfig): HourlyProfiles {
  const d = cfg.data;
  switch (d.source) {
    case "bundled":
      return loadCommunityProfiles({ households: d.households, priceYear: d.priceYear, pvScale: d.pvScale });
    case "synthetic":
      return syntheticProfiles(
        { hours: 365 * 24, meanLoadKw: d.meanLoadKw, pvPeakKw: d.pvPeakKw, meanPriceEurPerKwh: d.meanPriceEurPerKwh },
        new Rng(0, "synthetic-profiles"),
      );
    case "csv": {
      const series = readCsvNamingEncoding(d.file, d.columns);
      const n = series.loadKw!.length;
      if (n < cfg.days * 24) {
        throw new ConfigError(`CSV ${d.file}`, [{ path: "rows", expected: `at least ${cfg.days * 24} rows (days * 24)`, received: `${n} rows` }]);
      }
      const hourOfDay = new Uint8Array(n);
      const weekday = new Uint8Array(n);
      for (let t = 0; t < n; t++) {
        const h = d.firstHour + t;
        hourOfDay[t] = h % 24;
        weekday[t] = (d.firstWeekday + Math.floor(h / 24)) % 7;
      }
      return { loadKw: series.loadKw!, pvKw: series.pvKw!, priceEurPerKwh: series.priceEurPerKwh!, hourOfDay, weekday, length: n };
    }
  }
}

/** The observation box: bounded time features, progress and SoC; non-negative load and PV. */
function observationBox(idx: CommunityBatteryObservationIndex): Box<Float32Array> {
  const low = new Float64Array(idx.size).fill(-Infinity);
  const high = new Float64Array(idx.size).fill(Infinity);
  for (let i = 0; i < 4; i++) { low[i] = -1; high[i] = 1; }
  low[idx.progress] = 0; high[idx.progress] = 1;
  low[idx.soc] = 0; high[idx.soc] = 1;
  if (idx.loadKw !== undefined) low[idx.loadKw] = 0;
  if (idx.pvKw !== undefined) low[idx.pvKw] = 0;
  return new Box<Float32Array>({ low, high, dtype: "float32" });
}

/** What one hour did, filled stage by stage in step() (one reused record, no allocation). */
interface HourFlows {
  loadKw: number;
  pvKw: number;
  priceEurPerKwh: number;
  requestedKw: number;
  /** Battery power applied (the feasible power closest to the request), kW, > 0 charges. */
  appliedKw: number;
  /** Stored energy after the hour, kWh. */
  energyKwh: number;
  lossKwh: number;
  /** load - PV + battery power: > 0 buys, < 0 exports. */
  gridImportKw: number;
}

export class CommunityBatteryEnv extends BaseEnv<Float32Array, Float32Array | Float64Array | number[]> implements RecordsTrajectory {
  readonly observationSpace: Box<Float32Array>;
  readonly actionSpace: Box<Float32Array>;
  readonly config: CommunityBatteryConfig;
  readonly battery: BatteryParams;
  readonly episodeSteps: number;
  /** Where each quantity sits in this env's observation (OBSERVATION_INDEX, or PRICE_OBSERVATION_INDEX with `observeLoad: false`). */
  readonly observationIndex: CommunityBatteryObservationIndex;

  readonly #profiles: HourlyProfiles;
  readonly #actionCheck: BoxActionCheck;
  readonly #fractionAction: boolean;
  // the start days a random episode draws from (config.months), or null: any
  readonly #startDays: number[] | null;
  readonly #idleBaseline: boolean;
  readonly #initialEnergyKwh: number;
  // episode series, indexed [LOOKAHEAD + t], with LOOKAHEAD + 1 hours after the episode
  readonly #load: Float64Array;
  readonly #pv: Float64Array;
  readonly #price: Float64Array;
  readonly #dataHour: Int32Array;
  /** Index (into the episode series) of the data's first row: slots before it hold no data. */
  #firstDataIndex = 0;
  #terminalValuePerKwh = 0;
  #meanPriceEurPerKwh = 0;
  #t = 0;
  #energyKwh = 0;
  readonly #hour: HourFlows = { loadKw: 0, pvKw: 0, priceEurPerKwh: 0, requestedKw: 0, appliedKw: 0, energyKwh: 0, lossKwh: 0, gridImportKw: 0 };
  readonly #trajectory: Trajectory<Column>;
  readonly #slab: ObservationSlab;

  constructor(config: CommunityBatteryConfig) {
    super(COMMUNITY_BATTERY_ID);
    this.config = config;
    this.battery = { capacityKwh: config.battery.capacityKwh, maxPowerKw: config.battery.maxPowerKw, efficiency: config.battery.efficiency };
    this.#idleBaseline = config.rewardBaseline === "idle";
    this.#initialEnergyKwh = config.battery.initialSoc * config.battery.capacityKwh;
    this.episodeSteps = config.days * 24;
    this.#profiles = loadProfiles(config);
    const days = Math.floor(this.#profiles.length / 24);
    if (config.startDay !== "random" && config.startDay + config.days > days) {
      throw new ConfigError(`${COMMUNITY_BATTERY_ID} config`, [{
        path: "startDay", expected: `an integer <= ${days - config.days} (data has ${days} days, episode ${config.days})`, received: String(config.startDay),
      }]);
    }
    this.#startDays = null;
    if (config.months !== undefined) {
      if (config.data.source === "csv") {
        throw new ConfigError(`${COMMUNITY_BATTERY_ID} config`, [{ path: "months", expected: "bundled or synthetic data (a CSV has no calendar; choose startDay)", received: JSON.stringify(config.months) }]);
      }
      this.#startDays = startDaysWithinMonths(days, config.days, config.months);
      if (this.#startDays.length === 0) {
        throw new ConfigError(`${COMMUNITY_BATTERY_ID} config`, [{ path: "months", expected: `months holding ${config.days} consecutive days`, received: JSON.stringify(config.months) }]);
      }
    }
    this.observationIndex = config.observeLoad ? OBSERVATION_INDEX : PRICE_OBSERVATION_INDEX;
    this.#slab = new ObservationSlab(this.observationIndex.size);
    this.observationSpace = observationBox(this.observationIndex);
    this.#fractionAction = config.action === "feasible-fraction";
    const maxPowerKw = this.#fractionAction ? 1 : config.battery.maxPowerKw;
    this.actionSpace = new Box<Float32Array>({ low: [-maxPowerKw], high: [maxPowerKw], dtype: "float32" });
    this.#actionCheck = new BoxActionCheck(this.actionSpace);
    const padded = LOOKAHEAD_HOURS + this.episodeSteps + LOOKAHEAD_HOURS + 1;
    this.#load = new Float64Array(padded);
    this.#pv = new Float64Array(padded);
    this.#price = new Float64Array(padded);
    this.#dataHour = new Int32Array(padded);
    this.#trajectory = new Trajectory(TRAJECTORY_COLUMNS, config.record ? this.episodeSteps : 0);
  }

  protected resetEpisode(): ResetResult<Float32Array> {
    const cfg = this.config;
    const days = Math.floor(this.#profiles.length / 24);
    const starts = this.#startDays;
    const startDay = cfg.startDay !== "random" ? cfg.startDay
      : starts === null ? this.rng.int(days - cfg.days + 1) : starts[this.rng.int(starts.length)]!;
    this.#drawSeries(startDay);
    let priceSum = 0;
    for (let t = 0; t < this.episodeSteps; t++) priceSum += this.#price[LOOKAHEAD_HOURS + t]!;
    this.#meanPriceEurPerKwh = priceSum / this.episodeSteps;
    if (cfg.terminalValue === "none") this.#terminalValuePerKwh = 0;
    else this.#terminalValuePerKwh = cfg.reward === "self-consumption" ? 1 : this.#meanPriceEurPerKwh;
    this.#t = 0;
    this.#energyKwh = this.#initialEnergyKwh;
    this.#trajectory.setLength(0);
    return {
      observation: this.#observe(),
      info: {
        observationIndex: this.observationIndex,
        battery: { ...this.battery, initialEnergyKwh: this.#initialEnergyKwh },
        dtHours: DT_HOURS,
        objective: cfg.reward,
        pricesAhead: cfg.pricesAhead,
        terminalValuePerKwh: this.#terminalValuePerKwh,
        episodeSteps: this.episodeSteps,
        startDay,
        energyKwh: this.#energyKwh,
      },
    };
  }

  /** The episode's load (with its noise), PV and price from `startDay`, look-ahead padding included. */
  #drawSeries(startDay: number): void {
    // an episode draws its own noise stream from the env generator, so repeated resets differ
    const noise = this.rng.child(`load-noise/${this.rng.int(2 ** 31)}`);
    const p = this.#profiles;
    const n = p.length;
    const first = startDay * 24 - LOOKAHEAD_HOURS;
    // the data never wraps around: past its last row the look-ahead repeats the data's last day hour
    // for hour; before its first row (read only by the seasonal-naive forecast, which then holds the
    // current hour, see #observe) the slots repeat its first day
    this.#firstDataIndex = Math.max(0, -first);
    for (let i = 0; i < this.#load.length; i++) {
      const raw = first + i;
      const h = raw < 0 ? raw + 24 * Math.ceil(-raw / 24) : raw >= n ? raw - 24 * Math.ceil((raw - n + 1) / 24) : raw;
      this.#dataHour[i] = h;
      this.#load[i] = Math.max(0, p.loadKw[h]! * (1 + this.config.loadNoise * noise.normal()));
      this.#pv[i] = p.pvKw[h]!;
      this.#price[i] = p.priceEurPerKwh[h]!;
    }
  }

  protected stepEpisode(action: Float32Array | Float64Array | number[]): StepResult<Float32Array> {
    const hour = this.#hour;
    hour.requestedKw = this.#actionCheck.scalar(this.id, action);
    if (this.#fractionAction) hour.requestedKw = feasibleFractionKw(this.battery, this.#energyKwh, hour.requestedKw, DT_HOURS);
    this.#dispatch(hour);
    let reward = this.#reward(hour);
    const t = this.#t;
    this.#t = t + 1;
    const terminated = this.#t === this.episodeSteps;
    // the energy taken out of (or left in) the battery is settled with the last reward
    if (terminated) reward -= (this.#initialEnergyKwh - hour.energyKwh) * this.#terminalValuePerKwh;
    if (this.config.record) this.#record(t, hour, reward);
    return { observation: this.#observe(), reward, terminated, truncated: false, info: this.#info(hour) };
  }

  /** Physics of hour t: the battery follows the request as far as feasible; the PCC balances the rest. */
  #dispatch(hour: HourFlows): void {
    const i = LOOKAHEAD_HOURS + this.#t;
    const b = this.battery;
    const e0 = this.#energyKwh;
    hour.loadKw = this.#load[i]!;
    hour.pvKw = this.#pv[i]!;
    hour.priceEurPerKwh = this.#price[i]!;
    hour.appliedKw = feasibleBatteryPowerKw(b, e0, hour.requestedKw, DT_HOURS);
    hour.energyKwh = nextBatteryEnergyKwh(b, e0, hour.appliedKw, DT_HOURS);
    hour.lossKwh = batteryLossKwh(b, hour.appliedKw, DT_HOURS);
    hour.gridImportKw = hour.loadKw - hour.pvKw + hour.appliedKw;
    this.#energyKwh = hour.energyKwh;
  }

  /** The hour's reward before the terminal settlement: arbitrage EUR or kWh bought, optionally relative to an idle battery. */
  #reward(hour: HourFlows): number {
    const price = hour.priceEurPerKwh;
    const arbitrage = this.config.reward === "arbitrage";
    const gridImportKw = hour.gridImportKw;
    let reward = arbitrage ? -(price * gridImportKw * DT_HOURS) : -(gridImportKw > 0 ? gridImportKw : 0) * DT_HOURS;
    if (this.#idleBaseline) {
      const idleImportKw = hour.loadKw - hour.pvKw;
      reward -= arbitrage ? -price * idleImportKw * DT_HOURS : -(idleImportKw > 0 ? idleImportKw : 0) * DT_HOURS;
    }
    return reward;
  }

  #record(t: number, hour: HourFlows, reward: number): void {
    const c = this.#trajectory.columns;
    const appliedKw = hour.appliedKw;
    c.step[t] = t;
    c.dataHour[t] = this.#dataHour[LOOKAHEAD_HOURS + t]!;
    c.loadKw[t] = hour.loadKw;
    c.pvKw[t] = hour.pvKw;
    c.priceEurPerKwh[t] = hour.priceEurPerKwh;
    c.requestedKw[t] = hour.requestedKw;
    c.appliedKw[t] = appliedKw;
    c.chargeKw[t] = appliedKw > 0 ? appliedKw : 0;
    c.dischargeKw[t] = appliedKw < 0 ? -appliedKw : 0;
    c.gridImportKw[t] = hour.gridImportKw;
    c.energyKwh[t] = hour.energyKwh;
    c.soc[t] = hour.energyKwh / this.battery.capacityKwh;
    c.lossKwh[t] = hour.lossKwh;
    c.shortfallKw[t] = hour.requestedKw - appliedKw;
    c.reward[t] = reward;
    this.#trajectory.setLength(t + 1);
  }

  #info(hour: HourFlows): Info {
    const { loadKw, pvKw, priceEurPerKwh, requestedKw, appliedKw, gridImportKw, energyKwh, lossKwh } = hour;
    return {
      loadKw, pvKw, priceEurPerKwh, requestedKw, appliedKw, shortfallKw: requestedKw - appliedKw,
      chargeKw: appliedKw > 0 ? appliedKw : 0, dischargeKw: appliedKw < 0 ? -appliedKw : 0,
      gridImportKw, energyKwh, soc: energyKwh / this.battery.capacityKwh, lossKwh, costEur: priceEurPerKwh * gridImportKw * DT_HOURS,
    };
  }

  #observe(): Float32Array {
    const t = this.#t;
    const i = LOOKAHEAD_HOURS + t;
    const obs = this.#slab.next();
    const h = this.#dataHour[i]!;
    writeTimeFeatures(obs, OBSERVATION_INDEX.hourSin, this.#profiles.hourOfDay[h]!, this.#profiles.weekday[h]!);
    obs[OBSERVATION_INDEX.progress] = t / this.episodeSteps;
    obs[OBSERVATION_INDEX.soc] = this.#energyKwh / this.battery.capacityKwh;
    const idx = this.observationIndex;
    const price = this.#price;
    const base = this.config.pricesAhead === "relative" ? price[i]! : 0;
    obs[idx.priceEurPerKwh] = price[i]!;
    for (let k = 1; k <= LOOKAHEAD_HOURS; k++) obs[idx.priceAheadStart + k - 1] = price[i + k]! - base;
    if (idx.netLoadForecastStart === undefined) return obs;
    const load = this.#load;
    const pv = this.#pv;
    obs[idx.loadKw!] = load[i]!;
    obs[idx.pvKw!] = pv[i]!;
    const fc = this.config.forecast;
    const netNow = load[i]! - pv[i]!;
    for (let k = 1; k <= LOOKAHEAD_HOURS; k++) {
      const j = fc === "perfect" ? i + k : i + k - 24;
      // same hour yesterday when the data has it; before the data's first day, the current hour (persistence)
      obs[idx.netLoadForecastStart + k - 1] = fc === "persistence" || j < this.#firstDataIndex ? netNow : load[j]! - pv[j]!;
    }
    return obs;
  }

  /** The episode's exogenous series (copies), for perfect-foresight baselines. */
  foresight(): { loadKw: Float64Array; pvKw: Float64Array; priceEurPerKwh: Float64Array } {
    const a = LOOKAHEAD_HOURS;
    const b = LOOKAHEAD_HOURS + this.episodeSteps;
    return { loadKw: this.#load.slice(a, b), pvKw: this.#pv.slice(a, b), priceEurPerKwh: this.#price.slice(a, b) };
  }

  trajectory(): Trajectory<Column> {
    return this.#trajectory;
  }

  kpis(): StorageKpis & Record<string, number> {
    const tr = this.#trajectory;
    return storageKpis({
      dtHours: DT_HOURS,
      capacityKwh: this.battery.capacityKwh,
      initialEnergyKwh: this.#initialEnergyKwh,
      // costs are in EUR in both reward modes, so the battery's terminal energy is valued at the mean price
      terminalValuePerKwh: this.config.terminalValue === "none" ? 0 : this.#meanPriceEurPerKwh,
      loadKw: tr.column("loadKw"),
      pvKw: tr.column("pvKw"),
      priceEurPerKwh: tr.column("priceEurPerKwh"),
      gridImportKw: tr.column("gridImportKw"),
      energyKwh: tr.column("energyKwh"),
      requestedKw: tr.column("requestedKw"),
      appliedKw: tr.column("appliedKw"),
      lossKwh: tr.column("lossKwh"),
    }) as StorageKpis & Record<string, number>;
  }
}
