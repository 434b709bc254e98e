import assert from "node:assert/strict";
import { Rng } from "../../src/core/rng.js";
import { GymError } from "../../src/core/errors.js";
import { meanAbsoluteError, QuantileForestForecaster, RegressionForest } from "../../src/forecast/index.js";
import { contextAt, dailySeries, LOAD_AMPLITUDE_KW, LOAD_NOISE_KW } from "./helpers.js";

describe("RegressionForest", () => {
  it("learns a step function of one feature and ignores a noise feature", () => {
    const rows = 200;
    const rng = new Rng(1, "step");
    const x = new Float64Array(2 * rows);
    const y = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      x[i] = rng.uniform(0, 10);
      x[rows + i] = rng.uniform(0, 10);
      y[i] = x[i]! < 5 ? 1 : 3;
    }
    const forest = new RegressionForest({ trees: 20, maxFeatures: 1 });
    forest.fit(x, y, rows, 2, new Rng(1, "fit"));
    const out = new Float64Array(20);
    forest.predictTrees(Float64Array.of(2, 9), out);
    assert.ok(out.every((v) => v === 1));
    forest.predictTrees(Float64Array.of(8, 1), out);
    assert.ok(out.every((v) => v === 3));
  });

  it("keeps at least minNodeSize sampled rows per leaf: 9 rows cannot be split with node size 5", () => {
    const x = Float64Array.from({ length: 9 }, (_, i) => i);
    const y = Float64Array.from({ length: 9 }, (_, i) => i);
    const forest = new RegressionForest({ trees: 5, subsample: 1, minNodeSize: 5 });
    forest.fit(x, y, 9, 1, new Rng(2));
    const out = new Float64Array(5);
    forest.predictTrees(Float64Array.of(0), out);
    assert.ok(out.every((v) => v === 4), "every tree is one leaf predicting the mean");
  });

  it("refuses to predict before fit", () => {
    assert.throws(() => new RegressionForest().predictTrees(new Float64Array(1), new Float64Array(100)), /call fit\(\) first/);
  });
});

describe("QuantileForestForecaster", () => {
  const data = dailySeries(24 * 14);

  it("recovers a clean daily load pattern: q50 MAE far below the amplitude, q05 <= q50 <= q95, sensible coverage", () => {
    const forecaster = new QuantileForestForecaster({}, new Rng(3, "forecast"));
    const actual: number[] = [];
    const median: number[] = [];
    let inside = 0;
    for (let t = 168; t + 24 < data.loadKw.length; t += 6) {
      const ctx = contextAt(data, t, 24);
      for (const target of ["loadKw", "pvKw"]) {
        const f = forecaster.forecast(target, ctx);
        for (let k = 0; k < 24; k++) {
          assert.ok(f.q05[k]! <= f.q50[k]! && f.q50[k]! <= f.q95[k]!, `${target} t=${t} k=${k}: quantiles out of order`);
          if (target === "loadKw") {
            const y = data.loadKw[t + 1 + k]!;
            actual.push(y);
            median.push(f.q50[k]!);
            if (y >= f.q05[k]! && y <= f.q95[k]!) inside++;
          }
        }
      }
    }
    const mae = meanAbsoluteError(actual, median);
    const coverage = inside / actual.length;
    // the noise alone costs an MAE of 2 * sqrt(2 / pi) = 1.6 kW; the amplitude is 20 kW
    assert.ok(mae < 1.25 * LOAD_NOISE_KW && mae < 0.15 * LOAD_AMPLITUDE_KW, `MAE ${mae.toFixed(2)} kW`);
    assert.ok(coverage > 0.6 && coverage < 0.99, `coverage ${coverage.toFixed(2)}`);
  });

  it("gives identical forecasts for the same seed and different ones for another", () => {
    const run = (seed: number) => {
      const f = new QuantileForestForecaster({ forest: { trees: 30 } }, new Rng(seed, "forecast"));
      return [f.forecast("loadKw", contextAt(data, 200, 8)), f.forecast("pvKw", contextAt(data, 202, 8))];
    };
    assert.deepEqual(run(11), run(11));
    assert.notDeepEqual(run(11)[0]!.q50, run(12)[0]!.q50);
  });

  it("refits every refitEvery planning instants, counting a tick once for both series", () => {
    const f = new QuantileForestForecaster({ refitEvery: 3, forest: { trees: 10 } });
    const fitTicks: number[] = [];
    for (let t = 168; t < 188; t += 2) {
      f.forecast("loadKw", contextAt(data, t, 4));
      f.forecast("pvKw", contextAt(data, t, 4));
      if (f.lastFitTick === t) fitTicks.push(t);
    }
    assert.deepEqual(fitTicks, [168, 174, 180, 186]);
    assert.equal(f.fitCount, 4);
    f.reset();
    assert.equal(f.fitCount, 0);
    f.forecast("loadKw", contextAt(data, 170, 4));
    assert.deepEqual([f.fitCount, f.lastFitTick], [1, 170]);
    // time running backwards starts the schedule over, as an episode without reset() would
    f.forecast("loadKw", contextAt(data, 100, 4));
    assert.deepEqual([f.fitCount, f.lastFitTick], [1, 100]);
  });

  it("trains on the rolling window only: a pattern older than the window is forgotten", () => {
    // days 0-6 peak at noon, days 7-9 are flat at 80 kW; a 48-tick window sees only the flat days
    const ticks = 24 * 10;
    const shifted = dailySeries(ticks);
    for (let t = 0; t < ticks; t++) shifted.loadKw[t] = t < 24 * 7 ? 20 + (t % 24 === 12 ? 60 : 0) : 80;
    const ctx = contextAt(shifted, ticks - 13, 12);
    const short = new QuantileForestForecaster({ trainWindow: 48, forest: { trees: 20 } }).forecast("loadKw", ctx);
    assert.ok(short.q50.every((v) => Math.abs(v - 80) < 1e-9), "only flat days in the window");
  });

  it("forecasts flat at the first tick, when there is nothing to learn from", () => {
    const f = new QuantileForestForecaster().forecast("loadKw", contextAt(data, 0, 3));
    assert.deepEqual(Array.from(f.q50), Array(3).fill(data.loadKw[0]));
    assert.deepEqual(Array.from(f.q95), Array(3).fill(data.loadKw[0]));
  });

  it("names a target outside lagSeries and a missing covariate", () => {
    const f = new QuantileForestForecaster();
    assert.throws(() => f.forecast("priceEurPerKwh", contextAt(data, 170, 4)), (e: unknown) => {
      assert.ok(e instanceof GymError);
      assert.match(e.message, /forecasts only its lagSeries \(loadKw, pvKw\); add "priceEurPerKwh" to lagSeries/);
      return true;
    });
    const { covariates: _dropped, ...noWeather } = contextAt(data, 170, 4);
    assert.throws(() => f.forecast("loadKw", noWeather), /ctx\.covariates\.temperatureC is missing/);
  });
});
