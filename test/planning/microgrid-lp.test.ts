import { strict as assert } from "node:assert";
import fc from "fast-check";
import { ConfigError } from "../../src/core/errors.js";
import { buildMicrogridLp, type MicrogridLpBattery, type MicrogridLpInput, type MicrogridOutageRisk } from "../../src/planning/microgrid-lp.js";
import { createSolver, type Solver } from "../../src/solvers/index.js";

/** Microgrid-v0's default battery (eta 0.95 both ways, 0.1 %/h self-discharge) holding `initialEnergyKwh`. */
function battery(initialEnergyKwh: number, extra: Partial<MicrogridLpBattery> = {}): MicrogridLpBattery {
  return { capacityKwh: 100, chargeEfficiency: 0.95, dischargeEfficiency: 0.95, cRatePerHour: 1, selfDischargePerHour: 0.001, minSoc: 0, maxSoc: 1, initialEnergyKwh, ...extra };
}

function solvePlan(solver: Solver, input: MicrogridLpInput) {
  const { model, decode } = buildMicrogridLp(input);
  return decode(solver.solve(model).x).scenarios[0]!;
}

/** One outage length of `lengthTicks` after every step with `hazard`, the deficit `deficitKwh` per tick of it. */
function risk(steps: number, hazard: number, voll: number, deficitKwhPerTick: number, lengths = 1): MicrogridOutageRisk {
  return {
    hazardPerStep: new Float64Array(steps).fill(hazard),
    lengthProbabilities: new Float64Array(lengths).fill(1 / lengths),
    valueOfLostLoadPerKwh: voll,
    deficitKwh: [Array.from({ length: steps }, () => Float64Array.from({ length: lengths }, (_, L) => (L + 1) * deficitKwhPerTick))],
  };
}

describe("microgrid planner LP: lead time and outage risk", function () {
  this.timeout(30_000);
  let solver: Solver;
  before(async () => {
    solver = await createSolver({ backend: "auto" });
  });

  it("under a flat tariff never plans grid energy into a battery (any load, PV, charge; with the predictive planner's terms)", () => {
    fc.assert(fc.property(
      fc.array(fc.double({ min: 0, max: 80, noNaN: true }), { minLength: 5, maxLength: 5 }),
      fc.array(fc.double({ min: 0, max: 90, noNaN: true }), { minLength: 5, maxLength: 5 }),
      fc.double({ min: 0, max: 100, noNaN: true }),
      (loadKw, pvKw, e0) => {
        const s = solvePlan(solver, {
          dtHours: 1, batteries: [battery(e0)], scenarios: [{ probability: 1, loadKw, pvKw }], gridCapacityKw: 100,
          terminalValuePerKwh: 0.9, leadTimePenaltyPerKwhStep: 0.005,
        });
        for (let k = 0; k < 5; k++) assert.ok(Math.min(s.importKw[k]!, s.chargeKw[0]![k]!) < 1e-6, `step ${k}: import ${s.importKw[k]}, charge ${s.chargeKw[0]![k]}`);
      },
    ), { numRuns: 40 });
  });

  it("the lead-time cost stores the surplus at hand rather than a forecast one that would fill the battery later", () => {
    // 40 kWh of room; 30 kW surplus now, 60 kW forecast next tick: either fills the room
    const input: MicrogridLpInput = {
      dtHours: 1, batteries: [battery(60)], scenarios: [{ probability: 1, loadKw: [10, 10], pvKw: [40, 70] }], gridCapacityKw: 100, terminalValuePerKwh: 0.9,
    };
    const lead = solvePlan(solver, { ...input, leadTimePenaltyPerKwhStep: 0.005 });
    assert.ok(Math.abs(lead.chargeKw[0]![0]! - 30) < 1e-6, `with lead time: charge now ${lead.chargeKw[0]![0]}`);
    // without it self-discharge makes the later kWh the better buy: the surplus at hand is exported
    const none = solvePlan(solver, input);
    assert.ok(none.chargeKw[0]![0]! < 30 - 1, `without: charge now ${none.chargeKw[0]![0]}`);
    assert.ok(none.exportKw[0]! > 1);
  });

  it("prices the expected unserved energy of an outage: charges from the grid for it exactly when hazard x VoLL beats the import", () => {
    // empty lossless battery, no load now; an outage after the step would need 10 kWh
    const b = battery(0, { chargeEfficiency: 1, dischargeEfficiency: 1, selfDischargePerHour: 0 });
    const input: MicrogridLpInput = { dtHours: 1, batteries: [b], scenarios: [{ probability: 1, loadKw: [0], pvKw: [0] }], gridCapacityKw: 100, cyclingPenaltyPerKwh: 0 };
    // 0.1 x 20 = 2 per kWh kept > 1 per kWh imported: keep the whole 10 kWh, no more
    const worth = solvePlan(solver, { ...input, outageRisk: risk(1, 0.1, 20, 10) });
    assert.ok(Math.abs(worth.chargeKw[0]![0]! - 10) < 1e-6, `charge ${worth.chargeKw[0]![0]}`);
    // 0.1 x 5 = 0.5 < 1: not worth it
    const not = solvePlan(solver, { ...input, outageRisk: risk(1, 0.1, 5, 10) });
    assert.ok(not.chargeKw[0]![0]! < 1e-6, `charge ${not.chargeKw[0]![0]}`);
  });

  it("values the k-th hour of reserve by P(the outage lasts that long)", () => {
    // lengths 1..4 equally likely, 5 kWh a tick of outage: the kWh that cover its hour m are worth hazard x VoLL x P(L >= m)
    const b = battery(0, { chargeEfficiency: 1, dischargeEfficiency: 1, selfDischargePerHour: 0 });
    const s = solvePlan(solver, {
      dtHours: 1, batteries: [b], scenarios: [{ probability: 1, loadKw: [0], pvKw: [0] }], gridCapacityKw: 100, cyclingPenaltyPerKwh: 0,
      // hazard 0.1, VoLL 16: hour m's kWh worth 1.6 P(L >= m) = 1.6, 1.2, 0.8, 0.4 against 1 imported
      outageRisk: risk(1, 0.1, 16, 5, 4),
    });
    assert.ok(Math.abs(s.energyKwh[0]![0]! - 10) < 1e-6, `kept ${s.energyKwh[0]![0]} kWh (two hours' worth)`);
  });

  it("with hazard 0 the outage term is off: the same plan as without it", () => {
    const input: MicrogridLpInput = {
      dtHours: 1, batteries: [battery(30)], scenarios: [{ probability: 1, loadKw: [20, 30, 10], pvKw: [0, 10, 40] }], gridCapacityKw: 100,
      terminalValuePerKwh: 0.9, leadTimePenaltyPerKwhStep: 0.005,
    };
    const plain = buildMicrogridLp(input);
    const zero = buildMicrogridLp({ ...input, outageRisk: risk(3, 0, 50, 10, 3) });
    assert.equal(zero.model.numVars, plain.model.numVars);
    const a = plain.decode(solver.solve(plain.model).x).scenarios[0]!;
    const b = zero.decode(solver.solve(zero.model).x).scenarios[0]!;
    assert.deepEqual(Array.from(b.energyKwh[0]!), Array.from(a.energyKwh[0]!));
  });

  it("with a hazard it keeps more charge than without", () => {
    const input: MicrogridLpInput = {
      dtHours: 1, batteries: [battery(50)], scenarios: [{ probability: 1, loadKw: [20, 20, 20], pvKw: [0, 0, 0] }], gridCapacityKw: 100,
      terminalValuePerKwh: 0.9, leadTimePenaltyPerKwhStep: 0.005,
    };
    const without = solvePlan(solver, input);
    const withRisk = solvePlan(solver, { ...input, outageRisk: risk(3, 0.05, 10, 20, 3) });
    assert.ok(withRisk.energyKwh[0]![2]! > without.energyKwh[0]![2]! + 5, `kept ${withRisk.energyKwh[0]![2]} vs ${without.energyKwh[0]![2]}`);
  });

  it("a CVaR weight on the lost-load cost keeps more charge than the expectation alone", () => {
    // lengths 1..4, 5 kWh a tick: risk-neutral keeps 10 kWh (see above); the tail's weight keeps more
    const b = battery(0, { chargeEfficiency: 1, dischargeEfficiency: 1, selfDischargePerHour: 0 });
    const input: MicrogridLpInput = { dtHours: 1, batteries: [b], scenarios: [{ probability: 1, loadKw: [0], pvKw: [0] }], gridCapacityKw: 100, cyclingPenaltyPerKwh: 0 };
    const neutral = solvePlan(solver, { ...input, outageRisk: risk(1, 0.1, 16, 5, 4) });
    const averse = solvePlan(solver, { ...input, outageRisk: { ...risk(1, 0.1, 16, 5, 4), cvar: { alpha: 0.9, weight: 0.5 } } });
    assert.ok(Math.abs(neutral.energyKwh[0]![0]! - 10) < 1e-6);
    assert.ok(averse.energyKwh[0]![0]! > 10 + 1, `kept ${averse.energyKwh[0]![0]} kWh`);
    const zero = solvePlan(solver, { ...input, outageRisk: { ...risk(1, 0.1, 16, 5, 4), cvar: { alpha: 0.9, weight: 0 } } });
    assert.ok(Math.abs(zero.energyKwh[0]![0]! - 10) < 1e-6);
  });

  it("rejects a bad outage term naming the field", () => {
    const input: MicrogridLpInput = { dtHours: 1, batteries: [battery(10)], scenarios: [{ probability: 1, loadKw: [1], pvKw: [0] }], gridCapacityKw: 10 };
    const bad = (r: Partial<MicrogridOutageRisk>, field: RegExp) =>
      assert.throws(() => buildMicrogridLp({ ...input, outageRisk: { ...risk(1, 0.1, 10, 5, 2), ...r } }), (e: unknown) => e instanceof ConfigError && field.test(e.message));
    bad({ hazardPerStep: [1.5] }, /outageRisk\.hazardPerStep\[0\]/);
    bad({ lengthProbabilities: [0.5, 0.2] }, /outageRisk\.lengthProbabilities: expected probabilities summing to 1/);
    bad({ deficitKwh: [] }, /outageRisk\.deficitKwh: expected one entry per scenario/);
    bad({ valueOfLostLoadPerKwh: -1 }, /outageRisk\.valueOfLostLoadPerKwh/);
    bad({ cvar: { alpha: 1, weight: 1 } }, /outageRisk\.cvar\.alpha: expected a number in \[0, 1\)/);
    assert.throws(() => buildMicrogridLp({ ...input, leadTimePenaltyPerKwhStep: -1 }), /leadTimePenaltyPerKwhStep: expected a finite number >= 0/);
  });
});
