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
 *
 * ## Observation space (Float32Array, length 57)
 * | index  | meaning                                                  | unit    |
 * |--------|----------------------------------------------------------|---------|
 * | 0, 1   | sin, cos of hour of day (2 pi h / 24)                    | -       |
 * | 2, 3   | sin, cos of weekday (2 pi d / 7, 0 = Monday)             | -       |
 * | 4      | episode progress t / T                                   | -       |
 * | 5      | state of charge e / capacity                             | -       |
 * | 6      | load this hour                                           | kW      |
 * | 7      | PV this hour                                             | kW      |
 * | 8      | spot price this hour                                     | EUR/kWh |
 * | 9-32   | spot price of hours t+1 .. t+24 (day-ahead, known)       | EUR/kWh |
 * | 33-56  | forecast of net load (load - PV) for hours t+1 .. t+24   | kW      |
 * Each observation is a new array the caller may keep; arrays are views into shared
 * 57 KB slabs (their `.buffer` is shared), which makes a step about 3x faster.
 * The hour being dispatched is observed (load, PV and price of hour t are known when
 * its battery power is chosen). The forecast is `config.forecast`: seasonal-naive (same
 * hour the day before), persistence (this hour's net load) or perfect.
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
import type { Env, Info, ResetOptions, ResetResult, StepResult } from "../../src/core/env.js";
import { ConfigError, InvalidActionError, ResetNeededError, describeValue } from "../../src/core/errors.js";
import { Rng, entropySeed, rngForReset } from "../../src/core/rng.js";
import { Box } from "../../src/core/spaces.js";
import { Trajectory, type RecordsTrajectory } from "../../src/core/trajectory.js";
import { loadCommunityProfiles } from "../../src/data/community-profiles.js";
import { readSeriesCsv } from "../../src/data/csv.js";
import type { HourlyProfiles } from "../../src/data/profiles.js";
import { syntheticProfiles } from "../../src/data/synthetic.js";
import { storageKpis, type StorageKpis } from "../../src/kpi/storage.js";
import { batteryLossKwh, feasibleBatteryPowerKw, nextBatteryEnergyKwh, type BatteryParams } from "../../src/physics/battery.js";
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

const TRAJECTORY_COLUMNS = [
  "step", "dataHour", "loadKw", "pvKw", "priceEurPerKwh", "requestedKw", "appliedKw", "chargeKw",
  "dischargeKw", "gridImportKw", "energyKwh", "soc", "lossKwh", "shortfallKw", "reward",
] as const;
type Column = (typeof TRAJECTORY_COLUMNS)[number];

const DT_HOURS = 1;
/** Floats per observation slab: 256 observations of 57 floats. */
const OBSERVATION_SLAB_FLOATS = 256 * 57;
const TWO_PI = 2 * Math.PI;

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
      const series = readSeriesCsv(d.file, { columns: d.columns });
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

export class CommunityBatteryEnv implements Env<Float32Array, Float32Array | Float64Array | number[]>, RecordsTrajectory {
  readonly observationSpace: Box<Float32Array>;
  readonly actionSpace: Box<Float32Array>;
  spec?: Env["spec"];
  readonly config: CommunityBatteryConfig;
  readonly battery: BatteryParams;
  readonly episodeSteps: number;

  readonly #profiles: HourlyProfiles;
  readonly #maxPowerKw: number;
  readonly #actionBoundKw: number;
  readonly #idleBaseline: boolean;
  readonly #initialEnergyKwh: number;
  #rng: Rng;
  // episode series, indexed [HISTORY + t], with LOOKAHEAD + 1 hours after the episode
  readonly #load: Float64Array;
  readonly #pv: Float64Array;
  readonly #price: Float64Array;
  readonly #dataHour: Int32Array;
  #terminalValuePerKwh = 0;
  #meanPriceEurPerKwh = 0;
  #t = 0;
  #energyKwh = 0;
  #running = false;
  #closed = false;
  readonly #trajectory: Trajectory<Column>;
  #slab = new ArrayBuffer(0);
  #slabOffset = OBSERVATION_SLAB_FLOATS;

  constructor(config: CommunityBatteryConfig) {
    this.config = config;
    this.battery = { capacityKwh: config.battery.capacityKwh, maxPowerKw: config.battery.maxPowerKw, efficiency: config.battery.efficiency };
    this.#maxPowerKw = config.battery.maxPowerKw;
    this.#actionBoundKw = Math.max(this.#maxPowerKw, Math.fround(this.#maxPowerKw));
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
    const low = new Float64Array(OBSERVATION_INDEX.size).fill(-Infinity);
    const high = new Float64Array(OBSERVATION_INDEX.size).fill(Infinity);
    for (let i = 0; i < 4; i++) { low[i] = -1; high[i] = 1; }
    low[OBSERVATION_INDEX.progress] = 0; high[OBSERVATION_INDEX.progress] = 1;
    low[OBSERVATION_INDEX.soc] = 0; high[OBSERVATION_INDEX.soc] = 1;
    low[OBSERVATION_INDEX.loadKw] = 0;
    low[OBSERVATION_INDEX.pvKw] = 0;
    this.observationSpace = new Box<Float32Array>({ low, high, dtype: "float32" });
    this.actionSpace = new Box<Float32Array>({ low: [-this.#maxPowerKw], high: [this.#maxPowerKw], dtype: "float32" });
    const padded = LOOKAHEAD_HOURS + this.episodeSteps + LOOKAHEAD_HOURS + 1;
    this.#load = new Float64Array(padded);
    this.#pv = new Float64Array(padded);
    this.#price = new Float64Array(padded);
    this.#dataHour = new Int32Array(padded);
    this.#rng = new Rng(entropySeed());
    this.#trajectory = new Trajectory(TRAJECTORY_COLUMNS, config.record ? this.episodeSteps : 0);
  }

  get unwrapped(): Env<unknown, unknown> {
    return this as unknown as Env<unknown, unknown>;
  }

  get #envId(): string {
    return this.spec?.id ?? COMMUNITY_BATTERY_ID;
  }

  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (this.#closed) throw new ResetNeededError(this.#envId, "the env is closed");
    this.#rng = rngForReset(this.#envId, this.#rng, opts.seed);
    const cfg = this.config;
    const days = Math.floor(this.#profiles.length / 24);
    const startDay = cfg.startDay === "random" ? this.#rng.int(days - cfg.days + 1) : cfg.startDay;
    // an episode draws its own noise stream from the env generator, so repeated resets differ
    const noise = this.#rng.child(`load-noise/${this.#rng.int(2 ** 31)}`);
    const n = this.#profiles.length;
    const first = startDay * 24 - LOOKAHEAD_HOURS;
    for (let i = 0; i < this.#load.length; i++) {
      const h = (((first + i) % n) + n) % n;
      this.#dataHour[i] = h;
      this.#load[i] = Math.max(0, this.#profiles.loadKw[h]! * (1 + cfg.loadNoise * noise.normal()));
      this.#pv[i] = this.#profiles.pvKw[h]!;
      this.#price[i] = this.#profiles.priceEurPerKwh[h]!;
    }
    let priceSum = 0;
    for (let t = 0; t < this.episodeSteps; t++) priceSum += this.#price[LOOKAHEAD_HOURS + t]!;
    this.#meanPriceEurPerKwh = priceSum / this.episodeSteps;
    if (cfg.terminalValue === "none") this.#terminalValuePerKwh = 0;
    else this.#terminalValuePerKwh = cfg.reward === "self-consumption" ? 1 : this.#meanPriceEurPerKwh;
    this.#t = 0;
    this.#energyKwh = this.#initialEnergyKwh;
    this.#running = true;
    this.#trajectory.setLength(0);
    return {
      observation: this.#observe(),
      info: {
        observationIndex: OBSERVATION_INDEX,
        battery: { ...this.battery, initialEnergyKwh: this.#initialEnergyKwh },
        dtHours: DT_HOURS,
        objective: cfg.reward,
        terminalValuePerKwh: this.#terminalValuePerKwh,
        episodeSteps: this.episodeSteps,
        startDay,
        energyKwh: this.#energyKwh,
      },
    };
  }

  step(action: Float32Array | Float64Array | number[]): StepResult<Float32Array> {
    if (!this.#running) {
      throw new ResetNeededError(this.#envId, this.#closed ? "the env is closed" : "the episode has not started or has ended");
    }
    // the bound check of Box.violation, inlined: this is the hot path
    const raw = action?.length === 1 ? action[0]! : NaN;
    if (!(raw >= -this.#actionBoundKw && raw <= this.#actionBoundKw)) {
      this.actionSpace.assertAction(this.#envId, action);
      throw new InvalidActionError(this.#envId, 0, `in [${-this.#maxPowerKw}, ${this.#maxPowerKw}]`, describeValue(raw));
    }
    // a float32 action may sit one rounding step past the bound the space accepts
    const requestedKw = raw > this.#maxPowerKw ? this.#maxPowerKw : raw < -this.#maxPowerKw ? -this.#maxPowerKw : raw;
    const t = this.#t;
    const i = LOOKAHEAD_HOURS + t;
    const loadKw = this.#load[i]!;
    const pvKw = this.#pv[i]!;
    const priceEurPerKwh = this.#price[i]!;
    const b = this.battery;
    const e0 = this.#energyKwh;
    const appliedKw = feasibleBatteryPowerKw(b, e0, requestedKw, DT_HOURS);
    const e1 = nextBatteryEnergyKwh(b, e0, appliedKw, DT_HOURS);
    const lossKwh = batteryLossKwh(b, appliedKw, DT_HOURS);
    const gridImportKw = loadKw - pvKw + appliedKw;
    const costEur = priceEurPerKwh * gridImportKw * DT_HOURS;
    let reward = this.config.reward === "arbitrage" ? -costEur : -(gridImportKw > 0 ? gridImportKw : 0) * DT_HOURS;
    if (this.#idleBaseline) {
      const idleImportKw = loadKw - pvKw;
      reward -= this.config.reward === "arbitrage"
        ? -priceEurPerKwh * idleImportKw * DT_HOURS
        : -(idleImportKw > 0 ? idleImportKw : 0) * DT_HOURS;
    }
    this.#energyKwh = e1;
    this.#t = t + 1;
    const terminated = this.#t === this.episodeSteps;
    if (terminated) {
      reward -= (this.#initialEnergyKwh - e1) * this.#terminalValuePerKwh;
      this.#running = false;
    }
    const chargeKw = appliedKw > 0 ? appliedKw : 0;
    const dischargeKw = appliedKw < 0 ? -appliedKw : 0;
    const shortfallKw = requestedKw - appliedKw;
    if (this.config.record) {
      const c = this.#trajectory.columns;
      c.step[t] = t;
      c.dataHour[t] = this.#dataHour[i]!;
      c.loadKw[t] = loadKw;
      c.pvKw[t] = pvKw;
      c.priceEurPerKwh[t] = priceEurPerKwh;
      c.requestedKw[t] = requestedKw;
      c.appliedKw[t] = appliedKw;
      c.chargeKw[t] = chargeKw;
      c.dischargeKw[t] = dischargeKw;
      c.gridImportKw[t] = gridImportKw;
      c.energyKwh[t] = e1;
      c.soc[t] = e1 / b.capacityKwh;
      c.lossKwh[t] = lossKwh;
      c.shortfallKw[t] = shortfallKw;
      c.reward[t] = reward;
      this.#trajectory.setLength(t + 1);
    }
    const info: Info = {
      loadKw, pvKw, priceEurPerKwh, requestedKw, appliedKw, shortfallKw, chargeKw, dischargeKw,
      gridImportKw, energyKwh: e1, soc: e1 / b.capacityKwh, lossKwh, costEur,
    };
    return { observation: this.#observe(), reward, terminated, truncated: false, info };
  }

  /**
   * A fresh observation array. Observations are carved from a shared slab, one region each,
   * never reused: callers may keep them (replay buffers do), and the env avoids a backing-store
   * allocation per step, which is most of a bare step's cost.
   */
  #newObservation(): Float32Array {
    const size = OBSERVATION_INDEX.size;
    if (this.#slabOffset + size > OBSERVATION_SLAB_FLOATS) {
      this.#slab = new ArrayBuffer(OBSERVATION_SLAB_FLOATS * 4);
      this.#slabOffset = 0;
    }
    const obs = new Float32Array(this.#slab, this.#slabOffset * 4, size);
    this.#slabOffset += size;
    return obs;
  }

  #observe(): Float32Array {
    const t = this.#t;
    const i = LOOKAHEAD_HOURS + t;
    const obs = this.#newObservation();
    const h = this.#dataHour[i]!;
    const hour = this.#profiles.hourOfDay[h]!;
    const weekday = this.#profiles.weekday[h]!;
    obs[0] = Math.sin((TWO_PI * hour) / 24);
    obs[1] = Math.cos((TWO_PI * hour) / 24);
    obs[2] = Math.sin((TWO_PI * weekday) / 7);
    obs[3] = Math.cos((TWO_PI * weekday) / 7);
    obs[4] = t / this.episodeSteps;
    obs[5] = this.#energyKwh / this.battery.capacityKwh;
    obs[6] = this.#load[i]!;
    obs[7] = this.#pv[i]!;
    obs[8] = this.#price[i]!;
    const load = this.#load;
    const pv = this.#pv;
    const price = this.#price;
    const fc = this.config.forecast;
    const netNow = load[i]! - pv[i]!;
    for (let k = 1; k <= LOOKAHEAD_HOURS; k++) {
      obs[8 + k] = price[i + k]!;
      const j = fc === "perfect" ? i + k : i + k - 24;
      obs[OBSERVATION_INDEX.netLoadForecastStart + k - 1] = fc === "persistence" ? netNow : load[j]! - pv[j]!;
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

  close(): void {
    this.#closed = true;
    this.#running = false;
  }
}
