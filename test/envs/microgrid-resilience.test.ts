import { strict as assert } from "node:assert";
import "../../envs/microgrid/index.js";
import { MicrogridEnv } from "../../envs/microgrid/index.js";
import { MicrogridMyopicPolicy } from "../../baselines/microgrid/myopic.js";
import { ConfigError } from "../../src/core/errors.js";
import { make } from "../../src/core/registry.js";
import { createSolver } from "../../src/solvers/index.js";
import { MicrogridOraclePolicy } from "../../baselines/microgrid/oracle.js";
import { runEpisode } from "../../training/evaluate.js";

const ID = "MicrogridResilience-v0";

function makeEnv(id: string, config: object = {}): MicrogridEnv {
  return make(id, config).unwrapped as unknown as MicrogridEnv;
}

function myopicEpisode(env: MicrogridEnv, seed: number): { rewards: number[]; gridKw: number[] } {
  const first = env.reset({ seed });
  const policy = new MicrogridMyopicPolicy();
  policy.reset(first.info);
  let obs = first.observation;
  let info = first.info;
  const rewards: number[] = [];
  const gridKw: number[] = [];
  for (;;) {
    const r = env.step(policy.act(obs, info));
    info = r.info;
    rewards.push(r.reward);
    gridKw.push(r.info["gridAvailableKw"] as number);
    obs = r.observation;
    if (r.terminated) break;
  }
  return { rewards, gridKw };
}

describe("MicrogridResilience-v0", () => {
  it("is Microgrid-v0 with a TOU tariff, random outages after activation and priced lost load", () => {
    const env = makeEnv(ID);
    assert.equal(env.id, ID);
    assert.equal(env.config.grid.tariff.kind, "tou");
    assert.equal(env.config.reward.valueOfLostLoadPerKwh, 50);
    assert.equal(env.config.outages.hazardPerHour, 0.02);
    const { gridKw } = myopicEpisode(env, 3);
    assert.ok(gridKw.slice(0, 168).every((g) => g === 100), "no outage before fromTick");
    assert.ok(gridKw.slice(168).some((g) => g === 0), "some outage in the second week at seed 3");
  });

  it("draws the same outages for the same seed and different ones for other seeds", () => {
    const a = myopicEpisode(makeEnv(ID), 5).gridKw;
    const b = myopicEpisode(makeEnv(ID), 5).gridKw;
    assert.deepEqual(a, b);
    const patterns = new Set([5, 6, 7, 8].map((s) => myopicEpisode(makeEnv(ID), s).gridKw.join(",")));
    assert.ok(patterns.size > 1);
  });

  it("leaves weather and load as without outages (own sub-stream)", () => {
    const env = makeEnv(ID);
    myopicEpisode(env, 11);
    const ref = makeEnv(ID, { outages: { hazardPerHour: 0 } });
    myopicEpisode(ref, 11);
    assert.deepEqual(env.trajectory().column("loadKw"), ref.trajectory().column("loadKw"));
    assert.deepEqual(env.trajectory().column("pvKw"), ref.trajectory().column("pvKw"));
  });

  it("rewards -(import cost + VoLL x unserved + cycling) and reports unserved energy and total cost", () => {
    const env = makeEnv(ID, { outages: { hazardPerHour: 0.2 } });
    const { rewards } = myopicEpisode(env, 2);
    const tr = env.trajectory();
    const imp = tr.column("importCost"), uns = tr.column("unservedKw"), ch = tr.column("chargeKw"), dis = tr.column("dischargeKw");
    for (let t = 0; t < rewards.length; t++) {
      const expected = -(imp[t]! + 50 * uns[t]! + 0.01 * (ch[t]! + dis[t]!));
      assert.ok(Math.abs(rewards[t]! - expected) < 1e-9, `tick ${t}`);
    }
    const k = env.kpis();
    assert.ok(k.unservedKwh > 0, "a 20 % hazard leaves some load unserved");
    assert.ok(Math.abs(k.totalCost! - (k.importCost + 50 * k.unservedKwh)) < 1e-6);
  });

  it("keeps every Microgrid-v0 option (action balance, rewardBaseline idle) and its overrides", () => {
    const env = makeEnv(ID, { action: "balance", rewardBaseline: "idle", grid: { tariff: { kind: "flat" } }, reward: { valueOfLostLoadPerKwh: 7 } });
    assert.equal(env.actionSpace.shape[0], 2);
    assert.equal(env.config.grid.tariff.kind, "flat");
    assert.equal(env.config.reward.valueOfLostLoadPerKwh, 7);
    assert.equal(env.config.outages.fromTick, 168);
    env.reset({ seed: 0 });
    env.step(new Float32Array([1, 0]));
  });

  it("rejects an outage length range that is empty, naming the field", () => {
    assert.throws(() => makeEnv(ID, { outages: { minLengthTicks: 5, maxLengthTicks: 2 } }),
      (e: unknown) => e instanceof ConfigError && /outages\.maxLengthTicks/.test(e.message));
  });

  it("the oracle knows the outages: foresight's grid availability is 0 in exactly the outage ticks, and the oracle leaves less load unserved than myopic", async function () {
    this.timeout(30_000);
    // four days, outages from day 2 at 5 % per hour: several per episode
    const config = { episodeTicks: 96, activationTick: 24, outages: { fromTick: 24, hazardPerHour: 0.05 } };
    const solver = await createSolver({ backend: "auto" });
    let myopicUnserved = 0, oracleUnserved = 0, outageTicks = 0;
    for (const seed of [0, 1, 2, 3]) {
      const myopicEnv = makeEnv(ID, config);
      const gridKw = myopicEpisode(myopicEnv, seed).gridKw;
      myopicUnserved += myopicEnv.kpis().unservedKwh;
      const env = make(ID, config);
      const oracle = new MicrogridOraclePolicy(env, solver);
      const ep = runEpisode(env, oracle, seed);
      const inner = env.unwrapped as unknown as MicrogridEnv;
      // foresight after the episode's reset: the outages drawn for it, tick by tick
      const seen = inner.foresight().gridAvailableKw;
      for (let t = 0; t < gridKw.length; t++) {
        assert.equal(seen[t], gridKw[t], `seed ${seed} tick ${t}: foresight ${seen[t]} kW, the env's grid ${gridKw[t]} kW`);
        if (gridKw[t] === 0) {
          outageTicks++;
          assert.equal(ep.trajectory!.column("importKw")[t], 0, `seed ${seed} tick ${t}: no import in an outage`);
        }
      }
      oracleUnserved += ep.kpis["unservedKwh"]!;
      // the oracle's own plan saw every outage: it plans no import where the grid is out
      const plan = oracle.plan!.scenarios[0]!;
      for (let t = 0; t < gridKw.length; t++) if (gridKw[t] === 0) assert.ok(Math.abs(plan.importKw[t]!) < 1e-6, `seed ${seed} tick ${t}: planned import ${plan.importKw[t]}`);
    }
    assert.ok(outageTicks > 0, "the seeds draw outages");
    assert.ok(myopicUnserved > 0, "myopic leaves load unserved in some outage");
    // charged ahead of each outage it knows of, the oracle leaves (almost) nothing unserved
    assert.ok(oracleUnserved < 0.25 * myopicUnserved, `oracle ${oracleUnserved} kWh vs myopic ${myopicUnserved} kWh unserved`);
  });

  it("Microgrid-v0 has no random outages by default", () => {
    const env = makeEnv("Microgrid-v0");
    assert.equal(env.config.outages.hazardPerHour, 0);
    assert.ok(myopicEpisode(env, 3).gridKw.every((g) => g === 100));
  });
});
