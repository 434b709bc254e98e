import { strict as assert } from "node:assert";
import "../../envs/index.js";
import { buildMicrogridLp } from "../../src/planning/microgrid-lp.js";
import { MicrogridMyopicPolicy } from "../../baselines/microgrid/myopic.js";
import { MicrogridOraclePolicy } from "../../baselines/microgrid/oracle.js";
import type { MicrogridEnv } from "../../envs/microgrid/index.js";
import { ConfigError } from "../../src/core/errors.js";
import { make } from "../../src/core/registry.js";
import { Box } from "../../src/core/spaces.js";
import { createSolver, type Solver } from "../../src/solvers/index.js";
import { runEpisode } from "../../training/evaluate.js";

const TOU = { grid: { tariff: { kind: "tou" } } };

describe("Microgrid-v0 time-of-use tariff", () => {
  let solver: Solver;
  before(async () => {
    solver = await createSolver({ backend: "auto" });
  });

  it("charges each tick's import at its hour's price: 5.0 off-peak, 11.9 from 16:00 to 21:00", () => {
    const env = make("Microgrid-v0", { ...TOU, startHour: 3, episodeTicks: 48, forecast: { model: "off" } });
    const ep = runEpisode(env, new MicrogridMyopicPolicy(), 4);
    const tr = (env.unwrapped as unknown as MicrogridEnv).trajectory();
    const hour = tr.column("hourOfDay"), imp = tr.column("importKw"), cost = tr.column("importCost");
    let peakTicksWithImport = 0, expected = 0;
    for (let t = 0; t < 48; t++) {
      assert.equal(hour[t], (3 + t) % 24);
      const price = hour[t]! >= 16 && hour[t]! < 21 ? 11.9 : 5.0;
      assert.ok(Math.abs(cost[t]! - price * imp[t]!) < 1e-9, `tick ${t}: cost ${cost[t]} for ${imp[t]} kW at ${price}`);
      if (price > 5 && imp[t]! > 0) peakTicksWithImport++;
      expected += price * imp[t]!;
    }
    assert.ok(Math.abs(ep.kpis["importCost"]! - expected) < 1e-6);
    assert.ok(peakTicksWithImport > 0, "the episode has peak-hour imports, so the peak price is exercised");
  });

  it("publishes the tariff as 24 hourly costs in the reset info", () => {
    const { info } = make("Microgrid-v0", { ...TOU, startHour: 7 }).reset({ seed: 1 });
    const grid = info["grid"] as { importCostByHourPerKwh: number[] };
    assert.deepEqual(grid.importCostByHourPerKwh, Array.from({ length: 24 }, (_, h) => (h >= 16 && h < 21 ? 11.9 : 5.0)));
    assert.equal(info["startHour"], 7);
  });

  it("observeTariff appends this tick's and the next H ticks' import costs after the forecasts; off, the observation is unchanged", () => {
    const cfg = { ...TOU, startHour: 13, episodeTicks: 30, forecast: { model: "off" as const, horizonTicks: 4 } };
    const plain = make("Microgrid-v0", cfg);
    const priced = make("Microgrid-v0", { ...cfg, observeTariff: true });
    const idx = (priced.unwrapped as unknown as MicrogridEnv).observationIndex;
    const base = (plain.unwrapped as unknown as MicrogridEnv).observationIndex;
    assert.equal(base.importCostStart, undefined);
    assert.equal(idx.importCostStart, base.size);
    assert.equal(idx.size, base.size + 5);
    assert.equal((priced.observationSpace as Box).size, idx.size);
    const price = (h: number) => (h >= 16 && h < 21 ? 11.9 : 5.0);
    let a = plain.reset({ seed: 3 }).observation as Float32Array;
    let b = priced.reset({ seed: 3 }).observation as Float32Array;
    const idle = new Float32Array(1);
    for (let t = 0; t < 30; t++) {
      assert.deepEqual(Array.from(b.subarray(0, base.size)), Array.from(a), `tick ${t}: the rest of the observation as without it`);
      assert.deepEqual(Array.from(b.subarray(idx.importCostStart!)), [0, 1, 2, 3, 4].map((k) => Math.fround(price((13 + t + k) % 24))), `tick ${t}`);
      a = plain.step(idle).observation as Float32Array;
      b = priced.step(idle).observation as Float32Array;
    }
  });

  it("rejects a peak window that ends before it starts, naming the field", () => {
    assert.throws(() => make("Microgrid-v0", { grid: { tariff: { kind: "tou", peakStartHour: 18, peakEndHour: 17 } } }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /grid\.tariff\.peakEndHour: expected an integer > peakStartHour \(18\)/);
      return true;
    });
  });

  it("planner LP moves a discharge to the expensive step when imports are weighted by price", () => {
    const base = {
      dtHours: 1,
      batteries: [{ capacityKwh: 100, chargeEfficiency: 1, dischargeEfficiency: 1, cRatePerHour: 1, selfDischargePerHour: 0, minSoc: 0, maxSoc: 1, initialEnergyKwh: 10 }],
      scenarios: [{ probability: 1, loadKw: [10, 10], pvKw: [0, 0] }],
      gridCapacityKw: 100,
      cyclingPenaltyPerKwh: 0,
    };
    for (const [weights, dischargeStep] of [[[1, 3], 1], [[3, 1], 0]] as const) {
      const { model, decode } = buildMicrogridLp({ ...base, importWeights: weights });
      const plan = decode(solver.solve(model).x).scenarios[0]!;
      assert.ok(Math.abs(plan.dischargeKw[0]![dischargeStep]! - 10) < 1e-7, `weights ${weights}: discharge ${Array.from(plan.dischargeKw[0]!)}`);
      assert.ok(Math.abs(plan.importKw[1 - dischargeStep]! - 10) < 1e-7);
    }
    assert.throws(() => buildMicrogridLp({ ...base, importWeights: [1, -1] }), /importWeights\[1\]: expected a number >= 0/);
  });

  it("the oracle pays no more than the myopic rule on every seed and less on some under the tariff (but not under the flat one)", () => {
    let cheaper = 0;
    for (const seed of [0, 1, 2]) {
      const cost = (config: object, oracle: boolean): number => {
        const env = make("Microgrid-v0", { ...config, episodeTicks: 96, forecast: { model: "off" } });
        return runEpisode(env, oracle ? new MicrogridOraclePolicy(env, solver) : new MicrogridMyopicPolicy(), seed).kpis["importCost"]!;
      };
      const [myopic, oracle] = [cost(TOU, false), cost(TOU, true)];
      assert.ok(oracle <= myopic * (1 + 1e-6), `seed ${seed}: oracle ${oracle} > myopic ${myopic}`);
      if (oracle < myopic - 1) cheaper++;
      const [flatMyopic, flatOracle] = [cost({}, false), cost({}, true)];
      assert.ok(Math.abs(flatOracle - flatMyopic) <= 1e-6 * flatMyopic + 1e-6, `seed ${seed}: flat oracle ${flatOracle} vs myopic ${flatMyopic}`);
    }
    assert.ok(cheaper >= 1, "the tariff gives the planner something to gain on at least one seed");
  });
});
