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
 *
 * Refit schedule: the forest's `refitEvery` counts planning instants (distinct ctx.t), and this
 * agent is asked for a forecast at every tick (the orchestrator's REQUEST at tick t = 0 .. T), so
 * one planning instant is one tick and `refitEvery = refitEveryTicks / TICKS_PER_INSTANT` with
 * TICKS_PER_INSTANT = 1. The first fit is at tick 1 (tick 0 has no training row), then every
 * `refitEveryTicks` ticks: 1, 1 + R, 1 + 2R, ... A planner that asks the forest itself only
 * every few ticks (the seed: every 2) must convert its own ticks to instants.
 *
 * Covariate coverage: a forecast at tick t reads the temperature of ticks t+1 .. t+horizon.
 * The exogenous series are extended rather than the horizon shortened: they hold
 * episodeTicks + horizonTicks + 1 ticks (exogenous.ts), so even the observation after the
 * last step (t = episodeTicks) has its full horizon of covariates (checked at construction).
 * - `perfect`: the episode's true series (all three quantiles equal it).
 */
import type { Rng } from "../../src/core/rng.js";
import type { ForecastContext, Forecaster, QuantileForecast } from "../../src/forecast/forecaster.js";
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

/** Ticks between two forecasts of the agent (it forecasts at every tick): a forest "planning instant" is one tick. */
export const TICKS_PER_INSTANT = 1;

/** The forest's `refitEvery` (planning instants) for a refit every `refitEveryTicks` ticks. */
export function refitEveryInstants(refitEveryTicks: number): number {
  return Math.max(1, Math.round(refitEveryTicks / TICKS_PER_INSTANT));
}

export class ForecastAgent {
  readonly horizon: number;
  readonly forecast: MicrogridForecast;
  readonly state: StateRecord = {
    role: "forecast", index: 0, tick: 0, generationKw: 0, consumptionKw: 0, storedKwh: 0, availableKw: 0, irradianceWPerM2: 0, temperatureC: 0,
  };
  #forecaster: Forecaster | null = null;
  readonly #model: MicrogridConfig["forecast"]["model"];
  /** The calendar of a tick, made once (a closure made per forecast showed in the step's profile). */
  readonly #calendar: ForecastContext["calendar"];
  /** The load and PV blocks of `forecast`, for forecasters that write into them (forecastInto). */
  readonly #loadOut: QuantileForecast;
  readonly #pvOut: QuantileForecast;

  constructor(
    readonly bus: MessageBus,
    readonly registry: StateRegistry,
    readonly exo: Exogenous,
    readonly config: MicrogridConfig,
  ) {
    this.horizon = config.forecast.horizonTicks;
    this.#model = config.forecast.model;
    // the last forecast (t = episodeTicks) reads covariates and, for `perfect`, truth up to t + horizon
    if (exo.length < config.episodeTicks + this.horizon + 1) {
      throw new RangeError(`ForecastAgent: exogenous series of ${exo.length} ticks do not cover episodeTicks + horizonTicks + 1 = ${config.episodeTicks + this.horizon + 1}`);
    }
    const h = this.horizon;
    this.#calendar = (tick: number) => ({
      hourOfDay: (config.startHour + tick) % 24,
      dayOfWeek: (config.startWeekday + Math.floor((config.startHour + tick) / 24)) % 7,
      month: config.month,
    });
    this.forecast = {
      loadQ05: new Float64Array(h), loadQ50: new Float64Array(h), loadQ95: new Float64Array(h),
      pvQ05: new Float64Array(h), pvQ50: new Float64Array(h), pvQ95: new Float64Array(h),
    };
    this.#loadOut = { q05: this.forecast.loadQ05, q50: this.forecast.loadQ50, q95: this.forecast.loadQ95 };
    this.#pvOut = { q05: this.forecast.pvQ05, q50: this.forecast.pvQ50, q95: this.forecast.pvQ95 };
  }

  /** The episode's forecaster (null for `off` and `perfect`), e.g. to read a forest's fit schedule. */
  get forecaster(): Forecaster | null {
    return this.#forecaster;
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
        this.#forecaster = createForecaster({ kind: "quantile-forest", refitEvery: refitEveryInstants(f.refitEveryTicks) }, rng);
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
      const l = r.loadKw;
      const p = r.pvKw;
      for (let k = 0; k < h; k++) {
        fc.loadQ05[k] = l; fc.loadQ50[k] = l; fc.loadQ95[k] = l;
        fc.pvQ05[k] = p; fc.pvQ50[k] = p; fc.pvQ95[k] = p;
      }
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
    const ctx: ForecastContext = {
      t,
      horizon: h,
      series: { loadKw: r.loadHistoryKw.subarray(0, t + 1), pvKw: r.pvHistoryKw.subarray(0, t + 1) },
      covariates: { temperatureC: this.exo.temperatureC },
      calendar: this.#calendar,
      // the registry writes each tick's history once, and the forecaster is new each episode
      appendOnly: true,
    };
    const f = this.#forecaster!;
    if (f.forecastInto !== undefined) {
      f.forecastInto("loadKw", ctx, this.#loadOut);
      f.forecastInto("pvKw", ctx, this.#pvOut);
      return;
    }
    const load = f.forecast("loadKw", ctx);
    fc.loadQ05.set(load.q05); fc.loadQ50.set(load.q50); fc.loadQ95.set(load.q95);
    const pv = f.forecast("pvKw", ctx);
    fc.pvQ05.set(pv.q05); fc.pvQ50.set(pv.q50); fc.pvQ95.set(pv.q95);
  }
}
