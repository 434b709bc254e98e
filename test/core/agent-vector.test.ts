import { strict as assert } from "node:assert";
import "../../envs/index.js";
import { AgentSharing, AgentVectorEnv, sharedJointPolicy } from "../../src/core/agent-vector.js";
import { ConfigError, ResetNeededError } from "../../src/core/errors.js";
import { makeParallel } from "../../src/core/registry.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadModel, train } from "../../training/train.js";
import { evaluateParallel } from "../../training/evaluate-parallel.js";
import { AGENT_TARGETS, AgentIdentityEnv, registerAgentIdentityEnv } from "../fixtures/agent-identity-env.js";

registerAgentIdentityEnv();

describe("AgentSharing", () => {
  it("pads observations, appends a one-hot id, and scales [-1, 1] onto each agent's Box", () => {
    const s = new AgentSharing(new AgentIdentityEnv());
    assert.equal(s.observationSize, 2 + 3);
    assert.equal(s.actionSpace.size, 2);
    const out = new Float32Array(5).fill(9);
    s.writeObservation(0, [0.5], out, 0);
    assert.deepEqual(Array.from(out), [0.5, 0, 1, 0, 0]);
    s.writeObservation(1, [0.25, -0.5], out, 0);
    assert.deepEqual(Array.from(out), [0.25, -0.5, 0, 1, 0]);
    // agent a: [0, 10], x = 0.6 -> 8; beyond [-1, 1] clips to the bound
    assert.deepEqual(Array.from(s.agentAction(0, [0.6, 0], 0)), [8]);
    assert.deepEqual(Array.from(s.agentAction(0, [3, 0], 0)), [10]);
    // agent b: element 1 is an integer choice in [0, 4]: 0.2 -> 2.4 -> 2
    assert.deepEqual(Array.from(s.agentAction(1, [-0.8, 0.2], 0)), [-4, 2]);
    // agent c: element 0 has zero width and stays at its value
    assert.deepEqual(Array.from(s.agentAction(2, [-1, 1], 0)), [2, 1]);
    assert.throws(() => s.writeObservation(0, [1, 2], out, 0), (e: unknown) => e instanceof ConfigError && /observations\.a/.test(e.message));
  });

  it("action-flags features mark the elements each agent can move", () => {
    const s = new AgentSharing(new AgentIdentityEnv(), { agentFeatures: "action-flags" });
    const out = new Float32Array(s.observationSize);
    s.writeObservation(2, [0.1], out, 0);
    assert.deepEqual(Array.from(out.subarray(2)), [0, 1]);
    s.writeObservation(1, [0.1, 0.2], out, 0);
    assert.deepEqual(Array.from(out.subarray(2)), [1, 1]);
  });
});

describe("AgentSharing with a team critic state", () => {
  it("appends every agent's padded observation after the agent's own part, with each agent's bounds", () => {
    const env = new AgentIdentityEnv();
    const s = new AgentSharing(env, { criticState: "team" });
    assert.equal(s.actorObservationSize, 2 + 3);
    assert.equal(s.teamStateSize, 3 * 2);
    assert.equal(s.observationSize, 11);
    const out = new Float32Array(11).fill(9);
    s.writeObservation(1, [0.25, -0.5], out, 0);
    s.writeTeamState({ a: [0.5], b: [0.25, -0.5], c: [0.1] }, out, s.actorObservationSize);
    assert.deepEqual(Array.from(out), [0.25, -0.5, 0, 1, 0, 0.5, 0, 0.25, -0.5, Math.fround(0.1), 0]);
    // an agent without an observation (not live) leaves zeros
    s.writeTeamState({ a: [0.5] }, out, s.actorObservationSize);
    assert.deepEqual(Array.from(out.subarray(5)), [0.5, 0, 0, 0, 0, 0]);
    const team = (v: Float64Array): number[] => Array.from(v.subarray(5));
    const own = (a: string): number[] => { const b = env.observationSpace(a) as { low: Float64Array; high: Float64Array }; return [...b.low, ...(b.low.length === 1 ? [0] : [])]; };
    assert.deepEqual(team(s.observationSpace.low), [...own("a"), ...own("b"), ...own("c")]);
    assert.equal(new AgentSharing(env).teamStateSize, 0);
  });

  it("AgentVectorEnv gives every slot of a copy the same team block: the copy's observations", () => {
    const vec = new AgentVectorEnv([() => new AgentIdentityEnv(3), () => new AgentIdentityEnv(3)], { criticState: "team" });
    const d = vec.observationSize;
    const check = (obs: Float32Array, seed: number | null): void => {
      for (let c = 0; c < 2; c++) {
        const first = Array.from(obs.subarray(c * 3 * d + 5, c * 3 * d + d));
        for (let a = 0; a < 3; a++) {
          const slot = obs.subarray((c * 3 + a) * d, (c * 3 + a + 1) * d);
          assert.deepEqual(Array.from(slot.subarray(5)), first);
          // the agent's own observation sits in the team block at its own stretch
          assert.equal(slot[0], first[a * 2]);
        }
        if (seed !== null) {
          const alone = new AgentIdentityEnv(3).reset({ seed: seed + c }).observations;
          assert.deepEqual(first, [...alone["a"]!, 0, ...alone["b"]!, ...alone["c"]!, 0].map(Math.fround));
        }
      }
    };
    check(vec.reset({ seed: 5 }).observations, 5);
    for (let t = 0; t < 4; t++) check(vec.step(new Float32Array(6 * 2)).observations, null);
    vec.close();
  });
});

describe("AgentVectorEnv", () => {
  it("lays copies x agents into slots, rewards each agent's own action, and autoresets in the same step", () => {
    const vec = new AgentVectorEnv([() => new AgentIdentityEnv(3), () => new AgentIdentityEnv(3)]);
    assert.equal(vec.numEnvs, 6);
    assert.throws(() => vec.step(new Float32Array(12)), ResetNeededError);
    vec.reset({ seed: 5 });
    // every agent at its target: reward 1 each
    const best = new Float32Array(12);
    const targetsInShared: Record<string, number[]> = { a: [0.6, 0], b: [-0.8, 0.5], c: [0, -1] };
    ["a", "b", "c", "a", "b", "c"].forEach((a, i) => best.set(targetsInShared[a]!, i * 2));
    for (let t = 0; t < 3; t++) {
      const r = vec.step(best);
      assert.deepEqual(Array.from(r.rewards).map((x) => Math.round(x * 1e9) / 1e9), [1, 1, 1, 1, 1, 1]);
      const ended = t === 2 ? 1 : 0;
      assert.deepEqual(Array.from(r.truncations), new Array(6).fill(ended));
      if (ended) {
        // the final observation is the ended episode's, the observation the next one's
        assert.notDeepEqual(Array.from(r.finalObservations), Array.from(r.observations));
      }
    }
    const envA = vec.envs[0] as AgentIdentityEnv;
    assert.deepEqual(envA.received["b"], [-4, 3]);
    vec.close();
    vec.close();
  });

  it("resets copy c with seed + c: the same observations as the parallel env seeded alone", () => {
    const vec = new AgentVectorEnv([() => new AgentIdentityEnv(), () => new AgentIdentityEnv()], { agentFeatures: "none" });
    const obs = vec.reset({ seed: 40 }).observations;
    const alone = new AgentIdentityEnv();
    const r = alone.reset({ seed: 41 }).observations;
    // copy 1, agent b is slot 4; 2 floats per slot
    assert.deepEqual(Array.from(obs.subarray(4 * 2, 4 * 2 + 2)), Array.from(r["b"]!));
  });

  it("gives every agent of a copy the mean reward with reward 'mean'", () => {
    const vec = new AgentVectorEnv([() => new AgentIdentityEnv()], { reward: "mean" });
    vec.reset({ seed: 1 });
    const r = vec.step(Float32Array.of(0.6, 0, -1, -1, 0, 0));
    assert.equal(r.rewards[0], r.rewards[1]);
    assert.equal(r.rewards[1], r.rewards[2]);
  });

  it("drives Community-v0's households and EnergyHubParallel-v0's hubs (the hub answer an integer)", () => {
    for (const id of ["Community-v0", "EnergyHubParallel-v0"]) {
      const vec = new AgentVectorEnv([() => makeParallel(id, {})]);
      vec.reset({ seed: 3 });
      const actions = Float32Array.from({ length: vec.numEnvs * vec.actionSize }, (_, i) => Math.sin(i * 1.7));
      for (let t = 0; t < 5; t++) {
        const r = vec.step(actions);
        assert.ok(r.rewards.every(Number.isFinite), id);
      }
      vec.close();
    }
  });

  it("refuses copies whose agents differ", () => {
    assert.throws(() => new AgentVectorEnv([() => makeParallel("Community-v0", {}), () => makeParallel("Community-v0", { householdSeed: 7 })]),
      (e: unknown) => e instanceof ConfigError && /envFns\[1\]/.test(e.message));
  });
});

describe("parameter-shared training", () => {
  it("ppo learns each agent's own target through one network (one-hot ids)", async function () {
    this.timeout(120_000);
    const r = await train({ envId: "AgentIdentity-v0", algo: "ppo", seed: 1, steps: 24_000, numEnvs: 4, evalSeeds: [1000, 1001], evalEvery: 0,
      hyperparameters: { nSteps: 64, numMinibatches: 4, hiddenSizes: [32], rewardScale: 1, learningRate: 3e-3 } });
    // 3 agents x 8 steps: 24 at the targets; a random policy scores about 13-15
    assert.ok(r.kpis["return"]! > 21, `return ${r.kpis["return"]}`);
  });

  it("ppo with a centralised critic learns the targets, and its actor ignores the team block", async function () {
    this.timeout(120_000);
    const dir = join(mkdtempSync(join(tmpdir(), "gridgym-cc-")), "model");
    const r = await train({ envId: "AgentIdentity-v0", algo: "ppo", seed: 1, steps: 24_000, numEnvs: 4, evalSeeds: [1000, 1001], evalEvery: 0, outDir: dir,
      sharing: { criticState: "team" },
      hyperparameters: { nSteps: 64, numMinibatches: 4, hiddenSizes: [32], rewardScale: 1, learningRate: 3e-3 } });
    assert.ok(r.kpis["return"]! > 21, `return ${r.kpis["return"]}`);
    const model = await loadModel(dir);
    // the saved model evaluates through its joint policy as training did
    const ev = evaluateParallel("AgentIdentity-v0", {}, (env) => model.joint!(env), [1000, 1001]);
    assert.equal(ev.summary["return"]!.mean, r.kpis["return"]);
    // after 24k steps of Adam, the actor still reads nothing past the agent's own 5 elements
    const obs = Float32Array.of(0.5, 0, 1, 0, 0, 0.5, 0, 0.25, -0.5, 0.1, 0);
    const before = Array.from(model.policy.act(obs, {}) as Float32Array);
    obs.fill(7, 5);
    assert.deepEqual(Array.from(model.policy.act(obs, {}) as Float32Array), before);
    obs[0] = -0.5;
    assert.notDeepEqual(Array.from(model.policy.act(obs, {}) as Float32Array), before);
  });

  it("refuses a team critic state without a critic or a shared network, naming sharing.criticState", async () => {
    for (const o of [{ algo: "dqn" as const, sharing: { criticState: "team" as const } }, { algo: "ppo" as const, sharing: { criticState: "team" as const, mode: "independent" as const } }]) {
      await assert.rejects(train({ envId: "AgentIdentity-v0", seed: 1, steps: 100, ...o }), (e: unknown) => e instanceof ConfigError && /sharing\.criticState: expected "none" unless a shared PPO or A2C learner/.test(e.message));
    }
    await assert.rejects(train({ envId: "CommunityBattery-v0", algo: "ppo", seed: 1, steps: 100, sharing: { criticState: "team" } }), (e: unknown) => e instanceof ConfigError && /sharing\.criticState/.test(e.message));
  });

  it("a saved shared model acts for every agent through loadModel's joint policy", async function () {
    this.timeout(60_000);
    const dir = join(mkdtempSync(join(tmpdir(), "gridgym-shared-")), "model");
    const r = await train({ envId: "AgentIdentity-v0", algo: "dqn", seed: 2, steps: 2_000, numEnvs: 2, evalSeeds: [1000], outDir: dir, hyperparameters: { learningStarts: 200, actionLevels: 3, hiddenSizes: [16] } });
    const model = await loadModel(dir);
    assert.ok(model.joint !== undefined);
    const ev = evaluateParallel("AgentIdentity-v0", {}, (env) => model.joint!(env), [1000]);
    assert.equal(ev.summary["return"]!.mean, r.kpis["return"]);
    const joint = sharedJointPolicy(model.policy as never, new AgentSharing(new AgentIdentityEnv()));
    const env = new AgentIdentityEnv();
    const { observations, infos } = env.reset({ seed: 1 });
    const acts = joint.act(observations, infos);
    assert.deepEqual(Object.keys(acts).sort(), ["a", "b", "c"]);
    assert.ok(AGENT_TARGETS["a"]!.length === acts["a"]!.length);
  });
});
