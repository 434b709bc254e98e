import { strict as assert } from "node:assert";
import "../../envs/index.js";
import { HubContractLpPolicy, HubOraclePolicy, hubContractTerms } from "../../baselines/hub/day-lp.js";
import { HubLpPolicy, HubMyopicPolicy } from "../../baselines/hub/policies.js";
import { EnergyHubEnv, energyHubConfigSchema, type EnergyHubConfigInput } from "../../envs/energy-hub/index.js";
import type { Policy } from "../../src/core/env.js";
import { ConfigError } from "../../src/core/errors.js";
import { makeParallel } from "../../src/core/registry.js";
import { buildHubDayLp, solveHubDayLp } from "../../src/planning/hub-day-lp.js";
import { createSolver, type Solver } from "../../src/solvers/index.js";

/** Today's default scenario, written out: another engineer may change the defaults (random small deviations, cascade). */
const SCENARIO: EnergyHubConfigInput = { deviation: { mode: "random", magnitude: "small", direction: "random", hubs: "all" }, response: "cascade", otherHubs: { response: "cascade" } };

function hubEnv(config: EnergyHubConfigInput = {}): EnergyHubEnv {
  return new EnergyHubEnv(energyHubConfigSchema.parse({ ...SCENARIO, ...config }));
}

interface Episode {
  rewards: number[];
  costsGbp: number[];
  costGbp: number;
}

function episode(env: EnergyHubEnv, policy: Policy<Float32Array, Float64Array>, seed: number): Episode {
  const r0 = env.reset({ seed });
  policy.reset?.(r0.info);
  let obs = r0.observation;
  let info = r0.info;
  const rewards: number[] = [];
  const costsGbp: number[] = [];
  for (let done = false; !done;) {
    const s = env.step(policy.act(obs, info));
    rewards.push(s.reward);
    costsGbp.push(s.info["costGbp"] as number);
    obs = s.observation;
    info = s.info;
    done = s.terminated;
  }
  return { rewards, costsGbp, costGbp: env.kpis().costGbp };
}

describe("energy-hub contract LP, mpc and oracle", function () {
  this.timeout(60_000);
  let solver: Solver;
  before(async () => {
    solver = await createSolver({ backend: "highs" });
  });

  it("the day LP over the 48 true half hours is the sum of the 48 one-step LPs (nothing couples the half hours)", () => {
    const env = hubEnv();
    env.reset({ seed: 1000 });
    const h = env.config.controlledHub;
    const T = env.episodeSteps;
    const steps = Array.from({ length: T }, (_, t) => env.system.stepOf(h, t));
    const contracts = Array.from({ length: T }, (_, t) => env.system.contractOf(h, t));
    const terms = hubContractTerms(env, "test");
    const day = solveHubDayLp(solver, env.system.hub, steps, contracts, "cost", terms);
    let sum = 0;
    for (let t = 0; t < T; t++) {
      const one = solveHubDayLp(solver, env.system.hub, [steps[t]!], [contracts[t]!], "cost", terms);
      sum += one.objective;
      for (let k = 0; k < 2; k++) assert.ok(Math.abs(one.dispatches[0]!.imbalanceKw[k]! - day.dispatches[t]!.imbalanceKw[k]!) < 1e-6, `step ${t} carrier ${k}`);
    }
    assert.ok(Math.abs(day.objective - sum) < 1e-6 * Math.max(1, Math.abs(sum)), `day ${day.objective} vs steps ${sum}`);
    assert.ok(day.objective > 0, "the default contracts deviate, so balancing costs something");
  });

  it("a half hour's outcome does not depend on earlier actions: the oracle's episode pays, each half hour, what its chosen candidate paid in the copy", () => {
    const env = hubEnv({ response: "method3" });
    const oracle = new HubOraclePolicy(env, solver, 1001);
    const runs = oracle.candidateRuns();
    const ep = episode(env, oracle, 1001);
    const chosen = oracle.chosen;
    assert.ok(new Set(chosen).size >= 2, `the oracle mixes candidates (${[...new Set(chosen)].join(", ")})`);
    ep.rewards.forEach((r, t) => {
      const run = runs.find((x) => x.name === chosen[t])!;
      assert.equal(r, run.rewards[t], `step ${t} (${chosen[t]})`);
      assert.equal(ep.costsGbp[t], run.costsGbp[t], `step ${t} (${chosen[t]})`);
      for (const x of runs) assert.ok(r >= x.rewards[t]!, `step ${t}: ${x.name} did better`);
    });
  });

  const CONFIGS: EnergyHubConfigInput[] = [{}, { response: "method3" }, { deviation: { magnitude: "large", direction: "positive" } }];
  for (const config of CONFIGS) {
    it(`the oracle never costs more than lp or myopic, seeds 1000-1002 (${JSON.stringify(config)})`, () => {
      for (const seed of [1000, 1001, 1002]) {
        const oracle = episode(hubEnv(config), new HubOraclePolicy(hubEnv(config), solver, seed), seed);
        const lp = episode(hubEnv(config), new HubLpPolicy(solver), seed);
        const myopic = episode(hubEnv(config), new HubMyopicPolicy(), seed);
        const tol = 1e-9 * oracle.costGbp;
        assert.ok(oracle.costGbp <= lp.costGbp + tol, `seed ${seed}: oracle ${oracle.costGbp} > lp ${lp.costGbp}`);
        assert.ok(oracle.costGbp <= myopic.costGbp + tol, `seed ${seed}: oracle ${oracle.costGbp} > myopic ${myopic.costGbp}`);
      }
    });
  }

  it("mpc (the day LP rolled over the rest of the day) plays the one-step contract LP, and beats lp on the default scenario", () => {
    for (const seed of [1000, 1001]) {
      const mpc = new HubContractLpPolicy(hubEnv(), solver, "day");
      const rolled = episode(hubEnv(), mpc, seed);
      const one = episode(hubEnv(), new HubContractLpPolicy(hubEnv(), solver, 1), seed);
      const lp = episode(hubEnv(), new HubLpPolicy(solver), seed);
      assert.equal(mpc.plans, 48);
      assert.ok(Math.abs(rolled.costGbp - one.costGbp) < 1e-9 * one.costGbp, `seed ${seed}: mpc ${rolled.costGbp} vs one-step ${one.costGbp}`);
      assert.ok(rolled.costGbp < lp.costGbp, `seed ${seed}: mpc ${rolled.costGbp} vs lp ${lp.costGbp}`);
    }
  });

  it("on EnergyHubParallel-v0 each hub's oracle is the one-step contract LP and runs", () => {
    const env = makeParallel("EnergyHubParallel-v0", {});
    const policies = Object.fromEntries(env.possibleAgents.map((a) => [a, new HubOraclePolicy(env, solver, 3)]));
    const r0 = env.reset({ seed: 3 });
    for (const a of env.possibleAgents) policies[a]!.reset(r0.infos[a]!);
    const actions = Object.fromEntries(env.possibleAgents.map((a) => [a, [...policies[a]!.act(r0.observations[a] as Float32Array, r0.infos[a]!), 4, 0]]));
    const s = env.step(actions);
    for (const a of env.possibleAgents) assert.ok(Number.isFinite(s.rewards[a]), a);
    env.close();
  });

  it("refuses what it cannot plan, naming the field: a replay on another episode, another env, bad LP input", () => {
    const oracle = new HubOraclePolicy(hubEnv(), solver, 1000);
    const env = hubEnv();
    assert.throws(() => oracle.reset(env.reset({ seed: 1001 }).info), (e: unknown) => e instanceof ConfigError && /episode/.test(e.message) && /seed 1000/.test(e.message));
    assert.throws(() => hubContractTerms({ config: {} }, "mpc"), (e: unknown) => e instanceof ConfigError && /mpc policy/.test(e.message) && /energy-hub env/.test(e.message));
    env.reset({ seed: 0 });
    const step = env.system.stepOf(0, 0);
    const terms = hubContractTerms(env, "test");
    assert.throws(() => buildHubDayLp(env.system.hub, [step, step], [[1, 2]], "cost", terms), (e: unknown) => e instanceof ConfigError && /contractsKw/.test(e.message) && /length 2/.test(e.message));
    assert.throws(() => buildHubDayLp(env.system.hub, [step], [[1, Number.NaN]], "cost", terms), (e: unknown) => e instanceof ConfigError && /contractsKw\[0\]\[1\]/.test(e.message));
  });
});
