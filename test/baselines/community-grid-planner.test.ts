import { strict as assert } from "node:assert";
import "../../envs/index.js";
import { CommunityGridMpcPolicy, CommunityGridOraclePolicy, buildGridBatteryLp, householdsForesight, solveGridBatteryLp } from "../../baselines/community/grid-planner.js";
import { CommunityGridMyopicPolicy } from "../../baselines/community/policies.js";
import type { CommunityBatteryGridEnv } from "../../envs/community/index.js";
import type { Env, Policy } from "../../src/core/env.js";
import { ConfigError } from "../../src/core/errors.js";
import { make } from "../../src/core/registry.js";
import { createSolver, type Solver } from "../../src/solvers/index.js";

const ID = "CommunityBatteryGrid-v0";
const SMALL = { community: { households: 4 }, days: 2 };
const SEEDS = [1000, 1001, 1002, 1003];

interface Run {
  return: number;
  kpis: Record<string, number>;
  column(name: string): Float64Array;
}

function run(config: unknown, build: (env: Env<Float32Array, Float32Array>) => Policy<Float32Array, Float32Array>, seed: number): Run {
  const env = make(ID, config) as unknown as Env<Float32Array, Float32Array>;
  const policy = build(env);
  const r0 = env.reset({ seed });
  policy.reset?.(r0.info);
  let obs = r0.observation;
  let info = r0.info;
  let ret = 0;
  for (let done = false; !done;) {
    const s = env.step(policy.act(obs, info));
    ret += s.reward;
    obs = s.observation;
    info = s.info;
    done = s.terminated || s.truncated;
  }
  const grid = env.unwrapped as unknown as CommunityBatteryGridEnv;
  const tr = grid.trajectory();
  const out = { return: ret, kpis: grid.kpis() as unknown as Record<string, number>, column: (n: string) => tr.column(n as never).slice() };
  env.close();
  return out;
}

describe("CommunityBatteryGrid-v0 planners (oracle, mpc)", function () {
  this.timeout(60_000);
  let solver: Solver;
  before(async () => {
    solver = await createSolver({ backend: "highs" });
  });

  it("the households' net load at the PCC is the same whatever the community battery does (the oracle's foresight is the truth)", () => {
    const oracle = run(SMALL, (env) => new CommunityGridOraclePolicy(env, solver), 1000);
    const myopic = run(SMALL, () => new CommunityGridMyopicPolicy(), 1000);
    assert.deepEqual(oracle.column("householdsNetKw"), myopic.column("householdsNetKw"));
    assert.notDeepEqual(oracle.column("cbPowerKw"), myopic.column("cbPowerKw"));
    const env = make(ID, SMALL) as unknown as CommunityBatteryGridEnv;
    const startDay = (env.reset({ seed: 1000 }).info["community"] as { startDay: number }).startDay;
    assert.deepEqual(householdsForesight(env.community.config, startDay).householdsNetKw, oracle.column("householdsNetKw"));
  });

  it("the oracle beats or ties myopic and mpc on the env's total cost and return on every seed", () => {
    for (const seed of SEEDS) {
      const oracle = run(SMALL, (env) => new CommunityGridOraclePolicy(env, solver), seed);
      const mpc = run(SMALL, (env) => new CommunityGridMpcPolicy(env, solver), seed);
      const myopic = run(SMALL, () => new CommunityGridMyopicPolicy(), seed);
      const tol = 1e-6 * Math.max(1, Math.abs(oracle.return));
      for (const [name, other] of [["myopic", myopic], ["mpc", mpc]] as const) {
        assert.ok(oracle.return >= other.return - tol, `seed ${seed}: oracle return ${oracle.return} < ${name} ${other.return}`);
        assert.ok(oracle.kpis["totalCostEur"]! <= other.kpis["totalCostEur"]! + tol, `seed ${seed}: oracle cost ${oracle.kpis["totalCostEur"]} > ${name} ${other.kpis["totalCostEur"]}`);
      }
      const req = oracle.column("cbRequestedKw");
      const applied = oracle.column("cbPowerKw");
      const shortfall = req.reduce((a, r, t) => a + Math.abs(r - applied[t]!), 0);
      assert.ok(shortfall < 1e-3, `seed ${seed}: the oracle asks for power the battery cannot follow (${shortfall} kW in all)`);
    }
  });

  it("the oracle's replay pays the bill its plan promised", () => {
    const env = make(ID, SMALL) as unknown as Env<Float32Array, Float32Array>;
    const policy = new CommunityGridOraclePolicy(env, solver);
    const r0 = env.reset({ seed: 1002 });
    policy.reset(r0.info);
    let obs = r0.observation;
    let info = r0.info;
    let bill = 0;
    for (let done = false; !done;) {
      const s = env.step(policy.act(obs, info));
      bill += (s.info["community"] as { pcc: { billEur: number } }).pcc.billEur;
      obs = s.observation;
      info = s.info;
      done = s.terminated;
    }
    const planned = policy.plan!.pccBillEur;
    assert.ok(Math.abs(bill - planned) < 1e-3 * Math.max(1, Math.abs(planned)), `bill ${bill} vs plan ${planned}`);
  });

  it("mpc re-plans every hour on what it observes and saves against myopic on these seeds", () => {
    for (const seed of SEEDS.slice(0, 2)) {
      let policy: CommunityGridMpcPolicy | null = null;
      const mpc = run(SMALL, (env) => (policy = new CommunityGridMpcPolicy(env, solver)), seed);
      const myopic = run(SMALL, () => new CommunityGridMyopicPolicy(), seed);
      assert.equal(policy!.plans, 48);
      assert.ok(mpc.return > myopic.return, `seed ${seed}: mpc ${mpc.return} vs myopic ${myopic.return}`);
    }
  });

  it("with a grid-violation penalty the oracle keeps the transformer within its rating; without, its plan overloads it", () => {
    const small = { ...SMALL, feeder: { transformer: { ratingKva: 250 } } };
    const free = run(small, (env) => new CommunityGridOraclePolicy(env, solver), 1001);
    const overloaded = free.column("transformerLoadingPercent").filter((x) => x > 100).length;
    assert.ok(overloaded > 0, "the free plan charges beyond the transformer");
    const penalised = run({ ...small, rewards: { gridViolationEurPerHour: 5 } }, (env) => new CommunityGridOraclePolicy(env, solver), 1001);
    assert.equal(penalised.column("gridPenaltyEur").reduce((a, b) => a + b, 0), 0);
    assert.ok(Math.max(...penalised.column("transformerLoadingPercent")) <= 100);
  });

  it("the LP rejects bad input naming the field, and the planners refuse another env", () => {
    const battery = { params: { capacityKwh: 10, maxPowerKw: 5, efficiency: 0.9 }, initialEnergyKwh: 5 };
    assert.throws(
      () => buildGridBatteryLp({ householdsNetKw: [1, Number.NaN], spotEurPerKwh: [0.1, 0.2], tariff: { gridFeeEurPerKwh: 0.05 }, battery, terminal: "free" }),
      (e: unknown) => e instanceof ConfigError && /householdsNetKw\[1\]/.test(e.message) && /a finite number/.test(e.message),
    );
    assert.throws(
      () => buildGridBatteryLp({ householdsNetKw: [1, 2], spotEurPerKwh: [0.1], tariff: { gridFeeEurPerKwh: 0.05 }, battery, terminal: "free" }),
      (e: unknown) => e instanceof ConfigError && /spotEurPerKwh/.test(e.message) && /length 2/.test(e.message),
    );
    const other = make("CommunityBattery-v0", { days: 1 });
    assert.throws(() => new CommunityGridOraclePolicy(other, solver), (e: unknown) => e instanceof ConfigError && /CommunityBatteryGrid-v0/.test(e.message));
    other.close();
  });

  it("myopic, mpc and the oracle refuse a fraction battery action, naming communityBatteryAction; power is served", () => {
    for (const mode of ["feasible-fraction", "self-consumption-fraction"]) {
      const env = make(ID, { ...SMALL, communityBatteryAction: mode }) as unknown as Env<Float32Array, Float32Array>;
      const { info } = env.reset({ seed: 1000 });
      assert.equal(info["batteryAction"], mode);
      for (const policy of [new CommunityGridMyopicPolicy(), new CommunityGridMpcPolicy(env, solver), new CommunityGridOraclePolicy(env, solver)]) {
        assert.throws(() => policy.reset(info), (e: unknown) => e instanceof ConfigError && /communityBatteryAction: expected "power"/.test(e.message) && e.message.includes(mode));
      }
      env.close();
    }
    const env = make(ID, SMALL) as unknown as Env<Float32Array, Float32Array>;
    const { info } = env.reset({ seed: 1000 });
    assert.equal(info["batteryAction"], "power");
    assert.doesNotThrow(() => new CommunityGridMyopicPolicy().reset(info));
    env.close();
  });

  it("the LP arbitrages: it charges in the cheap hour and sells in the dear one, and a free terminal empties the battery", () => {
    const battery = { params: { capacityKwh: 10, maxPowerKw: 10, efficiency: 1 }, initialEnergyKwh: 0 };
    const plan = solveGridBatteryLp(solver, { householdsNetKw: [0, 0], spotEurPerKwh: [0.1, 0.5], tariff: { gridFeeEurPerKwh: 0.05 }, battery, terminal: "free" });
    assert.ok(Math.abs(plan.chargeKw[0]! - 10) < 1e-6 && Math.abs(plan.dischargeKw[1]! - 10) < 1e-6);
    assert.ok(Math.abs(plan.pccBillEur - (0.15 * 10 - 0.5 * 10)) < 1e-6, String(plan.pccBillEur));
    assert.ok(Math.abs(plan.energyKwh[1]!) < 1e-6);
  });
});
