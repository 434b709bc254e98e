import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "../../envs/index.js";
import { loadArrays, type NamedArray } from "../../agents/io.js";
import type { Learner, UpdateStats, VectorTransition } from "../../agents/learner.js";
import { ConfigError } from "../../src/core/errors.js";
import { evaluateModel } from "../../training/evaluate-model.js";
import { IndependentLearners, type AgentLearner } from "../../training/independent.js";
import { loadModel, train, type TrainOptions } from "../../training/train.js";
import { registerAgentIdentityEnv } from "../fixtures/agent-identity-env.js";

registerAgentIdentityEnv();

const CLI = join(import.meta.dirname, "..", "..", "training", "cli.ts");

/** A learner that records what it is given and acts with `base + copy index` on each of its `size` action numbers. */
class RecordingLearner implements Learner<Float32Array> {
  readonly algo = "ppo" as const;
  readonly name = "recording";
  readonly config = {};
  readonly progress = { steps: 0, updates: 0 };
  readonly actionSize: number;
  explored: Float32Array[] = [];
  observed: VectorTransition[] = [];
  restored: { state: Record<string, unknown>; names: string[] } | null = null;
  constructor(readonly numEnvs: number, readonly obsSize: number, size: number, readonly base: number) {
    this.actionSize = size;
  }
  act(observation: Float32Array): Float32Array {
    return new Float32Array(this.actionSize).fill(this.base + observation[0]!);
  }
  explore(observations: Float32Array, out: Float64Array): void {
    this.explored.push(observations.slice());
    for (let c = 0; c < this.numEnvs; c++) out.fill(this.base + c / 10, c * this.actionSize, (c + 1) * this.actionSize);
  }
  observe(t: VectorTransition): UpdateStats | null {
    this.observed.push({ nextObservations: t.nextObservations.slice(), finalObservations: t.finalObservations.slice(), rewards: Array.from(t.rewards), terminations: Array.from(t.terminations), truncations: Array.from(t.truncations) });
    this.progress.steps += this.numEnvs;
    return { loss: this.base };
  }
  exploration(): undefined {
    return undefined;
  }
  async snapshot(): Promise<{ state: Record<string, unknown>; arrays: NamedArray[] }> {
    return { state: { progress: { ...this.progress }, base: this.base }, arrays: [{ name: "w", shape: [1], data: new Float32Array([this.base]) }] };
  }
  async restore(state: Record<string, unknown>, arrays: Map<string, NamedArray>): Promise<void> {
    this.restored = { state, names: [...arrays.keys()] };
  }
  weights(): Float32Array[] {
    return [new Float32Array([this.base])];
  }
  dispose(): void {}
}

/** Two agents over 2 copies: "a" sees 1 number and moves action element 1 of 2; "b" sees 2 and moves both. Slots: 2 padded obs + 2 id = 4 floats, 2 actions. */
function recordingPair(): { learners: IndependentLearners; a: RecordingLearner; b: RecordingLearner } {
  const a = new RecordingLearner(2, 1, 1, 1);
  const b = new RecordingLearner(2, 2, 2, 5);
  const copy = (x: ArrayLike<number>, out: Float64Array) => { for (let i = 0; i < out.length; i++) out[i] = x[i]!; };
  const agents: AgentLearner[] = [
    { agent: "a", learner: a, observationSize: 1, moving: [1], toShared: copy },
    { agent: "b", learner: b, observationSize: 2, moving: [0, 1], toShared: copy },
  ];
  return { learners: new IndependentLearners(agents, { agents: ["a", "b"], observationSize: 4, actionSize: 2 }, 2), a, b };
}

/** A short independent PPO run on EnergyHubParallel-v0 (2 hubs, one day a episode), 2 copies. */
function hubRun(seed: number, steps: number, outDir?: string): TrainOptions {
  return {
    envId: "EnergyHubParallel-v0", envConfig: { rewardBaseline: "myopic" }, algo: "ppo", seed, steps, numEnvs: 2,
    evalSeeds: [2000], evalEvery: 0, sharing: { mode: "independent" },
    hyperparameters: { gamma: 0, initLogStd: -1, learningRate: 1e-3, nSteps: 64, numMinibatches: 4, hiddenSizes: [32] },
    ...(outDir === undefined ? {} : { outDir }),
  };
}

function agentArrays(dir: string, agent: string): Float32Array[] {
  const { arrays } = loadArrays(dir);
  return [...arrays.values()].filter((x) => x.name.startsWith(`${agent}/actor/`) || x.name.startsWith(`${agent}/critic/`)).map((x) => x.data);
}

function same(x: Float32Array[], y: Float32Array[]): boolean {
  return x.length === y.length && x.every((w, i) => w.length === y[i]!.length && w.every((v, j) => v === y[i]![j]));
}

describe("independent learners (one network per agent)", () => {
  it("feed each agent's learner only its own slots' observations, rewards and flags, and place its actions on its moving elements", async () => {
    const { learners, a, b } = recordingPair();
    assert.equal(learners.numEnvs, 4);
    // slots copy-major: copy 0 a, copy 0 b, copy 1 a, copy 1 b; each 2 padded obs then a one-hot id
    const obs = new Float32Array([10, 0, 1, 0, 20, 21, 0, 1, 11, 0, 1, 0, 30, 31, 0, 1]);
    const out = new Float64Array(8).fill(9);
    learners.explore(obs, out);
    assert.deepEqual(Array.from(a.explored[0]!), [10, 11]);
    assert.deepEqual(Array.from(b.explored[0]!), [20, 21, 30, 31]);
    // a moves element 1 only (element 0 left at 0); b both
    assert.deepEqual(Array.from(out).map((x) => Math.round(x * 10) / 10), [0, 1, 5, 5, 0, 1.1, 5.1, 5.1]);
    const next = obs.map((x) => x + 100);
    const stats = learners.observe({ nextObservations: next, finalObservations: obs, rewards: [1, 2, 3, 4], terminations: [0, 0, 1, 1], truncations: [1, 1, 0, 0] });
    assert.deepEqual(a.observed[0]!.rewards, [1, 3]);
    assert.deepEqual(b.observed[0]!.rewards, [2, 4]);
    assert.deepEqual(Array.from(a.observed[0]!.terminations), [0, 1]);
    assert.deepEqual(Array.from(b.observed[0]!.truncations), [1, 0]);
    assert.deepEqual(Array.from(a.observed[0]!.nextObservations), [110, 111]);
    assert.deepEqual(Array.from(b.observed[0]!.finalObservations), [20, 21, 30, 31]);
    assert.equal(stats!.loss, 3);
    assert.deepEqual(learners.progress, { steps: 4, updates: 0 });
    // evaluation: the one-hot id picks the network, which sees its own observation only
    assert.deepEqual(Array.from(learners.act(new Float32Array([0.5, 7, 0, 1]))), [5.5, 5.5]);
    assert.deepEqual(Array.from(learners.act(new Float32Array([0.25, 0, 1, 0]))), [0, 1.25]);
    assert.throws(() => learners.act(new Float32Array([0, 0, 0, 0])), ConfigError);
  });

  it("save each learner under its agent's name and restore each from its own arrays", async () => {
    const { learners } = recordingPair();
    const snap = await learners.snapshot();
    assert.deepEqual(snap.arrays.map((x) => x.name), ["a/w", "b/w"]);
    const { learners: other, a, b } = recordingPair();
    await other.restore(snap.state, new Map(snap.arrays.map((x) => [x.name, x])));
    assert.deepEqual(a.restored!.names, ["w"]);
    assert.equal(a.restored!.state["base"], 1);
    assert.equal(b.restored!.state["base"], 5);
    await assert.rejects(other.restore({ agents: { a: {} } }, new Map()), (e: unknown) => e instanceof ConfigError && /learner\.agents\.b/.test(e.message));
  });

  it("refuse learners that do not match the slot layout", () => {
    const a = new RecordingLearner(2, 1, 1, 1);
    const copy = () => {};
    assert.throws(() => new IndependentLearners([{ agent: "a", learner: a, observationSize: 1, moving: [0], toShared: copy }], { agents: ["a", "b"], observationSize: 4, actionSize: 2 }, 2),
      (e: unknown) => e instanceof ConfigError && /one learner per agent, in order: a, b/.test(e.message));
    assert.throws(() => new IndependentLearners([{ agent: "a", learner: a, observationSize: 1, moving: [0], toShared: copy }], { agents: ["a"], observationSize: 2, actionSize: 1 }, 3),
      (e: unknown) => e instanceof ConfigError && /agents\.a\.numEnvs/.test(e.message));
  });

  it("ppo learns every agent's own target with networks that never see an agent id", async function () {
    this.timeout(120_000);
    // AgentIdentity-v0: three agents with their own targets and observations of pure noise; only
    // separate networks (no id in their input) can reach each target
    const r = await train({ envId: "AgentIdentity-v0", algo: "ppo", seed: 1, steps: 24_000, numEnvs: 4, evalSeeds: [1000, 1001], evalEvery: 0, sharing: { mode: "independent" },
      hyperparameters: { nSteps: 64, numMinibatches: 4, hiddenSizes: [32], rewardScale: 1, learningRate: 3e-3 } });
    // 3 agents x 8 steps: 24 at the targets; a random policy scores about 13-15
    assert.ok(r.kpis["return"]! > 21, `return ${r.kpis["return"]}`);
    // one network for all without an id in its input cannot tell the agents apart (about 20)
    const blind = await train({ envId: "AgentIdentity-v0", algo: "ppo", seed: 1, steps: 24_000, numEnvs: 4, evalSeeds: [1000, 1001], evalEvery: 0, sharing: { agentFeatures: "none" },
      hyperparameters: { nSteps: 64, numMinibatches: 4, hiddenSizes: [32], rewardScale: 1, learningRate: 3e-3 } });
    assert.ok(blind.kpis["return"]! < r.kpis["return"]! - 1, `shared without id ${blind.kpis["return"]}, independent ${r.kpis["return"]}`);
  });

  it("on EnergyHubParallel-v0: each hub trains its own network, the model saves, loads and scores through the evaluate path, and the same seed gives the same run", async function () {
    this.timeout(300_000);
    const root = mkdtempSync(join(tmpdir(), "gridgym-indep-"));
    const untrained = await train(hubRun(3, 2, join(root, "untrained")));
    const first = await train(hubRun(3, 3_000, join(root, "first")));
    const again = await train(hubRun(3, 3_000, join(root, "again")));
    const other = await train(hubRun(4, 3_000, join(root, "other")));
    const [hub0, hub1] = [agentArrays(join(root, "first"), "hub0"), agentArrays(join(root, "first"), "hub1")];
    assert.ok(hub0.length > 0 && hub0.length === hub1.length);
    assert.ok(!same(hub0, hub1), "the hubs' networks are the same");
    // both networks moved from their initial weights (same seed, no update before 64 steps)
    assert.ok(!same(hub0, agentArrays(join(root, "untrained"), "hub0")), "hub0 did not train");
    assert.ok(!same(hub1, agentArrays(join(root, "untrained"), "hub1")), "hub1 did not train");
    // steps count agent steps: 2 copies x 2 hubs in one vector step
    assert.equal(untrained.steps, 4);
    // same seed: the same weights and the same evaluation; another seed: other weights
    assert.ok(same(hub0, agentArrays(join(root, "again"), "hub0")) && same(hub1, agentArrays(join(root, "again"), "hub1")));
    assert.deepEqual(again.kpis, first.kpis);
    assert.ok(!same(hub0, agentArrays(join(root, "other"), "hub0")));
    assert.notDeepEqual(other.kpis, first.kpis);
    // loaded: one learner per hub, acting through the joint policy; scored like the training's final evaluation
    const scored = await evaluateModel(join(root, "first"), { rewardBaseline: "myopic" }, [2000]);
    assert.equal(scored.result.summary["return"]!.mean, first.kpis["return"]);
    assert.equal(scored.result.summary["costGbp"]!.mean, first.kpis["costGbp"]);
    const model = await loadModel(join(root, "first"));
    assert.ok(model.joint !== undefined);
    // resume: the hubs' learners continue from the saved step counter
    const resumed = await train({ ...hubRun(3, 1_000, join(root, "resumed")), resumeFrom: join(root, "first") });
    assert.equal(resumed.steps, first.steps + 1_000);
    assert.ok(!same(hub0, agentArrays(join(root, "resumed"), "hub0")));
  });

  it("dqn on Community-v0 gives each household its own action grid (1 element without a battery, 2 with one)", async function () {
    this.timeout(180_000);
    const dir = join(mkdtempSync(join(tmpdir(), "gridgym-indep-")), "model");
    const config = { community: { households: 4 }, days: 1 };
    const r = await train({ envId: "Community-v0", envConfig: config, algo: "dqn", seed: 1, steps: 1_500, numEnvs: 1, evalSeeds: [2000], evalEvery: 0, outDir: dir, sharing: { mode: "independent" },
      hyperparameters: { learningStarts: 200, hiddenSizes: [16] } });
    const meta = loadArrays(dir).meta as unknown as { independent: { agents: { agent: string; moving: number[]; actionSpace: { n: number } }[] } };
    const agents = meta.independent.agents;
    assert.equal(agents.length, 4);
    assert.deepEqual(agents.map((a) => a.moving.length), [1, 1, 1, 2], "household-3 has the battery");
    for (const a of agents) {
      // element 3 (peer-to-peer) always moves; element 0 (battery) where the household has one
      assert.ok(a.moving.includes(3), JSON.stringify(a));
      assert.equal(a.actionSpace.n, a.moving.length === 1 ? 11 : 11 ** 2, JSON.stringify(a));
    }
    const scored = await evaluateModel(dir, config, [2000]);
    assert.equal(scored.result.summary["return"]!.mean, r.kpis["return"]);
  });

  it("shared dqn on Community-v0 gets a level grid over the elements some household moves: 5 levels are 25 actions, not 5^4", async function () {
    this.timeout(120_000);
    const dir = join(mkdtempSync(join(tmpdir(), "gridgym-shared-grid-")), "model");
    const config = { community: { households: 4 }, days: 1 };
    const r = await train({ envId: "Community-v0", envConfig: config, algo: "dqn", seed: 1, steps: 800, numEnvs: 1, evalSeeds: [2000], evalEvery: 0, outDir: dir,
      hyperparameters: { actionLevels: 5, learningStarts: 200, hiddenSizes: [16] } });
    const meta = loadArrays(dir).meta as unknown as { actionSpace: { n: number }; actionMap: { levels: number[][] } };
    assert.equal(meta.actionSpace.n, 25);
    // battery (0) and peer-to-peer (3) move; the EV (1) and flexible load (2) stay the rule's
    assert.deepEqual(meta.actionMap.levels.map((l) => l.length), [5, 1, 1, 5]);
    const scored = await evaluateModel(dir, config, [2000]);
    assert.equal(scored.result.summary["return"]!.mean, r.kpis["return"]);
  });

  it("refuse independent learners on a single-agent env, and other agent features", async () => {
    await assert.rejects(train({ envId: "CommunityBattery-v0", algo: "ppo", seed: 0, steps: 10, sharing: { mode: "independent" } }),
      (e: unknown) => e instanceof ConfigError && /sharing\.mode/.test(e.message));
    await assert.rejects(train({ envId: "AgentIdentity-v0", algo: "ppo", seed: 0, steps: 10, sharing: { mode: "independent", agentFeatures: "action-flags" } }),
      (e: unknown) => e instanceof ConfigError && /sharing\.agentFeatures/.test(e.message));
  });

  it("gridgym train --independent saves a model that gridgym evaluate --model scores", function () {
    this.timeout(240_000);
    const dir = mkdtempSync(join(tmpdir(), "gridgym-indep-cli-"));
    const hyper = join(dir, "hyper.json");
    writeFileSync(hyper, JSON.stringify({ nSteps: 32, hiddenSizes: [16] }));
    const out = join(dir, "model");
    const run = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", CLI, ...args], { encoding: "utf8", timeout: 200_000 });
    const t = run("train", "--env", "EnergyHubParallel-v0", "--algo", "ppo", "--independent", "--steps", "400", "--num-envs", "2", "--hyperparameters", hyper, "--out", out, "--json");
    assert.equal(t.status, 0, t.stderr);
    const trained = JSON.parse(t.stdout) as { train: { multiAgent: string }; evaluation: { kpis: Record<string, number> } };
    assert.equal(trained.train.multiAgent, "independent");
    const e = run("evaluate", "--model", out, "--seed", "1000", "--episodes", "5", "--json");
    assert.equal(e.status, 0, e.stderr);
    const scored = JSON.parse(e.stdout) as { env: string; kpis: Record<string, number> };
    assert.equal(scored.env, "EnergyHubParallel-v0");
    // train ends with the same held-out seeds 1000-1004
    assert.equal(scored.kpis["costGbp"], trained.evaluation.kpis["costGbp"]);
    const bad = run("train", "--env", "CommunityBattery-v0", "--algo", "ppo", "--independent", "--steps", "10", "--out", join(dir, "bad"));
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /sharing\.mode/);
  });

  it("gridgym benchmark --multi-agent both,central-critic trains shared, independent and centralised-critic learners side by side and pairs them with the baselines", function () {
    this.timeout(240_000);
    const out = mkdtempSync(join(tmpdir(), "gridgym-indep-bench-"));
    const run = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", CLI, ...args], { encoding: "utf8", timeout: 200_000 });
    const b = run("benchmark", "--env", "EnergyHubParallel-v0", "--algos", "ppo", "--multi-agent", "both,central-critic", "--steps", "400", "--baselines", "myopic", "--seeds", "2", "--out", out, "--json");
    assert.equal(b.status, 0, b.stderr);
    const summary = JSON.parse(b.stdout) as { results: { policy: string }[]; paired: { rows: { policy: string }[] }; training: { policy: string; modelDir: string }[] };
    assert.deepEqual(summary.results.map((r) => r.policy), ["ppo", "ppo-independent", "ppo-central-critic", "myopic"]);
    assert.deepEqual(summary.paired.rows.map((r) => r.policy), ["ppo", "ppo-independent", "ppo-central-critic", "myopic"]);
    assert.deepEqual(summary.training.map((t) => t.policy), ["ppo", "ppo-independent", "ppo-central-critic"]);
    // the centralised critic's model: one shared network whose observation carries the team block
    const cc = loadArrays(summary.training[2]!.modelDir).meta as unknown as { sharing: { mode?: string; criticState?: string } };
    assert.equal(cc.sharing.criticState, "team");
    assert.equal(cc.sharing.mode, undefined);
    // the independent row's model is one learner per hub
    const meta = loadArrays(summary.training[1]!.modelDir).meta as unknown as { sharing: { mode?: string }; independent?: { agents: { agent: string }[] } };
    assert.equal(meta.sharing.mode, "independent");
    assert.deepEqual(meta.independent!.agents.map((a) => a.agent), ["hub0", "hub1"]);
    const shared = loadArrays(summary.training[0]!.modelDir).meta as unknown as { sharing: { mode?: string }; independent?: unknown };
    assert.equal(shared.sharing.mode, undefined);
    assert.equal(shared.independent, undefined);
    const bad = run("benchmark", "--env", "CommunityBattery-v0", "--algos", "ppo", "--multi-agent", "independent", "--steps", "10", "--seeds", "1", "--out", join(out, "bad"));
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--multi-agent/);
  });
});
