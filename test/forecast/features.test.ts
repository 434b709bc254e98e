import assert from "node:assert/strict";
import { GymError } from "../../src/core/errors.js";
import {
  checkContext, featureLayout, fillRecent, hourlyCalendar, pushRecent, writeFeatures,
} from "../../src/forecast/index.js";

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

describe("forecast features", () => {
  const layout = featureLayout(["loadKw", "pvKw"], ["temperatureC"]);

  it("lays out lags, moving average and trend per series, then covariates, then the calendar", () => {
    assert.deepEqual(layout.names, [
      "loadKw.lag1", "loadKw.lag2", "loadKw.ma3", "loadKw.trend",
      "pvKw.lag1", "pvKw.lag2", "pvKw.ma3", "pvKw.trend",
      "temperatureC",
      "hourSin", "hourCos", "dayOfWeekSin", "dayOfWeekCos", "monthSin", "monthCos", "weekend",
    ]);
    assert.equal(layout.count, 16);
  });

  it("computes a row by hand: lags, 3-step mean, one-step trend, temperature, cyclical calendar, weekend", () => {
    const series = { loadKw: [30, 36, 42, 40, 99], pvKw: [0, 3, 9, 12, 99] };
    const recent = new Float64Array(6);
    fillRecent(layout, series, 4, recent); // features of tick 4 read ticks 3, 2, 1
    assert.deepEqual(Array.from(recent), [40, 42, 36, 12, 9, 3]);
    const row = new Float64Array(16);
    writeFeatures(layout, recent, [18.5], { hourOfDay: 6, dayOfWeek: 5, month: 4 }, row);
    const expected = [
      40, 42, (40 + 42 + 36) / 3, 40 - 42,
      12, 9, (12 + 9 + 3) / 3, 12 - 9,
      18.5,
      1, 0, // hour 6: a quarter of the day
      Math.sin((2 * Math.PI * 5) / 7), Math.cos((2 * Math.PI * 5) / 7),
      1, 0, // April: a quarter of the year after January
      1, // Saturday
    ];
    expected.forEach((v, i) => close(row[i]!, v));
    writeFeatures(layout, recent, [18.5], { hourOfDay: 0, dayOfWeek: 4, month: 1 }, row);
    assert.deepEqual([row[9], row[10], row[13], row[14], row[15]], [0, 1, 0, 1, 0]);
  });

  it("reads tick 0 for lags before the first tick, so the first ticks still get rows", () => {
    const recent = new Float64Array(6);
    fillRecent(layout, { loadKw: [5, 6], pvKw: [1, 2] }, 1, recent);
    assert.deepEqual(Array.from(recent), [5, 5, 5, 1, 1, 1]);
  });

  it("pushRecent makes a value the newest lag of its series only", () => {
    const recent = Float64Array.from([3, 2, 1, 30, 20, 10]);
    pushRecent(recent, 1, 40);
    assert.deepEqual(Array.from(recent), [3, 2, 1, 40, 30, 20]);
  });

  it("writes column-major with a stride", () => {
    const recent = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const rows = 3;
    const x = new Float64Array(16 * rows);
    writeFeatures(layout, recent, [7], { hourOfDay: 0, dayOfWeek: 0, month: 1 }, x, 1, rows);
    assert.deepEqual([x[1], x[1 + rows], x[1 + 8 * rows], x[0], x[2]], [1, 2, 7, 0, 0]);
  });

  it("hourlyCalendar counts simulation hours from a Monday in January", () => {
    const cal = hourlyCalendar();
    assert.deepEqual(cal(0), { hourOfDay: 0, dayOfWeek: 0, month: 1 });
    assert.deepEqual(cal(5 * 24 + 13), { hourOfDay: 13, dayOfWeek: 5, month: 1 });
    assert.deepEqual(cal(31 * 24), { hourOfDay: 0, dayOfWeek: 3, month: 2 });
  });

  it("checkContext names a missing covariate and a short series", () => {
    const base = { t: 3, horizon: 2, series: { loadKw: [1, 2, 3, 4], pvKw: [0, 0, 0, 0] }, calendar: hourlyCalendar() };
    assert.throws(() => checkContext("qf", layout, base), (e: unknown) => {
      assert.ok(e instanceof GymError);
      assert.match(e.message, /ctx\.covariates\.temperatureC is missing/);
      return true;
    });
    assert.throws(() => checkContext("qf", layout, { ...base, covariates: { temperatureC: [1, 2, 3, 4, 5] } }), {
      message: "qf: ctx.covariates.temperatureC must hold ticks 0..5 (length >= 6), got length 5",
    });
    assert.throws(() => checkContext("qf", layout, { ...base, series: { loadKw: [1, 2], pvKw: [0, 0, 0, 0] } }), /ctx\.series\.loadKw must hold ticks 0\.\.3/);
  });
});
