import { strict as assert } from "node:assert";
import "../../envs/index.js";
import { CommunityEnv, HOUSEHOLD_OBSERVATION_INDEX, type CommunityEnvConfigInput } from "../../envs/community/index.js";
import { makeParallel } from "../../src/core/registry.js";
import { Rng } from "../../src/core/rng.js";

const RICH_MIX = { batteryShare: 0.6, evShare: 0.6, v2gShare: 0.5, flexShare: 0.6 };
const HO = HOUSEHOLD_OBSERVATION_INDEX;

function makeEnv(config: CommunityEnvConfigInput): CommunityEnv {
  return makeParallel("Community-v0", config) as unknown as CommunityEnv;
}

/** One episode from `seed` with random actions drawn from `seed`: every step's rewards, the trajectory and the totals. */
function episode(env: CommunityEnv, seed: number): unknown[] {
  const rng = new Rng(seed, "test-actions");
  env.reset({ seed });
  const out: unknown[] = [];
  while (env.agents.length > 0) {
    const actions: Record<string, Float32Array> = {};
    for (const a of env.agents) actions[a] = env.actionSpace(a).sample(rng);
    out.push(env.step(actions).rewards);
  }
  const columns = env.trajectory().columns as Record<string, Float64Array>;
  out.push(Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, Array.from(v)])));
  const totals = env.householdTotals();
  out.push(Array.from(totals.costEur), Array.from(totals.referenceCostEur));
  return out;
}

describe("Community-v0 state across steps and episodes", () => {
  it("returns fresh observations every step: the previous step's keep their values", () => {
    const env = makeEnv({ days: 1, community: { households: 6, mix: RICH_MIX } });
    const rng = new Rng(3, "actions");
    let prev = env.reset({ seed: 3 }).observations;
    while (env.agents.length > 0) {
      const kept = Object.fromEntries(Object.entries(prev).map(([a, o]) => [a, o.slice()]));
      const actions: Record<string, Float32Array> = {};
      for (const a of env.agents) actions[a] = env.actionSpace(a).sample(rng);
      const next = env.step(actions).observations;
      for (const a of Object.keys(prev)) {
        assert.deepEqual(prev[a], kept[a], `${a}'s observation changed after the next step`);
        assert.notEqual(next[a]!.buffer, prev[a]!.buffer);
      }
      prev = next;
    }
  });

  it("observeHousehold writes what step returned, and load and PV follow the series across days", () => {
    const env = makeEnv({ days: 3, community: { households: 5, mix: RICH_MIX }, lvFeeder: { feeders: 2 } });
    const rng = new Rng(4, "actions");
    env.reset({ seed: 4 });
    const profiles = env.plannerState().profiles;
    while (env.agents.length > 0) {
      const actions: Record<string, Float32Array> = {};
      for (const a of env.agents) actions[a] = env.actionSpace(a).sample(rng);
      const r = env.step(actions);
      const t = Math.min(env.t, env.episodeSteps - 1);
      for (let i = 0; i < env.n; i++) {
        const obs = r.observations[`household-${i}`]!;
        assert.deepEqual(env.observeHousehold(i, new Float32Array(HO.size).fill(NaN)), obs);
        assert.equal(obs[HO.loadKw], Math.fround(profiles.loadKw[i]![t]!));
        assert.equal(obs[HO.pvKw], Math.fround(profiles.pvKw[i]![t]!));
      }
    }
  });

  it("an episode does not depend on the episodes before it, from the same start day or another", () => {
    for (const startDay of [150, "random"] as const) {
      const config: CommunityEnvConfigInput = { days: 2, startDay, community: { households: 8, mix: RICH_MIX }, communityBatteryAgent: true };
      const reused = makeEnv(config);
      const first = episode(reused, 1);
      episode(reused, 2);
      assert.deepEqual(episode(reused, 1), first);
      assert.deepEqual(episode(makeEnv(config), 1), first);
    }
  });
});
