/**
 * The forecast agent (SPEC section 1, "Forecast agent"): on the orchestrator's REQUEST it
 * forecasts load and PV for ticks t+1 .. t+horizon as q05 / q50 / q95 from the history the
 * state registry observed (ticks 0..t), and publishes them in its STATE_UPDATE.
 *
 * Models (config `forecast.model`):
 * - `off`: no forecaster runs; every quantile repeats the current value (the fast path of
 *   the throughput benchmark).
 * - `persistence`, `seasonal-naive`, `quantile-forest`: src/forecast's createForecaster,
 *   quantiles from the forecaster (naive: its own past errors; forest: the trees' spread).
 *   The forest refits every `refitEveryTicks` ticks and reads the ambient temperature over
 *   the horizon as a covariate: the weather is taken as perfectly forecast.
 * - `perfect`: the episode's true series (all three quantiles equal it).
 */
import type { Rng } from "../../src/core/rng.js";
import type { ForecastContext, Forecaster } from "../../src/forecast/forecaster.js";
import { createForecaster } from "../../src/forecast/index.js";
import type { MessageBus } from "../../src/negotiation/bus.js";
import type { AclMessage } from "../../src/negotiation/fipa.js";
import { AGENT, TOPIC, type StateRecord, type StateRegistry } from "./agents.js";
import type { MicrogridConfig } from "./config.js";
import type { Exogenous } from "./exogenous.js";

/** The published forecast: six arrays of `horizon` values, kW. */
export interface MicrogridForecast {
  loadQ05: Float64Array;
  loadQ50: Float64Array;
  loadQ95: Float64Array;
  pvQ05: Float64Array;
  pvQ50: Float64Array;
  pvQ95: Float64Array;
}

export class ForecastAgent {
  readonly horizon: number;
  readonly forecast: MicrogridForecast;
  readonly state: StateRecord = {
    role: "forecast", index: 0, tick: 0, generationKw: 0, consumptionKw: 0, storedKwh: 0, availableKw: 0, irradianceWPerM2: 0, temperatureC: 0,
  };
  #forecaster: Forecaster | null = null;
  readonly #model: MicrogridConfig["forecast"]["model"];

  constructor(
    readonly bus: MessageBus,
    readonly registry: StateRegistry,
    readonly exo: Exogenous,
    readonly config: MicrogridConfig,
  ) {
    this.horizon = config.forecast.horizonTicks;
    this.#model = config.forecast.model;
    const h = this.horizon;
    this.forecast = {
      loadQ05: new Float64Array(h), loadQ50: new Float64Array(h), loadQ95: new Float64Array(h),
      pvQ05: new Float64Array(h), pvQ50: new Float64Array(h), pvQ95: new Float64Array(h),
    };
  }

  /** Builds a fresh forecaster for an episode; `rng` is the episode's forecast stream. */
  resetEpisode(rng: Rng): void {
    const f = this.config.forecast;
    switch (f.model) {
      case "persistence":
      case "seasonal-naive":
        this.#forecaster = createForecaster({ kind: f.model });
        break;
      case "quantile-forest":
        this.#forecaster = createForecaster({ kind: "quantile-forest", refitEvery: f.refitEveryTicks }, rng);
        break;
      default:
        this.#forecaster = null;
    }
  }

  receive(m: AclMessage): void {
    if (m.performative !== "REQUEST") return;
    const t = m.quantity;
    this.#forecastFrom(t);
    this.state.tick = t;
    this.bus.publish("INFORM", AGENT.forecast, TOPIC.state, m.conversationId, 0, 0, this.state);
  }

  #forecastFrom(t: number): void {
    const fc = this.forecast;
    const h = this.horizon;
    const r = this.registry;
    if (this.#model === "off") {
      fc.loadQ05.fill(r.loadKw); fc.loadQ50.fill(r.loadKw); fc.loadQ95.fill(r.loadKw);
      fc.pvQ05.fill(r.pvKw); fc.pvQ50.fill(r.pvKw); fc.pvQ95.fill(r.pvKw);
      return;
    }
    if (this.#model === "perfect") {
      for (let k = 0; k < h; k++) {
        const l = this.exo.loadKw[t + 1 + k]!;
        const p = this.exo.pvKw[t + 1 + k]!;
        fc.loadQ05[k] = l; fc.loadQ50[k] = l; fc.loadQ95[k] = l;
        fc.pvQ05[k] = p; fc.pvQ50[k] = p; fc.pvQ95[k] = p;
      }
      return;
    }
    const cfg = this.config;
    const ctx: ForecastContext = {
      t,
      horizon: h,
      series: { loadKw: r.loadHistoryKw.subarray(0, t + 1), pvKw: r.pvHistoryKw.subarray(0, t + 1) },
      covariates: { temperatureC: this.exo.temperatureC },
      calendar: (tick: number) => ({
        hourOfDay: (cfg.startHour + tick) % 24,
        dayOfWeek: (cfg.startWeekday + Math.floor((cfg.startHour + tick) / 24)) % 7,
        month: cfg.month,
      }),
    };
    const load = this.#forecaster!.forecast("loadKw", ctx);
    fc.loadQ05.set(load.q05); fc.loadQ50.set(load.q50); fc.loadQ95.set(load.q95);
    const pv = this.#forecaster!.forecast("pvKw", ctx);
    fc.pvQ05.set(pv.q05); fc.pvQ50.set(pv.q50); fc.pvQ95.set(pv.q95);
  }
}
