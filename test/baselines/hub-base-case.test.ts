import { strict as assert } from "node:assert";
import fc from "fast-check";
import { ConfigError } from "../../src/core/errors.js";
import {
  balanceResidualKwh, dispatchFactorSums, dispatchFactors, limitViolations, parseHubConfig, stepMetrics, type HubDispatch, type HubStep,
} from "../../src/physics/energy-hub.js";
import { deviceInputLimitsKw } from "../../src/physics/converters.js";
import { createSolver, type Solver } from "../../src/solvers/index.js";
import { baseCaseDispatch } from "../../baselines/hub/base-case.js";
import { buildHubLp, HUB_OBJECTIVES, solveHubDispatch, type HubObjective } from "../../src/planning/hub-lp.js";
import { hubDaySteps, reproduceHub } from "../../training/reproduce-hub.js";

const METRIC: Record<HubObjective, (m: ReturnType<typeof stepMetrics>) => number> = {
  cost: (m) => m.costGbp, emissions: (m) => m.emissionsKg, energy: (m) => m.primaryInputKwh,
};

function assertSound(hub: ReturnType<typeof parseHubConfig>, steps: HubStep[], ds: HubDispatch[], what: string): void {
  ds.forEach((d, t) => {
    const r = balanceResidualKwh(hub, steps[t]!, d);
    assert.ok(Math.abs(r[0]!) < 1e-9 && Math.abs(r[1]!) < 1e-9, `${what} step ${t}: residual ${r}`);
    assert.deepEqual(limitViolations(hub, steps[t]!, d), [], `${what} step ${t}`);
    for (const s of dispatchFactorSums(hub, dispatchFactors(hub, d.deviceInputKw))) assert.ok(Math.abs(s - 1) < 1e-12);
  });
}

describe("hub dispatch LP and base case (SPEC section 2)", () => {
  const hub = parseHubConfig({});
  const dumping = parseHubConfig({ allowHeatDump: true });
  const steps = hubDaySteps();
  let highs: Solver;
  let jsls: Solver;
  before(async () => {
    highs = await createSolver({ backend: "highs" });
    jsls = await createSolver({ backend: "jsls" });
  });

  it("every objective's day optimum balances each carrier to 1e-9 kWh and keeps device limits, without dumping heat", () => {
    for (const objective of HUB_OBJECTIVES) {
      const { dispatches } = solveHubDispatch(highs, hub, steps, objective);
      assertSound(hub, steps, dispatches, objective);
      assert.ok(dispatches.every((d) => Math.abs(d.heatDumpedKw) < 1e-9 && d.electricityExportedKw < 1e-9));
    }
  });

  it("the base case runs PV, wind and the fuel cell flat out, dumps CHP heat and keeps the balance", () => {
    const ds = steps.map((s) => baseCaseDispatch(hub, s));
    assertSound(dumping, steps, ds, "base case");
    const night = ds[4]!; // 02:00, low heat load
    // the 14 kW heat rating binds first: 14 / 0.566 kW of gas gives 9.993 kW electricity
    const fcMaxKw = deviceInputLimitsKw(hub.devices[2]!).maxKw;
    assert.ok(Math.abs(fcMaxKw - 14 / 0.566) < 1e-12 && Math.abs(night.deviceInputKw[2]! - fcMaxKw) < 1e-9, "fuel cell flat out");
    // 31 kW load at night: the microturbine fills what wind and fuel cell leave, no grid
    const leftKw = steps[4]!.electricLoadKw - 0.4 * steps[4]!.windResourceKw - fcMaxKw * 0.404;
    assert.ok(Math.abs(night.deviceInputKw[3]! * 0.259 - leftKw) < 1e-9 && night.deviceInputKw[5]! < 1e-9, "microturbine takes the rest");
    assert.ok(night.heatDumpedKw > 30, `heat dumped ${night.heatDumpedKw}`);
    assert.ok(Math.abs(night.deviceInputKw[1]! - steps[4]!.windResourceKw) < 1e-12, "wind takes all its resource");
  });

  it("the base case turns the microturbine down when the electric load cannot absorb it (no export)", () => {
    const step = { electricLoadKw: 25, heatLoadKw: 20, solarResourceKw: 0, windResourceKw: 0 };
    const d = baseCaseDispatch(hub, step);
    const fcKw = (14 / 0.566) * 0.404;
    assert.ok(Math.abs(d.deviceInputKw[3]! * 0.259 - (25 - fcKw)) < 1e-9, `microturbine ${d.deviceInputKw[3]! * 0.259}`);
    assert.ok(Math.abs(d.deviceInputKw[5]!) < 1e-9, "no grid import");
    assert.deepEqual(limitViolations(dumping, step, d), []);
    const tiny = baseCaseDispatch(hub, { electricLoadKw: 4, heatLoadKw: 0, solarResourceKw: 0, windResourceKw: 0 });
    assert.ok(Math.abs(tiny.deviceInputKw[2]! * 0.404 - 4) < 1e-9 && tiny.deviceInputKw[3] === 0, "fuel cell turned down, no export");
  });

  it("each objective's optimum is no worse than the base case on its own metric, every half hour", () => {
    for (const objective of HUB_OBJECTIVES) {
      const { dispatches } = solveHubDispatch(highs, hub, steps, objective);
      steps.forEach((s, t) => {
        const opt = METRIC[objective](stepMetrics(hub, dispatches[t]!));
        const base = METRIC[objective](stepMetrics(hub, baseCaseDispatch(hub, s)));
        assert.ok(opt <= base + 1e-9 * Math.max(1, base), `${objective} step ${t}: ${opt} > ${base}`);
      });
    }
  });

  it("HiGHS and javascript-lp-solver reach the same optimum on the hub LP", () => {
    for (const objective of HUB_OBJECTIVES) {
      const { model } = buildHubLp(hub, steps, objective);
      const a = highs.solve(model).objective;
      const b = jsls.solve(model).objective;
      assert.ok(Math.abs(a - b) <= 1e-7 * Math.max(1, Math.abs(a)), `${objective}: ${a} vs ${b}`);
    }
  });

  it("LP optima of random steps keep the balance and limits, and beat the base case on cost", () => {
    const stepArb = fc.record({
      electricLoadKw: fc.double({ min: 0, max: 150, noNaN: true }),
      heatLoadKw: fc.double({ min: 0, max: 250, noNaN: true }),
      solarResourceKw: fc.double({ min: 0, max: 80, noNaN: true }),
      windResourceKw: fc.double({ min: 0, max: 40, noNaN: true }),
    });
    fc.assert(fc.property(stepArb, fc.boolean(), (step: HubStep, allowHeatDump) => {
      const h = allowHeatDump ? dumping : hub;
      const [d] = solveHubDispatch(highs, h, [step], "cost").dispatches;
      assertSound(h, [step], [d!], "random step");
      assert.ok(stepMetrics(h, d!).costGbp <= stepMetrics(h, baseCaseDispatch(h, step)).costGbp + 1e-9);
    }), { numRuns: 60, seed: 5 });
  });

  it("reproduces the direction and order of the seed's savings (cost, emissions, primary input all lower)", async () => {
    const r = await reproduceHub({ backend: "highs" });
    for (const k of ["cost", "emissions", "primaryInput"] as const) {
      assert.ok(r[k].totalPct < 0 && r[k].meanStepPct < 0, `${k}: ${r[k].totalPct}`);
      assert.ok(r[k].meanStepPct > r[k].seedPct * 3 && r[k].meanStepPct < r[k].seedPct / 3, `${k} ${r[k].meanStepPct} vs seed ${r[k].seedPct}`);
    }
    assert.ok(r.base.heatDumpedKwh > 0 && r.optimised.heatDumpedKwh < 1e-9);
  });

  it("names bad steps and objectives by path", () => {
    try {
      buildHubLp(hub, [{ electricLoadKw: -1, heatLoadKw: 0, solarResourceKw: NaN, windResourceKw: 0 }], "profit" as HubObjective);
      assert.fail("expected a ConfigError");
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /steps\[0\]\.electricLoadKw: expected a finite number >= 0, got -1/);
      assert.match(e.message, /steps\[0\]\.solarResourceKw: expected a finite number >= 0, got NaN/);
      assert.match(e.message, /objective: expected one of "energy", "cost", "emissions", got "profit"/);
    }
  });
});
