import { strict as assert } from "node:assert";
import { hubInputsKw, hubOutputsKw, parseHubConfig, P_INDEX, type HubStep } from "../../src/physics/energy-hub.js";
import { solveHubDispatch, trySolveHubStep, type HubLpDispatch } from "../../src/planning/hub-lp.js";
import { createSolver, type Solver } from "../../src/solvers/index.js";

describe("hub dispatch LP options (pins, shedding)", () => {
  const hub = parseHubConfig({});
  const step: HubStep = { electricLoadKw: 60, heatLoadKw: 90, solarResourceKw: 40, windResourceKw: 10 };
  let solver: Solver;
  let optimum: HubLpDispatch;
  let p: Float64Array;
  before(async () => {
    solver = await createSolver({ backend: "jsls" });
    optimum = solveHubDispatch(solver, hub, [step], "cost").dispatches[0]!;
    p = hubInputsKw(hub, optimum.deviceInputKw);
  });

  it("pins purchased inputs where asked, with heat let go when the hub allows it", () => {
    const el = p[P_INDEX.electricity]! + 3.42;
    const gas = p[P_INDEX.gas]! + 6.08;
    const d = trySolveHubStep(solver, { ...hub, allowHeatDump: true }, step, "cost", {
      inputBoundsKw: { electricity: { minKw: el, maxKw: el }, gas: { minKw: gas, maxKw: gas } },
    });
    assert.ok(d !== null);
    const q = hubInputsKw(hub, d.deviceInputKw);
    assert.ok(Math.abs(q[P_INDEX.electricity]! - el) < 1e-6 && Math.abs(q[P_INDEX.gas]! - gas) < 1e-6);
    const out = hubOutputsKw(hub, d.deviceInputKw);
    assert.ok(Math.abs(out[1]! - d.heatDumpedKw - step.heatLoadKw) < 1e-9);
    assert.ok(d.heatDumpedKw > 0);
  });

  it("returns null for a pin the devices cannot meet, and for an empty range", () => {
    const gas = p[P_INDEX.gas]! + 6.08;
    assert.equal(trySolveHubStep(solver, hub, { ...step, solarResourceKw: 0, windResourceKw: 0 }, "cost", {
      inputBoundsKw: { electricity: { minKw: p[P_INDEX.electricity]! + 20, maxKw: p[P_INDEX.electricity]! + 20 }, gas: { minKw: gas, maxKw: gas } },
    }), null);
    assert.equal(trySolveHubStep(solver, hub, step, "cost", { inputBoundsKw: { gas: { minKw: 10, maxKw: 5 } } }), null);
  });

  it("sheds only the controllable share, and only as much as a reduction needs", () => {
    const el = p[P_INDEX.electricity]! - 2;
    const d = trySolveHubStep(solver, hub, step, "cost", {
      inputBoundsKw: { electricity: { minKw: el, maxKw: el }, gas: { minKw: p[P_INDEX.gas]!, maxKw: p[P_INDEX.gas]! } },
      shed: { electricShare: 0.1, heatShare: 0.1, costPerKwh: 1 },
    });
    assert.ok(d !== null);
    assert.ok(d.electricShedKw > 0 && d.electricShedKw <= 6 + 1e-9);
    assert.ok(Math.abs(d.electricShedKw - 2 * 0.98) < 1e-6, `shed ${d.electricShedKw}`);
  });
});
