import assert from "node:assert/strict";
import { ForecastScore, intervalCoverage, meanAbsoluteError, pinballLoss, quantileOfSorted } from "../../src/forecast/index.js";

describe("forecast metrics", () => {
  it("quantileOfSorted interpolates between order statistics (type 7)", () => {
    const xs = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(quantileOfSorted(xs, 100, 0), 1);
    assert.equal(quantileOfSorted(xs, 100, 1), 100);
    assert.equal(quantileOfSorted(xs, 100, 0.5), 50.5);
    assert.ok(Math.abs(quantileOfSorted(xs, 100, 0.05) - 5.95) < 1e-12);
    assert.equal(quantileOfSorted([4], 1, 0.95), 4);
  });

  it("MAE, pinball loss and coverage match hand-computed values", () => {
    const y = [1, 2, 3, 4];
    assert.equal(meanAbsoluteError(y, [2, 2, 2, 2]), (1 + 0 + 1 + 2) / 4);
    // q = 0.9: under-forecasts cost 0.9 per kW, over-forecasts 0.1
    assert.ok(Math.abs(pinballLoss(y, [2, 2, 2, 2], 0.9) - (0.1 * 1 + 0 + 0.9 * 1 + 0.9 * 2) / 4) < 1e-12);
    assert.equal(pinballLoss(y, [2, 2, 2, 2], 0.5), meanAbsoluteError(y, [2, 2, 2, 2]) / 2);
    assert.equal(intervalCoverage(y, [0, 2, 3.5, 0], [1, 3, 5, 3]), 0.5);
    assert.throws(() => meanAbsoluteError([1], [1, 2]), /differ in length/);
  });

  it("ForecastScore accumulates MAE and coverage over planning instants", () => {
    const score = new ForecastScore();
    const f = { q05: Float64Array.of(0, 0), q50: Float64Array.of(1, 1), q95: Float64Array.of(2, 2) };
    score.add([1, 3], f);
    score.add([0.5, 9], f, 1);
    assert.equal(score.count, 3);
    assert.equal(score.mae, (0 + 2 + 0.5) / 3);
    assert.equal(score.coverage, 2 / 3);
    assert.ok(score.pinball > 0);
  });
});
