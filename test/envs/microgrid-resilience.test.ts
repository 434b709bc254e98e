import { strict as assert } from "node:assert";
import "../../envs/microgrid/index.js";
import { MicrogridEnv } from "../../envs/microgrid/index.js";
import { MicrogridMyopicPolicy } from "../../baselines/microgrid/myopic.js";
import { ConfigError } from "../../src/core/errors.js";
import { make } from "../../src/core/registry.js";

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

  it("Microgrid-v0 has no random outages by default", () => {
    const env = makeEnv("Microgrid-v0");
    assert.equal(env.config.outages.hazardPerHour, 0);
    assert.ok(myopicEpisode(env, 3).gridKw.every((g) => g === 100));
  });
});
