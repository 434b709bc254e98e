import assert from "node:assert/strict";
import { parseConfig } from "../../src/core/errors.js";
import { Rng } from "../../src/core/rng.js";
import {
  ar1Cholesky, correlatedPaths, monteCarloScenarios, scenarioTree, scenarioTreeOptionsSchema, type QuantileForecast,
} from "../../src/forecast/index.js";

function quantiles(q05: number[], q50: number[], q95: number[]): QuantileForecast {
  return { q05: Float64Array.from(q05), q50: Float64Array.from(q50), q95: Float64Array.from(q95) };
}

const load = quantiles([40, 42, 44, 46], [50, 52, 54, 56], [60, 64, 68, 72]);
const pv = quantiles([0, 5, 10, 5], [2, 10, 20, 10], [4, 15, 30, 15]);

describe("scenario tree", () => {
  it("orders pessimistic (high load, low PV), median, optimistic with the seed's 0.15 / 0.70 / 0.15", () => {
    const tree = scenarioTree(load, pv);
    assert.deepEqual(tree.map((s) => [s.name, s.probability]), [["pessimistic", 0.15], ["median", 0.7], ["optimistic", 0.15]]);
    assert.deepEqual(Array.from(tree[0]!.loadKw), [60, 64, 68, 72]);
    assert.deepEqual(Array.from(tree[0]!.pvKw), [0, 5, 10, 5]);
    assert.deepEqual(Array.from(tree[1]!.loadKw), [50, 52, 54, 56]);
    assert.deepEqual(Array.from(tree[2]!.pvKw), [4, 15, 30, 15]);
    for (let k = 0; k < 4; k++) {
      const net = tree.map((s) => s.loadKw[k]! - s.pvKw[k]!);
      assert.ok(net[0]! >= net[1]! && net[1]! >= net[2]!, "net load falls from pessimistic to optimistic");
    }
    tree[0]!.loadKw[0] = -1;
    assert.equal(load.q95[0], 60, "branches are copies");
  });

  it("takes configured probabilities and rejects ones that do not sum to 1", () => {
    const p = { pessimistic: 0.25, median: 0.5, optimistic: 0.25 };
    assert.deepEqual(scenarioTree(load, pv, p).map((s) => s.probability), [0.25, 0.5, 0.25]);
    assert.throws(() => scenarioTree(load, pv, { pessimistic: 0.2, median: 0.7, optimistic: 0.2 }), {
      message: "scenarioTree: probabilities must be >= 0 and sum to 1, got 0.2 / 0.7 / 0.2",
    });
    assert.throws(() => parseConfig("planner config", scenarioTreeOptionsSchema, { probabilities: { median: 0.9 } }), {
      message: 'invalid planner config:\n  probabilities: expected probabilities summing to 1, got {"median":0.9}',
    });
  });
});

describe("Monte Carlo paths", () => {
  it("ar1Cholesky factors rho^|i-j|: L L^T reproduces it", () => {
    const h = 6;
    const l = ar1Cholesky(h, 0.6);
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < h; j++) {
        let s = 0;
        for (let k = 0; k < h; k++) s += l[i * h + k]! * l[j * h + k]!;
        assert.ok(Math.abs(s - 0.6 ** Math.abs(i - j)) < 1e-12);
      }
    }
    assert.equal(ar1Cholesky(h, 0.6), l, "computed once per horizon and rho");
  });

  it("paths have mean q50, sigma (q95 - q05) / 2 and step correlation 0.6^|i-j|", () => {
    const h = 5;
    const f = quantiles([0, 10, 20, 30, 40], [10, 20, 30, 40, 50], [20, 40, 40, 50, 60]);
    const n = 20_000;
    const paths = correlatedPaths(f, new Rng(5, "mc"), { paths: n });
    assert.equal(paths.length, n);
    const mean = new Float64Array(h);
    for (const p of paths) for (let k = 0; k < h; k++) mean[k]! += p[k]! / n;
    const sd = new Float64Array(h);
    for (const p of paths) for (let k = 0; k < h; k++) sd[k]! += (p[k]! - mean[k]!) ** 2 / n;
    for (let k = 0; k < h; k++) {
      const sigma = (f.q95[k]! - f.q05[k]!) / 2;
      sd[k] = Math.sqrt(sd[k]!);
      assert.ok(Math.abs(mean[k]! - f.q50[k]!) < 0.05 * sigma, `mean at ${k}: ${mean[k]}`);
      assert.ok(Math.abs(sd[k]! / sigma - 1) < 0.03, `sd at ${k}: ${sd[k]} vs ${sigma}`);
    }
    for (let i = 0; i < h; i++) {
      for (let j = i + 1; j < h; j++) {
        let c = 0;
        for (const p of paths) c += ((p[i]! - mean[i]!) * (p[j]! - mean[j]!)) / n;
        const r = c / (sd[i]! * sd[j]!);
        assert.ok(Math.abs(r - 0.6 ** (j - i)) < 0.03, `corr(${i},${j}) = ${r.toFixed(3)}`);
      }
    }
  });

  it("draws 50 equally likely load/PV scenarios by default, reproducibly from the seed", () => {
    const a = monteCarloScenarios(load, pv, new Rng(9, "mc"));
    const b = monteCarloScenarios(load, pv, new Rng(9, "mc"));
    assert.equal(a.length, 50);
    assert.ok(a.every((s) => s.probability === 1 / 50));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a[0]!.loadKw, a[1]!.loadKw);
    const floored = monteCarloScenarios(load, pv, new Rng(9, "mc"), { lowerBound: 0 });
    assert.ok(floored.every((s) => s.pvKw.every((v) => v >= 0)));
    assert.throws(() => correlatedPaths(load, new Rng(1), { correlation: 1 }), /correlation must be in \(-1, 1\), got 1/);
  });
});
