import assert from "node:assert/strict";
import { ConfigError } from "../../src/core/errors.js";
import { Rng } from "../../src/core/rng.js";
import { createForecaster, QuantileForestForecaster, SeasonalNaiveForecaster } from "../../src/forecast/index.js";
import { contextAt, dailySeries } from "./helpers.js";

describe("createForecaster", () => {
  it("builds each kind with SPEC defaults", () => {
    assert.equal(createForecaster({ kind: "persistence" }).name, "persistence");
    assert.ok(createForecaster({ kind: "seasonal-naive" }) instanceof SeasonalNaiveForecaster);
    const qf = createForecaster({ kind: "quantile-forest" });
    assert.ok(qf instanceof QuantileForestForecaster);
    assert.deepEqual(qf.options.forest, { trees: 100, maxDepth: 12, minNodeSize: 5, subsample: 0.8, sampleWithReplacement: false, maxFeatures: 1 / 3 });
    assert.deepEqual([qf.options.trainWindow, qf.options.refitEvery, qf.options.lagSeries, qf.options.covariates], [168, 12, ["loadKw", "pvKw"], ["temperatureC"]]);
  });

  it("passes the rng to the forest: the same seed gives the same forecast", () => {
    const data = dailySeries(200);
    const make = () => createForecaster({ kind: "quantile-forest", forest: { trees: 10 } }, new Rng(4, "forecast"));
    assert.deepEqual(make().forecast("loadKw", contextAt(data, 180, 4)), make().forecast("loadKw", contextAt(data, 180, 4)));
  });

  it("names every bad field by its path", () => {
    assert.throws(
      () => createForecaster({ kind: "quantile-forest", forest: { maxDepth: -1, trees: 1.5 }, refitEvery: 0, bogus: 1 }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(
          e.message,
          [
            "invalid forecaster config:",
            "  forest.trees: expected an integer, got 1.5",
            "  forest.maxDepth: expected a number >= 0, got -1",
            "  refitEvery: expected a number >= 1, got 0",
            "  bogus: expected no such field (unknown key), got 1",
          ].join("\n"),
        );
        return true;
      },
    );
    assert.throws(() => createForecaster({ kind: "seasonal-naive", period: 0 }), { message: "invalid forecaster config:\n  period: expected a number >= 1, got 0" });
  });

  it("says which kinds exist when kind is wrong or missing", () => {
    assert.throws(() => createForecaster({ kind: "arima" }), {
      message: 'invalid forecaster config:\n  kind: expected one of "persistence", "seasonal-naive", "quantile-forest", "blend", got "arima"',
    });
    assert.throws(() => createForecaster({}), /kind: expected one of .*, got undefined/);
  });
});
