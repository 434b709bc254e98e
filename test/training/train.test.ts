import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { z } from "zod";
import { loadArrays } from "../../agents/io.js";
import { list, make, register } from "../../src/core/registry.js";
import { ConfigError } from "../../src/core/errors.js";
import { registerTrainCommand } from "../../training/commands/train.js";
import { evaluate } from "../../training/evaluate.js";
import { loadModel, loadPolicy, modelEnvConfig, train, type TrainOptions } from "../../training/train.js";
import { ToyBatteryEnv } from "../fixtures/toy-battery-env.js";

const TOY_ID = "ToyBattery-v0";
if (!list().some((s) => s.id === TOY_ID)) {
  register({
    kind: "env",
    id: TOY_ID,
    description: "test fixture: one 1 kWh battery at a random hourly price",
    actionKind: "box",
    configSchema: z.strictObject({ episodeSteps: z.number().int().positive().default(24) }),
    create: (c) => new ToyBatteryEnv(c.episodeSteps),
  });
}

const ONE_DAY = { days: 1 };
const TINY: Record<string, object> = {
  dqn: { learningStarts: 100, targetUpdateInterval: 100, hiddenSizes: [32] },
  ppo: { nSteps: 128, numMinibatches: 2, updateEpochs: 2, hiddenSizes: [32] },
  a2c: { nSteps: 8, hiddenSizes: [32] },
};

function tmp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `gridgym-${prefix}-`));
}

function base(algo: "dqn" | "ppo" | "a2c", extra: Partial<TrainOptions> = {}): TrainOptions {
  return { envId: "CommunityBattery-v0", envConfig: ONE_DAY, algo, hyperparameters: TINY[algo], seed: 3, steps: 480, evalSeeds: [1000], evalEvery: 240, ...extra };
}

/** A learning curve without its wall-clock times (which no seed fixes). */
const curve = (r: { learningCurve: { seconds?: number }[] }) => r.learningCurve.map(({ seconds: _s, ...p }) => p);

describe("train", () => {
  for (const algo of ["dqn", "ppo", "a2c"] as const) {
    it(`${algo} trains on CommunityBattery-v0 for a tiny budget and reports curve, KPIs and backend`, async () => {
      const r = await train(base(algo));
      assert.equal(r.steps, 480);
      assert.equal(r.algo, algo);
      assert.ok(["tensorflow", "wasm", "cpu"].includes(r.backend));
      // 24-step episodes: 20 training episodes, one mid-run evaluation and the final one
      assert.equal(r.learningCurve.filter((p) => p.episodeReturn !== undefined).length, 20);
      assert.deepEqual(r.learningCurve.filter((p) => p.evalReturn !== undefined).map((p) => p.step), [240, 480]);
      assert.ok(Number.isFinite(r.kpis["totalCostEur"]));
      assert.ok(Math.abs(r.kpis["totalCostEur"]! + r.kpis["return"]!) < 1e-6);
      assert.ok(r.stepsPerSecond > 0);
    });

    it(`${algo} trains on the toy battery env (no KPI suite: the mean return is the KPI)`, async () => {
      const r = await train({ envId: TOY_ID, algo, hyperparameters: TINY[algo], seed: 1, steps: 240, evalSeeds: [1000, 1001], evalEvery: 0 });
      assert.equal(r.steps, 240);
      assert.deepEqual(Object.keys(r.kpis), ["return"]);
      assert.ok(Number.isFinite(r.kpis["return"]));
      assert.equal(r.learningCurve.filter((p) => p.evalReturn !== undefined).length, 1);
    });
  }

  for (const algo of ["dqn", "ppo"] as const) {
    it(`${algo}: the same seed gives an identical learning curve and identical final weights`, async () => {
      const a = tmp("det-a");
      const b = tmp("det-b");
      const ra = await train(base(algo, { outDir: a }));
      const rb = await train(base(algo, { outDir: b }));
      assert.deepEqual(curve(ra), curve(rb));
      assert.ok(readFileSync(join(a, "weights.bin")).equals(readFileSync(join(b, "weights.bin"))));
      const rc = await train(base(algo, { seed: 4 }));
      assert.notDeepEqual(curve(rc), curve(ra));
    });
  }

  it("save, load and resume: the loaded policy scores as trained, and training continues from the saved step", async () => {
    const first = tmp("resume-1");
    const second = tmp("resume-2");
    const r1 = await train(base("dqn", { outDir: first }));
    assert.equal(r1.modelDir, first);
    assert.ok(existsSync(join(first, "model.json")) && existsSync(join(first, "weights.bin")));
    const model = await loadModel(first);
    // the model learned the env's declared interface (the registry's training.policyConfig)
    assert.deepEqual(model.policyConfig, { action: "feasible-fraction", pricesAhead: "relative", observeLoad: false });
    const policy = model.policy;
    const onModel = modelEnvConfig(ONE_DAY, model.policyConfig);
    const ev = evaluate("CommunityBattery-v0", onModel, policy, [1000]);
    assert.equal(ev.summary["totalCostEur"]!.mean, r1.kpis["totalCostEur"]);
    // equal greedy actions from two loads of the same directory
    const again = await loadPolicy(first);
    const ev2 = evaluate("CommunityBattery-v0", onModel, again, [1001], { keepTrajectories: true });
    const ev3 = evaluate("CommunityBattery-v0", onModel, policy, [1001], { keepTrajectories: true });
    assert.deepEqual(Array.from(ev2.episodes[0]!.trajectory!.column("requestedKw")), Array.from(ev3.episodes[0]!.trajectory!.column("requestedKw")));

    const r2 = await train(base("dqn", { steps: 240, outDir: second, resumeFrom: first }));
    assert.equal(r2.steps, 720);
    assert.ok(r2.learningCurve[0]!.step > 480);
    const saved = loadArrays(second).meta as unknown as { learner: { progress: { steps: number; updates: number } } };
    const before = loadArrays(first).meta as unknown as { learner: { progress: { steps: number; updates: number } } };
    assert.equal(saved.learner.progress.steps, 720);
    assert.ok(saved.learner.progress.updates > before.learner.progress.updates);
    assert.ok(!readFileSync(join(first, "weights.bin")).equals(readFileSync(join(second, "weights.bin"))));
  });

  it("dqn drives a multi-element Box (EnergyHub-v0's 4 set-points) through a joint grid of levels, and the saved model acts on it", async () => {
    const dir = tmp("hub-dqn");
    const r = await train({ envId: "EnergyHub-v0", algo: "dqn", hyperparameters: TINY.dqn, seed: 2, steps: 96, evalSeeds: [1000], evalEvery: 0, outDir: dir });
    const meta = loadArrays(dir).meta as unknown as { actionMap: { kind: string; levels: number[][] } };
    assert.equal(meta.actionMap.kind, "levels");
    // the learners' interface: corrections in [-1, 1] to the heat-led rule (registry policyConfig)
    assert.deepEqual(meta.actionMap.levels, Array.from({ length: 4 }, () => [-1, -0.5, 0, 0.5, 1]), "5 levels per element: 5^4 = 625 <= 1024");
    const policy = await loadPolicy(dir);
    const env = make("EnergyHub-v0", { action: "residual" });
    const { observation, info } = env.reset({ seed: 1000 });
    const a = policy.act(observation as Float32Array, info) as Float64Array;
    assert.ok(a instanceof Float64Array && a.length === 4 && Array.from(a).every((x) => [-1, -0.5, 0, 0.5, 1].includes(x)), `action ${Array.from(a)}`);
    assert.ok(Number.isFinite(r.kpis["return"]));
    await assert.rejects(train({ envId: "EnergyHub-v0", algo: "dqn", hyperparameters: { ...TINY.dqn, actionLevels: 6 }, seed: 2, steps: 10, evalSeeds: [1000] }),
      /invalid dqn hyperparameters:\n {2}actionLevels: expected at most 5 levels for an action of 4 elements that move \(n\^4 <= 1024 joint actions\), got 6/);
  });

  it("keepBest saves and reports the best-evaluated learner, not the last one", async () => {
    const dir = tmp("keep-best");
    const r = await train(base("ppo", { seed: 5, steps: 840, evalEvery: 120, outDir: dir, keepBest: true, evalSeeds: [2000, 2001] }));
    const evals = r.learningCurve.filter((p) => p.evalReturn !== undefined).map((p) => p.evalReturn!);
    assert.equal(evals.length, 7);
    const bestReturn = Math.max(...evals);
    // this seed's run ends below its best evaluation, so the test tells "best" from "last"
    assert.ok(evals[evals.length - 1]! < bestReturn);
    assert.equal(r.kpis["return"], bestReturn);
    // the saved model is that learner: it scores the best return again on the same seeds
    const model = await loadModel(dir);
    const ev = evaluate("CommunityBattery-v0", modelEnvConfig(ONE_DAY, model.policyConfig), model.policy, [2000, 2001]);
    assert.ok(Math.abs(ev.summary["return"]!.mean - bestReturn) < 1e-9);
  });

  it("resuming with another algorithm is refused, naming resumeFrom", async () => {
    const dir = tmp("resume-algo");
    await train(base("a2c", { steps: 48, outDir: dir }));
    await assert.rejects(train(base("ppo", { resumeFrom: dir })), /resumeFrom: expected a model of ppo on CommunityBattery-v0, got a2c on CommunityBattery-v0/);
  });

  it("vector envs: the same seed and N give identical weights, whether the envs step in this thread or in workers", async () => {
    const dirs = [tmp("vec-sync"), tmp("vec-sync2"), tmp("vec-async")];
    const opts = (outDir: string, vectorization: "sync" | "async") => base("ppo", { numEnvs: 4, steps: 1024, evalEvery: 0, outDir, vectorization });
    const a = await train(opts(dirs[0]!, "sync"));
    await train(opts(dirs[1]!, "sync"));
    const c = await train(opts(dirs[2]!, "async"));
    const bytes = dirs.map((d) => readFileSync(join(d, "weights.bin")));
    assert.ok(bytes[0]!.equals(bytes[1]!) && bytes[0]!.equals(bytes[2]!));
    assert.deepEqual(curve(c), curve(a));
    // 4 envs of 24-step episodes for 1,024 steps: 40 finished episodes
    assert.equal(a.learningCurve.filter((p) => p.episodeReturn !== undefined).length, 40);
    assert.equal(a.steps, 1024);
  });

  it("a hook returning false stops training at that step", async () => {
    let episodes = 0;
    const r = await train(base("a2c", { steps: 10_000, hooks: { onStep: (s) => s.step < 50, onEpisode: () => { episodes++; } } }));
    assert.equal(r.steps, 50);
    assert.equal(episodes, 2);
  });

  it("onStep reports DQN's epsilon and, once updating, its loss", async () => {
    const seen: { step: number; loss?: number; epsilon?: number }[] = [];
    await train(base("dqn", { steps: 120, hooks: { onStep: (s) => { seen.push(s); } } }));
    assert.equal(seen.length, 120);
    // epsilon falls from 1 to 0.05 over 30 % of 120 steps; after the first step it is 1 - 0.95 / 36
    assert.ok(Math.abs(seen[0]!.epsilon! - (1 - 0.95 / 36)) < 1e-12);
    assert.equal(seen[119]!.epsilon, 0.05);
    assert.equal(seen[0]!.loss, undefined);
    assert.ok(seen.some((s) => s.loss !== undefined && Number.isFinite(s.loss)));
  });

  it("bad options and hyperparameters are rejected with the path of each field", async () => {
    await assert.rejects(train({ ...base("dqn"), steps: 0, evalSeeds: [5] }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.message, "invalid train options:\n  steps: expected a number > 0, got 0\n  evalSeeds[0]: expected a number >= 1000, got 5");
      return true;
    });
    await assert.rejects(train(base("ppo", { hyperparameters: { gamma: 2, hiddenSizes: [] } })),
      /invalid ppo hyperparameters:\n {2}gamma: expected a number <= 1, got 2\n {2}hiddenSizes: expected a non-empty array, got array\(0\)/);
    await assert.rejects(train(base("dqn", { hyperparameters: { actionLevels: 1 } })), /invalid dqn hyperparameters:\n {2}actionLevels: expected a number >= 2, got 1/);
    await assert.rejects(train(base("dqn", { envConfig: { days: 0 } })), /invalid CommunityBattery-v0 config:\n {2}days: expected a number >= 1, got 0/);
  });
});

describe("gridgym train (command)", () => {
  it("trains, saves the model and prints the backend", async () => {
    const dir = tmp("cli");
    const config = join(dir, "env.json");
    const hp = join(dir, "hp.json");
    writeFileSync(config, JSON.stringify(ONE_DAY));
    writeFileSync(hp, JSON.stringify(TINY["a2c"]));
    const program = new Command().exitOverride();
    registerTrainCommand(program);
    const out = join(dir, "model");
    const writes: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => { writes.push(String(chunk)); return true; }) as typeof process.stdout.write;
    try {
      await program.parseAsync(["train", "--env", "CommunityBattery-v0", "--algo", "a2c", "--steps", "48", "--seed", "2", "--config", config, "--hyperparameters", hp, "--out", out, "--no-progress"], { from: "user" });
    } finally {
      process.stdout.write = write;
    }
    const text = writes.join("");
    assert.match(text, /^backend: (tensorflow|wasm|cpu)$/m);
    assert.match(text, /a2c on CommunityBattery-v0: 48 steps/);
    assert.ok(existsSync(join(out, "model.json")));
    const meta = JSON.parse(readFileSync(join(out, "model.json"), "utf8")) as { algo: string; seed: number; hyperparameters: { nSteps: number } };
    assert.equal(meta.algo, "a2c");
    assert.equal(meta.seed, 2);
    assert.equal(meta.hyperparameters.nSteps, 8);
    // it ends with the saved model's KPI table on the held-out seeds
    assert.match(text, /CommunityBattery-v0, held-out seeds 1000, 1001, 1002, 1003, 1004 \(mean ± 95 % CI\)/);
    assert.match(text, /total cost \(EUR\) +-?\d+\.\d ± \d+\.\d/);
  });

  it("an unknown --algo is rejected by name", async () => {
    const program = new Command().exitOverride();
    registerTrainCommand(program);
    await assert.rejects(program.parseAsync(["train", "--env", "CommunityBattery-v0", "--algo", "sac", "--no-progress"], { from: "user" }),
      /invalid train options:\n {2}--algo: expected one of "dqn", "ppo", "a2c", got "sac"/);
  });
});
