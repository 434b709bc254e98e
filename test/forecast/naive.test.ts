import assert from "node:assert/strict";
import { Rng } from "../../src/core/rng.js";
import { hourlyCalendar, persistenceForecaster, quantileOfSorted, seasonalNaiveForecaster, type ForecastContext, type QuantileForecast } from "../../src/forecast/index.js";

function ctx(y: ArrayLike<number>, t: number, horizon: number): ForecastContext {
  return { t, horizon, series: { loadKw: y }, calendar: hourlyCalendar() };
}

/** The rule of the module doc, by sorting every window afresh. */
function reference(y: Float64Array, t: number, horizon: number, period: number, window: number, floor: number): number[][] {
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
}

/** Series of four kinds: smooth with noise, few distinct values (ties), zeros of both signs, NaN now and then. */
function randomSeries(rng: Rng, kind: number, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => {
    const u = rng.next();
    switch (kind % 4) {
      case 0: return 20 + 10 * Math.sin(i / 3) + rng.normal();
      case 1: return Math.round(u * 3);
      case 2: return u < 0.4 ? 0 : u < 0.6 ? -0 : rng.normal();
      default: return u < 0.03 ? NaN : rng.normal();
    }
  });
}

/** Every quantile bit-identical (Object.is: -0 and NaN told apart). */
function assertSame(got: QuantileForecast, want: number[][], what: string): void {
  [got.q05, got.q50, got.q95].forEach((q, j) => {
    assert.equal(q.length, want[j]!.length, `${what}: length of q${j}`);
    q.forEach((v, k) => assert.ok(Object.is(v, want[j]![k]), `${what} q${j} k ${k}: ${v} vs ${want[j]![k]}`));
  });
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
    const rng = new Rng(11, "naive-selection");
    for (let trial = 0; trial < 40; trial++) {
      const y = randomSeries(rng, trial, 60 + rng.int(300));
      const period = trial % 3 === 0 ? 24 : 1;
      const window = [168, 40, 500][trial % 3]!;
      const lowerBound = trial % 2 === 0 ? 0 : null;
      const options = { errorWindow: window, lowerBound };
      const f = period === 1 ? persistenceForecaster(options) : seasonalNaiveForecaster(24, options);
      for (let t = 0; t < y.length; t += 7) {
        assertSame(f.forecast("loadKw", ctx(y, t, 6)), reference(y, t, 6, period, window, lowerBound ?? -Infinity), `trial ${trial} t ${t}`);
      }
    }
  });

  it("gives the same quantiles when asked at every tick (kept windows) as a full sort, checked or appendOnly", () => {
    // the kept windows move by one tick per call: every window size from 1 up, both periods, with and without the caller's promise
    const rng = new Rng(12, "naive-incremental");
    for (let trial = 0; trial < 48; trial++) {
      const y = randomSeries(rng, trial, 80 + rng.int(250));
      const period = trial % 3 === 0 ? 24 : 1;
      const window = [1, 2, 3, 5, 21, 40, 168, 500][trial % 8]!;
      const lowerBound = trial % 2 === 0 ? 0 : null;
      const appendOnly = trial % 4 < 2;
      const f = period === 1 ? persistenceForecaster({ errorWindow: window, lowerBound }) : seasonalNaiveForecaster(24, { errorWindow: window, lowerBound });
      const horizon = 1 + (trial % 6);
      for (let t = 0; t < y.length; t++) {
        const want = reference(y, t, horizon, period, window, lowerBound ?? -Infinity);
        // the series as an env passes it: ticks 0..t only
        assertSame(f.forecast("loadKw", { ...ctx(y.subarray(0, t + 1), t, horizon), appendOnly }), want, `trial ${trial} t ${t}`);
        // asked again at the same tick: the same numbers
        if (t % 50 === 0) assertSame(f.forecast("loadKw", { ...ctx(y.subarray(0, t + 1), t, horizon), appendOnly }), want, `trial ${trial} t ${t} again`);
      }
    }
  });

  it("rebuilds its kept windows when a past value changes (unless appendOnly), the horizon changes or t jumps", () => {
    const rng = new Rng(13, "naive-invalidate");
    const y = Float64Array.from({ length: 120 }, () => 20 + 5 * rng.normal());
    const f = persistenceForecaster({ errorWindow: 30, lowerBound: null });
    for (let t = 0; t <= 60; t++) f.forecast("loadKw", ctx(y, t, 3));
    // a value inside the window changes: the next tick is computed from the series as it is now
    const changed = Float64Array.from(y);
    changed[45] = 100;
    assertSame(f.forecast("loadKw", ctx(changed, 61, 3)), reference(changed, 61, 3, 1, 30, -Infinity), "changed past value");
    // and back: the old values again
    assertSame(f.forecast("loadKw", ctx(y, 62, 3)), reference(y, 62, 3, 1, 30, -Infinity), "restored past value");
    // a signed zero is a change too
    const zeros = Float64Array.from(y);
    zeros[50] = 0;
    for (let t = 50; t <= 70; t++) f.forecast("loadKw", ctx(zeros, t, 3));
    const flipped = Float64Array.from(zeros);
    flipped[50] = -0;
    assertSame(f.forecast("loadKw", ctx(flipped, 71, 3)), reference(flipped, 71, 3, 1, 30, -Infinity), "-0 for +0");
    // another horizon, a jump back and a jump ahead
    assertSame(f.forecast("loadKw", ctx(flipped, 72, 5)), reference(flipped, 72, 5, 1, 30, -Infinity), "horizon 5");
    assertSame(f.forecast("loadKw", ctx(flipped, 40, 5)), reference(flipped, 40, 5, 1, 30, -Infinity), "back to 40");
    assertSame(f.forecast("loadKw", ctx(flipped, 90, 5)), reference(flipped, 90, 5, 1, 30, -Infinity), "ahead to 90");
    // appendOnly is the caller's promise: a changed past value is then not looked at (the promise broken)
    const g = persistenceForecaster({ errorWindow: 30, lowerBound: null });
    for (let t = 0; t <= 60; t++) g.forecast("loadKw", { ...ctx(y, t, 3), appendOnly: true });
    assertSame(g.forecast("loadKw", { ...ctx(changed, 61, 3), appendOnly: true }), reference(y, 61, 3, 1, 30, -Infinity), "appendOnly keeps what it saw");
    // reset() drops the kept windows
    g.reset();
    assertSame(g.forecast("loadKw", { ...ctx(changed, 61, 3), appendOnly: true }), reference(changed, 61, 3, 1, 30, -Infinity), "after reset");
  });

  it("writes into caller arrays with forecastInto (the same numbers as forecast) and checks their length", () => {
    const y = Float64Array.from({ length: 40 }, (_, i) => 10 + Math.sin(i));
    const f = persistenceForecaster();
    const out = { q05: new Float64Array(3), q50: new Float64Array(3), q95: new Float64Array(3) };
    for (let t = 0; t < 40; t++) {
      assert.equal(f.forecastInto("loadKw", ctx(y, t, 3), out), out);
      assertSame(out, reference(y, t, 3, 1, 168, 0), `t ${t}`);
    }
    assert.throws(() => f.forecastInto("loadKw", ctx(y, 5, 4), out), /persistence: out\.q05, q50 and q95 must have length ctx\.horizon = 4, got 3, 3, 3/);
  });
});
