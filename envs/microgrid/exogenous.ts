/**
 * The episode's exogenous world, drawn once at reset from the episode seed: weather, PV
 * output per array, campus load, grid availability and battery availability per tick,
 * with the stress events of the config applied. The weather, PV, load and supply agents
 * read their tick's value from here, and foresight() hands the same arrays to planners.
 *
 * Series hold `episodeTicks + horizonTicks + 1` ticks, so the observation after the last
 * step and its look-ahead are defined.
 */
import type { Rng } from "../../src/core/rng.js";
import { sampleCampusLoad } from "../../src/physics/campus-load.js";
import { pvPowerKw } from "../../src/physics/pv.js";
import { sampleWeather } from "../../src/physics/weather.js";
import type { MicrogridConfig, StressEvent } from "./config.js";

export class Exogenous {
  readonly length: number;
  readonly irradianceWPerM2: Float64Array;
  readonly temperatureC: Float64Array;
  /** PV output per array after outages, kW. */
  readonly pvArrayKw: Float64Array[];
  /** Total PV output, kW. */
  readonly pvKw: Float64Array;
  readonly loadKw: Float64Array;
  /** Load multiplier of load-spike events (1 outside them). */
  readonly loadSpike: Float64Array;
  /** Fraction of the grid capacity available (0: blackout). */
  readonly gridAvailability: Float64Array;
  /** Fraction of each battery's power available (0: broken). */
  readonly batteryAvailability: Float64Array[];

  constructor(readonly config: MicrogridConfig, readonly events: readonly StressEvent[]) {
    this.length = config.episodeTicks + config.forecast.horizonTicks + 1;
    const n = this.length;
    this.irradianceWPerM2 = new Float64Array(n);
    this.temperatureC = new Float64Array(n);
    this.pvArrayKw = config.pvArrays.map(() => new Float64Array(n));
    this.pvKw = new Float64Array(n);
    this.loadKw = new Float64Array(n);
    this.loadSpike = new Float64Array(n);
    this.gridAvailability = new Float64Array(n);
    this.batteryAvailability = config.batteries.map(() => new Float64Array(n));
  }

  /** Ticks at which a random outage starts, with its length (this episode; empty without outages). */
  readonly outages: { startTick: number; lengthTicks: number }[] = [];

  /** Draws a new episode: weather from `weatherRng`, load deltas from `loadRng`, random outages from `outageRng` (when the hazard is above 0). */
  sample(weatherRng: Rng, loadRng: Rng, outageRng?: Rng): void {
    const cfg = this.config;
    const n = this.length;
    sampleWeather(cfg.weather, weatherRng, cfg.startHour, this.irradianceWPerM2, this.temperatureC);
    const pvAvailability = cfg.pvArrays.map(() => new Float64Array(n).fill(1));
    this.loadSpike.fill(1);
    this.gridAvailability.fill(1);
    for (const a of this.batteryAvailability) a.fill(1);
    for (const e of this.events) {
      const end = Math.min(n, e.startTick + e.lengthTicks);
      for (let t = e.startTick; t < end; t++) {
        switch (e.kind) {
          case "pv-outage":
            pvAvailability[e.pvIndex]![t] = pvAvailability[e.pvIndex]![t]! * (1 - e.size);
            break;
          case "load-spike":
            this.loadSpike[t] = this.loadSpike[t]! * e.size;
            break;
          case "blackout":
            this.gridAvailability[t] = this.gridAvailability[t]! * (1 - e.size);
            break;
          case "component-break": {
            const target = e.component === "pv" ? pvAvailability[e.index]! : this.batteryAvailability[e.index]!;
            target[t] = target[t]! * (1 - e.size);
            break;
          }
        }
      }
    }
    this.outages.length = 0;
    const oc = cfg.outages;
    if (outageRng !== undefined && oc.hazardPerHour > 0) {
      for (let t = oc.fromTick; t < n; t++) {
        if (outageRng.next() >= oc.hazardPerHour) continue;
        const len = oc.minLengthTicks + outageRng.int(oc.maxLengthTicks - oc.minLengthTicks + 1);
        this.outages.push({ startTick: t, lengthTicks: len });
        const end = Math.min(n, t + len);
        for (let k = t; k < end; k++) this.gridAvailability[k] = this.gridAvailability[k]! * (1 - oc.size);
        t = end - 1;
      }
    }
    this.pvKw.fill(0);
    cfg.pvArrays.forEach((p, i) => {
      const out = this.pvArrayKw[i]!;
      const avail = pvAvailability[i]!;
      for (let t = 0; t < n; t++) {
        out[t] = pvPowerKw(p, this.irradianceWPerM2[t]!, this.temperatureC[t]!) * avail[t]!;
        this.pvKw[t] = this.pvKw[t]! + out[t]!;
      }
    });
    sampleCampusLoad(cfg.load, loadRng, cfg.startHour, this.loadSpike, this.loadKw);
  }
}
