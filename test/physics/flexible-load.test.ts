import { strict as assert } from "node:assert";
import fc from "fast-check";
import { flexAppliedKw, flexUncontrolledKw, inFlexWindow, type FlexLoadWindow } from "../../src/physics/flexible-load.js";

const WINDOW: FlexLoadWindow = { startStep: 8, endStep: 14, energyKwh: 5, maxPowerKw: 2 };

/** Runs one window at `requests` (one per step of the window); the applied kW per step. */
function run(w: FlexLoadWindow, requests: readonly number[], dtHours = 1): number[] {
  let left = w.energyKwh;
  return requests.map((req, k) => {
    const kw = flexAppliedKw(w, w.startStep + k, left, req, dtHours);
    left -= kw * dtHours;
    return kw;
  });
}

describe("flexible load", () => {
  it("is in its window from startStep up to, not including, endStep", () => {
    assert.deepEqual([7, 8, 13, 14].map((t) => inFlexWindow(WINDOW, t)), [false, true, true, false]);
  });

  it("runs what was postponed in the window's last steps: 1, 2, 2 kW when asked for nothing", () => {
    assert.deepEqual(run(WINDOW, [0, 0, 0, 0, 0, 0]), [0, 0, 0, 1, 2, 2]);
  });

  it("runs a request as given while the rest still fits, and never more than is left or the power limit", () => {
    assert.deepEqual(run(WINDOW, [1.5, 9, 9, 0, 0, 0]), [1.5, 2, 1.5, 0, 0, 0]);
    assert.equal(flexAppliedKw(WINDOW, 13, 0, 2, 1), 0, "nothing left: nothing runs");
    assert.equal(flexAppliedKw(WINDOW, 13, 3, 0, 1), 2, "more left than the last step can serve: full power");
  });

  it("scales power by the step length: half-hour steps serve the same energy", () => {
    const w: FlexLoadWindow = { startStep: 0, endStep: 4, energyKwh: 2, maxPowerKw: 2 };
    const kw = run(w, [0, 0, 0, 0], 0.5);
    assert.deepEqual(kw, [0, 0, 2, 2]);
  });

  it("serves exactly the window's energy for any requests (never unserved, never more)", () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 12 }), fc.double({ min: 0.1, max: 5, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }),
      fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 12, maxLength: 12 }),
      (steps, maxPowerKw, share, requests) => {
        const w: FlexLoadWindow = { startStep: 0, endStep: steps, energyKwh: share * maxPowerKw * steps, maxPowerKw };
        const kw = run(w, requests.slice(0, steps));
        const served = kw.reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(served - w.energyKwh) < 1e-9 * (1 + w.energyKwh), `served ${served} of ${w.energyKwh}`);
        for (const p of kw) assert.ok(p >= 0 && p <= maxPowerKw + 1e-12);
      },
    ));
  });

  it("uncontrolled, runs at full power from each window's start until served, within the horizon", () => {
    const second: FlexLoadWindow = { startStep: 32, endStep: 38, energyKwh: 3, maxPowerKw: 2 };
    const kw = flexUncontrolledKw([WINDOW, second], 34, 1);
    assert.equal(kw.length, 34);
    assert.deepEqual(Array.from(kw.subarray(7, 12)), [0, 2, 2, 1, 0]);
    assert.deepEqual(Array.from(kw.subarray(31, 34)), [0, 2, 1]);
    assert.equal(kw.reduce((a, b) => a + b, 0), 5 + 3);
  });
});
