import { strict as assert } from "node:assert";
import { ConfigError } from "../../src/core/errors.js";
import { createSolver, type BackendName, type Solver } from "../../src/solvers/index.js";
import { buildCommunityLp, type CommunityLpInput } from "../../src/planning/storage-lp.js";
import { syntheticCommunityLpInput } from "../fixtures/community-lp-input.js";

function randomInput(hours: number, seed: number, over: Partial<CommunityLpInput> = {}): CommunityLpInput {
  return syntheticCommunityLpInput(hours, seed, "community-lp-test", over);
}

const close = (a: number, b: number, tol = 1e-7): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

describe("community LP (SPEC 1a-1i, 2a-2b)", () => {
  let solvers: Record<Exclude<BackendName, "simplex">, Solver>;
  before(async () => {
    solvers = { highs: await createSolver({ backend: "highs" }), jsls: await createSolver({ backend: "jsls" }) };
  });

  it("under a flat price, arbitrage earns nothing beyond the cost of the net load", () => {
    const input = randomInput(48, 1, { priceEurPerKwh: new Float64Array(48).fill(0.2) });
    let netKwh = 0;
    for (let t = 0; t < 48; t++) netKwh += input.loadKw[t]! - input.pvKw[t]!;
    for (const terminal of [{ kind: "equal-throughput" }, { kind: "equal-energy" }] as const) {
      const { model, decode } = buildCommunityLp({ ...input, terminal });
      for (const name of ["highs", "jsls"] as const) {
        const plan = decode(solvers[name].solve(model).x);
        assert.ok(close(plan.objective, 0.2 * netKwh, 1e-9), `${terminal.kind}/${name}: ${plan.objective} vs ${0.2 * netKwh}`);
      }
    }
  });

  it("two hours cheap then expensive: charges fully in hour 1, discharges fully in hour 2, earns the exact spread", () => {
    const { model, decode } = buildCommunityLp({
      loadKw: [0, 0], pvKw: [0, 0], priceEurPerKwh: [0.1, 0.3], dtHours: 1,
      capacityKwh: 10, maxPowerKw: 5, efficiency: 0.81, initialEnergyKwh: 5,
      objective: "arbitrage", terminal: { kind: "equal-throughput" },
    });
    for (const name of ["highs", "jsls"] as const) {
      const plan = decode(solvers[name].solve(model).x);
      assert.ok(close(plan.objective, 0.1 * 5 - 0.3 * 5), `${name}: objective ${plan.objective}`);
      assert.deepEqual([...plan.chargeKw].map((v) => +v.toFixed(9)), [5, 0], name);
      assert.deepEqual([...plan.dischargeKw].map((v) => +v.toFixed(9)), [0, 5], name);
      assert.deepEqual([...plan.importKw].map((v) => +v.toFixed(9)), [5, -5], name);
      // sqrt(0.81) = 0.9 each way: 5 + 5 * 0.9 = 9.5, then 9.5 - 5 / 0.9.
      assert.ok(close(plan.energyKwh[0]!, 9.5) && close(plan.energyKwh[1]!, 9.5 - 5 / 0.9), `${name}: ${[...plan.energyKwh]}`);
    }
  });

  it("a terminal value makes charging at a lower price pay, and counts in the objective", () => {
    const { model, decode } = buildCommunityLp({
      loadKw: [1], pvKw: [0], priceEurPerKwh: [0.2], dtHours: 0.5, capacityKwh: 10, maxPowerKw: 4,
      efficiency: 1, initialEnergyKwh: 3, objective: "arbitrage", terminal: { kind: "value", eurPerKwh: 0.3 },
    });
    const plan = decode(solvers.highs.solve(model).x);
    // Charge 4 kW for half an hour: import 1 + 4 kW at 0.2 EUR/kWh * 0.5 h, keep 3 + 2 kWh at 0.3 EUR/kWh.
    assert.ok(close(plan.energyKwh[0]!, 5) && close(plan.chargeKw[0]!, 4));
    assert.ok(close(plan.objective, 0.2 * 5 * 0.5 - 0.3 * 5), `objective ${plan.objective}`);
  });

  it("self-consumption stores the PV surplus and pays only for what losses leave uncovered", () => {
    const { model, decode } = buildCommunityLp({
      loadKw: [0, 4], pvKw: [4, 0], priceEurPerKwh: [0.5, 0.5], dtHours: 1, capacityKwh: 10, maxPowerKw: 10,
      efficiency: 0.81, initialEnergyKwh: 0, objective: "self-consumption", terminal: { kind: "none" },
    });
    for (const name of ["highs", "jsls"] as const) {
      const plan = decode(solvers[name].solve(model).x);
      // 4 kWh in -> 3.6 stored -> 3.24 out: the grid supplies 0.76 kWh.
      assert.ok(close(plan.objective, 4 - 3.24), `${name}: objective ${plan.objective}`);
      assert.ok(close(plan.importKw[1]!, 0.76) && close(plan.importKw[0]!, 0) && close(plan.energyKwh[1]!, 0), `${name}: ${[...plan.importKw]}`);
    }
  });

  it("the 168-hour LP solves on both backends with equal objectives, energy within [0, capacity], (1b), (1e) and (1g) holding", () => {
    const input = randomInput(168, 7);
    const { model, decode } = buildCommunityLp(input);
    const plans = (["highs", "jsls"] as const).map((name) => decode(solvers[name].solve(model).x));
    assert.ok(close(plans[0]!.objective, plans[1]!.objective, 1e-6), `highs ${plans[0]!.objective} vs jsls ${plans[1]!.objective}`);
    const sqrtEta = Math.sqrt(input.efficiency);
    for (const plan of plans) {
      let throughput = 0;
      let scale = 0;
      let prev = input.initialEnergyKwh;
      let cycled = 0;
      for (let t = 0; t < 168; t++) {
        const e = plan.energyKwh[t]!;
        assert.ok(e >= -1e-6 && e <= 1200 + 1e-6, `e[${t}] = ${e}`);
        const expected = prev + plan.chargeKw[t]! * sqrtEta - plan.dischargeKw[t]! / sqrtEta;
        assert.ok(Math.abs(e - expected) <= 1e-6 * 1200, `(1g) at ${t}: ${e} vs ${expected}`);
        const balance = plan.dischargeKw[t]! + input.pvKw[t]! + plan.importKw[t]! - input.loadKw[t]! - plan.chargeKw[t]!;
        assert.ok(Math.abs(balance) <= 1e-6 * 1000, `(1b) at ${t}: ${balance}`);
        throughput += plan.chargeKw[t]! - plan.dischargeKw[t]!;
        scale += plan.chargeKw[t]! + plan.dischargeKw[t]!;
        cycled += plan.dischargeKw[t]!;
        prev = e;
      }
      assert.ok(Math.abs(throughput) <= 1e-6 * scale, `(1e): sum p_in - sum p_out = ${throughput}`);
      assert.ok(cycled > 1000, `the battery is used (${cycled} kWh discharged)`);
    }
  });

  it("equal-energy ends where it started", () => {
    const { model, decode } = buildCommunityLp(randomInput(72, 3, { terminal: { kind: "equal-energy" }, initialEnergyKwh: 300 }));
    const plan = decode(solvers.highs.solve(model).x);
    assert.ok(close(plan.energyKwh[71]!, 300));
  });

  it("refuses bad inputs, naming every bad field", () => {
    const input = randomInput(4, 1, {
      pvKw: [1, 2, 3], efficiency: 1.2, initialEnergyKwh: 2000, dtHours: 0,
      terminal: { kind: "value", eurPerKwh: NaN },
    });
    input.priceEurPerKwh = [0.1, NaN, 0.1, 0.1];
    try {
      buildCommunityLp(input);
      assert.fail("expected a ConfigError");
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(err.issues.map((i) => i.path).sort(),
        ["dtHours", "efficiency", "initialEnergyKwh", "priceEurPerKwh[1]", "pvKw", "terminal.eurPerKwh"]);
    }
  });
});
