import { strict as assert } from "node:assert";
import "../../envs/microgrid/index.js";
import { AGENT, StateRegistry } from "../../envs/microgrid/agents.js";
import { microgridConfigSchema, type MicrogridConfig } from "../../envs/microgrid/config.js";
import { Exogenous } from "../../envs/microgrid/exogenous.js";
import { ForecastAgent, refitEveryInstants } from "../../envs/microgrid/forecast-agent.js";
import { make } from "../../src/core/registry.js";
import { Rng } from "../../src/core/rng.js";
import { createForecaster, hourlyCalendar } from "../../src/forecast/index.js";
import type { QuantileForestForecaster } from "../../src/forecast/quantile-forest.js";
import { MessageBus } from "../../src/negotiation/bus.js";

/** A forecast agent on its own bus, over an episode drawn from `config`; `ask(t)` forecasts tick t. */
function standalone(config: MicrogridConfig, exo = new Exogenous(config, [])) {
  exo.sample(new Rng(3, "weather"), new Rng(3, "load"));
  const registry = new StateRegistry(1, 1, exo.length);
  const bus = new MessageBus();
  const agent = new ForecastAgent(bus, registry, exo, config);
  bus.register(AGENT.forecast, agent);
  agent.resetEpisode(new Rng(5, "forecast"));
  const ask = (t: number) => {
    registry.loadKw = exo.loadKw[t]!;
    registry.pvKw = exo.pvKw[t]!;
    registry.loadHistoryKw[t] = exo.loadKw[t]!;
    registry.pvHistoryKw[t] = exo.pvKw[t]!;
    bus.send("REQUEST", AGENT.orchestrator, AGENT.forecast, bus.newConversation(), t);
  };
  return { agent, ask, exo };
}

describe("Microgrid-v0 forecast agent", () => {
  it("refits the forest every refitEveryTicks ticks (one planning instant per tick): ticks 1, 1 + R, ...", () => {
    assert.equal(refitEveryInstants(3), 3);
    const config = microgridConfigSchema.parse({ episodeTicks: 10, forecast: { model: "quantile-forest", horizonTicks: 2, refitEveryTicks: 3 } });
    const { agent, ask } = standalone(config);
    const fits: number[] = [];
    for (let t = 0; t <= config.episodeTicks; t++) {
      ask(t);
      const forest = agent.forecaster as QuantileForestForecaster;
      if (forest.lastFitTick === t) fits.push(t);
    }
    assert.deepEqual(fits, [1, 4, 7, 10]);
  });

  it("has the temperature covariate up to t + horizon at the last forecast of an episode (series extended)", () => {
    const config = microgridConfigSchema.parse({ episodeTicks: 6, forecast: { model: "quantile-forest", horizonTicks: 48, refitEveryTicks: 1 } });
    const { agent, ask, exo } = standalone(config);
    assert.equal(exo.temperatureC.length, config.episodeTicks + 48 + 1);
    for (let t = 0; t <= config.episodeTicks; t++) ask(t);
    assert.equal(agent.forecast.loadQ50.length, 48);
    assert.ok(agent.forecast.loadQ50.every(Number.isFinite));
    // the env runs such an episode to its end, the observation after the last step included
    const env = make<Float32Array, Float32Array>("Microgrid-v0", { episodeTicks: 4, forecast: { model: "quantile-forest", horizonTicks: 48, refitEveryTicks: 2 } });
    env.reset({ seed: 1 });
    let r;
    do r = env.step(new Float32Array(1)); while (!r.terminated);
    assert.ok(r.observation.every(Number.isFinite));
  });

  it("rejects exogenous series that do not cover the last forecast's horizon", () => {
    const config = microgridConfigSchema.parse({ episodeTicks: 6, forecast: { model: "perfect", horizonTicks: 8 } });
    const short = new Exogenous(microgridConfigSchema.parse({ episodeTicks: 6, forecast: { horizonTicks: 2 } }), []);
    assert.throws(() => standalone(config, short), /do not cover episodeTicks \+ horizonTicks \+ 1 = 15/);
  });
  it("publishes, at every tick, the naive forecasts a forecaster made afresh for that tick gives (its kept windows unseen)", () => {
    for (const model of ["persistence", "seasonal-naive"] as const) {
      const config = microgridConfigSchema.parse({ episodeTicks: 200, forecast: { model, horizonTicks: 6 } });
      const { agent, ask, exo } = standalone(config);
      for (let t = 0; t <= config.episodeTicks; t++) {
        ask(t);
        // a new forecaster sees each tick once: nothing kept from earlier ticks
        const ctx = { t, horizon: 6, series: { loadKw: exo.loadKw.subarray(0, t + 1), pvKw: exo.pvKw.subarray(0, t + 1) }, calendar: hourlyCalendar() };
        const load = createForecaster({ kind: model }).forecast("loadKw", ctx);
        const pv = createForecaster({ kind: model }).forecast("pvKw", ctx);
        const f = agent.forecast;
        assert.deepEqual([f.loadQ05, f.loadQ50, f.loadQ95, f.pvQ05, f.pvQ50, f.pvQ95].map((a) => Array.from(a)), [load.q05, load.q50, load.q95, pv.q05, pv.q50, pv.q95].map((a) => Array.from(a)), `${model} t ${t}`);
      }
    }
  });
});
