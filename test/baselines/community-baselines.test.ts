import { strict as assert } from "node:assert";
import "../../envs/index.js";
import type { CommunityBatteryEnv } from "../../envs/community-battery/index.js";
import { MpcPolicy } from "../../baselines/storage/mpc.js";
import { MyopicPolicy } from "../../baselines/storage/myopic.js";
import { OraclePolicy } from "../../baselines/storage/oracle.js";
import { ConfigError, ResetNeededError } from "../../src/core/errors.js";
import { make } from "../../src/core/registry.js";
import { createSolver, type Solver } from "../../src/solvers/index.js";
import { evaluate, runEpisode } from "../../training/evaluate.js";
import { baselineFactory } from "../../training/policies.js";

const ID = "CommunityBattery-v0";

describe("community battery baselines", () => {
  let solver: Solver;
  before(async () => {
    solver = await createSolver({ backend: "auto" });
  });

  for (const reward of ["arbitrage", "self-consumption"] as const) {
    it(`rank the baselines by the env objective for seeds 0-4 (${reward}): oracle first, and mpc before myopic in arbitrage`, async () => {
      const seeds = [0, 1, 2, 3, 4];
      const config = { reward };
      const myopic = evaluate(ID, config, await baselineFactory("myopic"), seeds);
      const mpc = evaluate(ID, config, await baselineFactory("mpc"), seeds);
      const oracle = evaluate(ID, config, await baselineFactory("oracle"), seeds);
      // ranked by the env's own objective, minus the return: in arbitrage mode that is the total
      // cost (spot cost + terminal settlement), in self-consumption mode kWh bought + terminal
      // settlement. The oracle solves it exactly; its plan is replayed through float32 actions,
      // so allow 1e-6 relative for that rounding.
      for (let i = 0; i < seeds.length; i++) {
        const o = -oracle.episodes[i]!.return;
        const m = -mpc.episodes[i]!.return;
        const y = -myopic.episodes[i]!.return;
        const tol = 1e-6 * Math.max(1, Math.abs(o), Math.abs(m));
        assert.ok(o <= m + tol, `seed ${seeds[i]}: oracle ${o} > mpc ${m}`);
        // in self-consumption mode the myopic rule is close to optimal and MPC on a
        // seasonal-naive forecast may trail it; the ordering is asserted for arbitrage
        if (reward === "arbitrage") assert.ok(m <= y + tol, `seed ${seeds[i]}: mpc ${m} > myopic ${y}`);
        else assert.ok(o <= y + tol, `seed ${seeds[i]}: oracle ${o} > myopic ${y}`);
        if (reward === "arbitrage") assert.ok(Math.abs(oracle.episodes[i]!.kpis["totalCostEur"]! - o) < 1e-6 * Math.abs(o));
      }
      if (reward === "arbitrage") {
        // and not by a hair: MPC with day-ahead prices earns most of the oracle's saving
        const saving = (p: typeof mpc) => myopic.summary["totalCostEur"]!.mean - p.summary["totalCostEur"]!.mean;
        assert.ok(saving(mpc) > 0.9 * saving(oracle), `mpc saving ${saving(mpc)} vs oracle ${saving(oracle)}`);
      }
    });
  }

  it("oracle plays its LP plan in the env: the realised cost equals the LP objective", () => {
    const env = make(ID, { days: 7 });
    const oracle = new OraclePolicy(env, solver);
    const ep = runEpisode(env, oracle, 7);
    const plan = oracle.plan!;
    const inner = env.unwrapped as unknown as CommunityBatteryEnv;
    const e = inner.trajectory().column("energyKwh");
    for (let t = 0; t < e.length; t++) assert.ok(Math.abs(e[t]! - plan.energyKwh[t]!) < 1e-3, `energy path leaves the plan at ${t}`);
    // the LP objective includes the terminal value term: -(v * e_T); the env's return is -(cost + v (e0 - e_T))
    const v = ep.kpis.terminalAdjustmentEur / (600 - e[e.length - 1]!);
    assert.ok(Math.abs(-ep.return - (plan.objective + v * 600)) < 1e-2, `return ${ep.return} vs LP ${plan.objective}`);
  });

  it("oracle with terminal equal-throughput plans to SPEC (1e) and the env follows its energy path", () => {
    const env = make(ID, { days: 3 });
    const oracle = new OraclePolicy(env, solver, { terminal: "equal-throughput" });
    const ep = runEpisode(env, oracle, 3);
    const plan = oracle.plan!;
    const charged = plan.chargeKw.reduce((a, b) => a + b, 0);
    const discharged = plan.dischargeKw.reduce((a, b) => a + b, 0);
    assert.ok(charged > 100, "the oracle should cycle the battery");
    assert.ok(Math.abs(charged - discharged) < 1e-6 * charged, `charged ${charged} vs discharged ${discharged}`);
    const e = (env.unwrapped as unknown as CommunityBatteryEnv).trajectory().column("energyKwh");
    for (let t = 0; t < e.length; t++) assert.ok(Math.abs(e[t]! - plan.energyKwh[t]!) < 1e-3, `energy path leaves the plan at ${t}`);
    assert.equal(ep.steps, 72);
  });

  it("myopic charges surplus PV and serves deficits without asking for more than the battery can do", () => {
    const result = evaluate(ID, { days: 7 }, new MyopicPolicy(), [0, 1]);
    for (const ep of result.episodes) {
      assert.equal(ep.kpis["shortfallKwh"], 0);
      assert.ok(ep.kpis["selfConsumption"]! > 0.9, `self-consumption ${ep.kpis["selfConsumption"]}`);
    }
  });

  it("mpc re-plans on its interval and follows its plan in between", () => {
    const env = make(ID, { days: 2 });
    const every4 = new MpcPolicy(solver, { replanEvery: 4, horizonHours: 12 });
    runEpisode(env, every4, 1);
    assert.equal(every4.solves, 12);
    const persistence = new MpcPolicy(solver, { forecast: "persistence" });
    const ep = runEpisode(make(ID, { days: 2 }), persistence, 1);
    assert.equal(persistence.solves, 48);
    assert.equal(ep.kpis["shortfallKwh"], 0);
  });

  it("policies refuse to act before reset and refuse an env without the storage-dispatch contract", () => {
    assert.throws(() => new MyopicPolicy().act(new Float32Array(57), {}), ResetNeededError);
    assert.throws(() => new MyopicPolicy().reset({ dtHours: 1 }), (e: unknown) =>
      e instanceof ConfigError && e.message.startsWith("invalid myopic policy: env reset info:\n  observationIndex: expected an object, got undefined"));
    assert.throws(() => new MpcPolicy(solver, { horizonHours: 0 }), (e: unknown) =>
      e instanceof ConfigError && e.message === "invalid mpc config:\n  horizonHours: expected a number >= 1, got 0");
  });
});
