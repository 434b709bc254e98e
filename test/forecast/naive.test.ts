import assert from "node:assert/strict";
import { Rng } from "../../src/core/rng.js";
import { hourlyCalendar, persistenceForecaster, quantileOfSorted, seasonalNaiveForecaster, type ForecastContext } from "../../src/forecast/index.js";

function ctx(y: ArrayLike<number>, t: number, horizon: number): ForecastContext {
  return { t, horizon, series: { loadKw: y }, calendar: hourlyCalendar() };
}

describe("naive forecasters", () => {
  it("persistence repeats the last value, with the band from its own past k-step errors", () => {
    // a ramp of +1 per tick: every past k-step persistence error is exactly +k
    const y = Float64Array.from({ length: 50 }, (_, i) => 10 + i);
    const f = persistenceForecaster().forecast("loadKw", ctx(y, 40, 3));
    assert.deepEqual(Array.from(f.q50), [50, 50, 50]);
    assert.deepEqual(Array.from(f.q95), [51, 52, 53]);
    // an all-positive error offset is taken as 0 below, so the band still holds the point
    assert.deepEqual(Array.from(f.q05), [50, 50, 50]);
  });

  it("persistence quantiles are the empirical 5 % and 95 % of the errors in the window", () => {
    // one-step errors alternate +2 and -2 over the window: q05 = -2, q95 = +2
    const y = Float64Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 10 : 12));
    const f = persistenceForecaster({ errorWindow: 20 }).forecast("loadKw", ctx(y, 29, 1));
    assert.deepEqual([f.q05[0], f.q50[0], f.q95[0]], [10, 12, 14]);
  });

  it("seasonal naive repeats the same hour of the last observed day", () => {
    const y = Float64Array.from({ length: 72 }, (_, i) => (i % 24) * 2 + (i >= 48 ? 1 : 0));
    const f = seasonalNaiveForecaster(24).forecast("loadKw", ctx(y, 59, 30));
    for (let k = 1; k <= 30; k++) {
      const lag = 24 * Math.ceil(k / 24);
      assert.equal(f.q50[k - 1], y[59 + k - lag]);
    }
    // day 2 is day 1 plus 1 kW, the only 24-step errors in the window are +1
    assert.equal(f.q95[0], f.q50[0]! + 1);
  });

  it("has a zero-width band before any past error exists, and floors at 0 by default", () => {
    const f = persistenceForecaster().forecast("loadKw", ctx([-3], 0, 2));
    assert.deepEqual([Array.from(f.q05), Array.from(f.q50), Array.from(f.q95)], [[0, 0], [0, 0], [0, 0]]);
    const g = persistenceForecaster({ lowerBound: null }).forecast("loadKw", ctx([-3], 0, 1));
    assert.equal(g.q50[0], -3);
  });

  it("rejects a missing series and a bad horizon by name", () => {
    assert.throws(() => persistenceForecaster().forecast("pvKw", ctx([1], 0, 1)), /persistence: ctx\.series\.pvKw is missing/);
    assert.throws(() => seasonalNaiveForecaster().forecast("loadKw", ctx([1], 0, 0)), /seasonal-naive: ctx\.horizon must be an integer >= 1, got 0/);
  });

  it("selects the same error quantiles as a full sort (ties, signed zeros, NaN, every window size)", () => {
    // the rule of the module doc, by sorting every window
    const reference = (y: Float64Array, t: number, horizon: number, period: number, window: number, floor: number) => {
      const q05: number[] = [], q50: number[] = [], q95: number[] = [];
      for (let k = 1; k <= horizon; k++) {
        const lag = period * Math.ceil(k / period);
        const point = t + k - lag >= 0 ? y[t + k - lag]! : y[t]!;
        const errors: number[] = [];
        for (let tau = Math.max(lag, t - window + 1); tau <= t; tau++) errors.push(y[tau]! - y[tau - lag]!);
        const sorted = Float64Array.from(errors).sort();
        const low = errors.length ? quantileOfSorted(sorted, errors.length, 0.05) : 0;
        const high = errors.length ? quantileOfSorted(sorted, errors.length, 0.95) : 0;
        q50.push(Math.max(floor, point));
        q05.push(Math.max(floor, Math.min(point, point + low)));
        q95.push(Math.max(floor, Math.max(point, point + high)));
      }
      return [q05, q50, q95];
    };
    const rng = new Rng(11, "naive-selection");
    for (let trial = 0; trial < 40; trial++) {
      const n = 60 + rng.int(300);
      const y = Float64Array.from({ length: n }, (_, i) => {
        const u = rng.next();
        switch (trial % 4) {
          case 0: return 20 + 10 * Math.sin(i / 3) + rng.normal();
          case 1: return Math.round(u * 3);
          case 2: return u < 0.4 ? 0 : u < 0.6 ? -0 : rng.normal();
          default: return u < 0.03 ? NaN : rng.normal();
        }
      });
      const period = trial % 3 === 0 ? 24 : 1;
      const window = [168, 40, 500][trial % 3]!;
      const lowerBound = trial % 2 === 0 ? 0 : null;
      const options = { errorWindow: window, lowerBound };
      const f = period === 1 ? persistenceForecaster(options) : seasonalNaiveForecaster(24, options);
      for (let t = 0; t < n; t += 7) {
        const got = f.forecast("loadKw", ctx(y, t, 6));
        const want = reference(y, t, 6, period, window, lowerBound ?? -Infinity);
        [got.q05, got.q50, got.q95].forEach((q, j) => q.forEach((v, k) => assert.ok(Object.is(v, want[j]![k]), `trial ${trial} t ${t} q${j} k ${k}: ${v} vs ${want[j]![k]}`)));
      }
    }
  });
});
