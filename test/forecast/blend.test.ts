import assert from "node:assert/strict";
import { ConfigError } from "../../src/core/errors.js";
import { createForecaster, persistenceForecaster, seasonalNaiveForecaster } from "../../src/forecast/index.js";
import { contextAt, dailySeries } from "./helpers.js";

describe("blend forecaster", () => {
  const data = dailySeries(24 * 5);
  const ctx = contextAt(data, 24 * 4 + 5, 4);

  it("is the weighted mean of its members' quantiles, weights moving from `weights` to `farWeights` over the leads", () => {
    const blend = createForecaster({ kind: "blend", weights: [0.25, 0.75], farWeights: [1, 0] }).forecast("loadKw", ctx);
    const seasonal = seasonalNaiveForecaster(24).forecast("loadKw", ctx);
    const persistence = persistenceForecaster().forecast("loadKw", ctx);
    for (let k = 0; k < 4; k++) {
      const w = 0.25 + (k / 3) * 0.75;
      for (const q of ["q05", "q50", "q95"] as const) {
        assert.ok(Math.abs(blend[q][k]! - (w * seasonal[q][k]! + (1 - w) * persistence[q][k]!)) < 1e-9, `${q}[${k}]`);
      }
      assert.ok(blend.q05[k]! <= blend.q50[k]! && blend.q50[k]! <= blend.q95[k]!);
    }
  });

  it("with all weight on one member is that member", () => {
    const blend = createForecaster({ kind: "blend", weights: [1, 0] }).forecast("pvKw", ctx);
    assert.deepEqual(Array.from(blend.q50), Array.from(seasonalNaiveForecaster(24).forecast("pvKw", ctx).q50));
  });

  it("rejects weights that do not fit its members, naming the field", () => {
    assert.throws(() => createForecaster({ kind: "blend", weights: [1] }), (e: unknown) => e instanceof ConfigError && /weights/.test(e.message));
    assert.throws(() => createForecaster({ kind: "blend", weights: [0, 0] }), (e: unknown) => e instanceof ConfigError && /weights/.test(e.message));
    assert.throws(() => createForecaster({ kind: "blend", farWeights: [1, 2, 3] }), (e: unknown) => e instanceof ConfigError && /farWeights/.test(e.message));
  });
});
