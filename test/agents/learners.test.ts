import { strict as assert } from "node:assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { A2cLearner, parseA2cConfig } from "../../agents/a2c.js";
import { initBackend } from "../../agents/backend.js";
import { DqnLearner, parseDqnConfig } from "../../agents/dqn.js";
import { loadArrays, saveArrays } from "../../agents/io.js";
import type { Learner, LearnerInit } from "../../agents/learner.js";
import { PpoLearner, parsePpoConfig } from "../../agents/ppo.js";
import { ConfigError } from "../../src/core/errors.js";
import { Rng } from "../../src/core/rng.js";
import { Box, Discrete } from "../../src/core/spaces.js";

const OBS = 4;

function observations(n: number, seed: number): Float32Array[] {
  const rng = new Rng(seed, "obs");
  return Array.from({ length: n }, () => Float32Array.from({ length: OBS }, () => rng.normal()));
}

/** One explored action for one observation (a learner of one env), as an element of `space`. */
function exploreOne(learner: Learner<unknown>, space: Box | Discrete, obs: Float32Array): unknown {
  const out = new Float64Array(learner.actionSize);
  learner.explore(obs, out);
  if (space instanceof Discrete) return out[0]!;
  const a = space.zeros();
  a.set(out);
  return a;
}

/** Feeds `steps` synthetic transitions (reward = first observation element) through explore/observe. */
function drive(learner: Learner<unknown>, steps: number): void {
  const obs = observations(steps + 1, 11);
  const out = new Float64Array(learner.actionSize);
  for (let i = 0; i < steps; i++) {
    learner.explore(obs[i]!, out);
    learner.observe({ nextObservations: obs[i + 1]!, finalObservations: obs[i + 1]!, rewards: [obs[i]![0]!], terminations: [i % 20 === 19 ? 1 : 0], truncations: [0] });
  }
}

const CASES: { algo: string; make: (init: LearnerInit) => Learner<unknown>; space: () => Box | Discrete; hp: object }[] = [
  { algo: "dqn", make: (i) => new DqnLearner(i) as Learner<unknown>, space: () => new Discrete(3), hp: { learningStarts: 32, batchSize: 16, targetUpdateInterval: 50, hiddenSizes: [16] } },
  { algo: "ppo", make: (i) => new PpoLearner(i) as Learner<unknown>, space: () => new Box({ low: [-2, 0], high: [2, 5] }), hp: { nSteps: 64, numMinibatches: 4, updateEpochs: 2, hiddenSizes: [16] } },
  { algo: "ppo (Discrete)", make: (i) => new PpoLearner(i) as Learner<unknown>, space: () => new Discrete(3), hp: { nSteps: 64, numMinibatches: 4, updateEpochs: 2, hiddenSizes: [16] } },
  { algo: "a2c", make: (i) => new A2cLearner(i) as Learner<unknown>, space: () => new Box({ low: [-1], high: [1] }), hp: { nSteps: 8, hiddenSizes: [16] } },
];

describe("learners", () => {
  before(async () => { await initBackend("auto"); });

  for (const c of CASES) {
    it(`${c.algo}: explores inside the action space and updates on its schedule`, () => {
      const space = c.space();
      const learner = c.make({ observationSize: OBS, actionSpace: space, hyperparameters: c.hp, seed: 1, scheduleSteps: 200 });
      const obs = observations(1, 3)[0]!;
      for (let i = 0; i < 50; i++) assert.ok(space.contains(exploreOne(learner, space, obs)), "explored action outside the space");
      const before = learner.weights();
      drive(learner, 150);
      assert.ok(learner.progress.updates > 0);
      assert.notDeepEqual(learner.weights(), before);
      assert.ok(space.contains(learner.act(obs, {})));
      learner.dispose();
    });

    it(`${c.algo}: a saved and restored learner has equal weights and equal greedy actions`, async () => {
      const init = { observationSize: OBS, actionSpace: c.space(), hyperparameters: c.hp, seed: 2, scheduleSteps: 200 };
      const a = c.make(init);
      drive(a, 150);
      const dir = mkdtempSync(join(tmpdir(), "gridgym-learner-"));
      const snap = await a.snapshot();
      await saveArrays(dir, { state: snap.state }, snap.arrays);
      const loaded = loadArrays(dir);
      const b = c.make({ ...init, seed: 99 });
      await b.restore((loaded.meta as unknown as { state: Record<string, unknown> }).state, loaded.arrays);
      assert.deepEqual(b.weights(), a.weights());
      assert.deepEqual(b.progress, a.progress);
      for (const o of observations(20, 5)) assert.deepEqual(b.act(o, {}), a.act(o, {}));
      a.dispose();
      b.dispose();
    });
  }

  it("DQN with annealLearningRate takes smaller steps as the run goes and none once its schedule is spent", () => {
    const hp = { learningStarts: 32, batchSize: 16, targetUpdateInterval: 50, hiddenSizes: [16], trainFrequency: 1 };
    const init = (annealLearningRate: boolean) => ({ observationSize: OBS, actionSpace: new Discrete(3), hyperparameters: { ...hp, annealLearningRate }, seed: 4, scheduleSteps: 100 });
    const change = (a: Float32Array[], b: Float32Array[]) => a.reduce((s, w, k) => s + w.reduce((t, x, i) => t + Math.abs(x - b[k]![i]!), 0), 0);
    const annealed = new DqnLearner(init(true));
    const constant = new DqnLearner(init(false));
    // both see the same transitions: the same seed, the same greedy actions while their weights agree
    drive(annealed, 100);
    drive(constant, 100);
    assert.ok(annealed.progress.updates > 0);
    assert.ok(change(annealed.weights(), constant.weights()) > 0, "annealing changed nothing within the schedule");
    // past the schedule's end the annealed learner's step size is 0: its online weights stop moving
    const before = annealed.weights();
    const updates = annealed.progress.updates;
    drive(annealed, 50);
    assert.ok(annealed.progress.updates > updates);
    const after = annealed.weights();
    const half = before.length / 2;
    assert.equal(change(after.slice(0, half), before.slice(0, half)), 0);
    const beforeConstant = constant.weights();
    drive(constant, 50);
    assert.ok(change(constant.weights().slice(0, half), beforeConstant.slice(0, half)) > 0);
    annealed.dispose();
    constant.dispose();
    // a resumed run's step size anneals through its own end, while epsilon keeps the first run's schedule
    const resumed = new DqnLearner({ ...init(true), learningRateScheduleSteps: 200 });
    drive(resumed, 100);
    const mid = resumed.weights();
    drive(resumed, 50);
    assert.ok(change(resumed.weights().slice(0, half), mid.slice(0, half)) > 0, "no step past the epsilon schedule's end");
    assert.equal(resumed.exploration(), 0.05);
    resumed.dispose();
  });

  it("invalid DQN hyperparameters name every bad field by its path", () => {
    assert.throws(() => parseDqnConfig({ learningRate: -1, hiddenSizes: [64, 0], gamma: 1.5, lerningRate: 0.1 }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.message, [
        "invalid dqn hyperparameters:",
        "  learningRate: expected a number > 0, got -1",
        "  gamma: expected a number <= 1, got 1.5",
        "  hiddenSizes[1]: expected a number > 0, got 0",
        "  lerningRate: expected no such field (unknown key; did you mean \"learningRate\"?), got 0.1",
      ].join("\n"));
      return true;
    });
  });

  it("invalid PPO and A2C hyperparameters name the field", () => {
    assert.throws(() => parsePpoConfig({ nSteps: 0 }), /invalid ppo hyperparameters:\n {2}nSteps: expected a number > 0, got 0/);
    assert.throws(() => parseA2cConfig({ entCoef: "lots" }), /invalid a2c hyperparameters:\n {2}entCoef: expected a number, got "lots"/);
  });

  it("every hyperparameter has a default", () => {
    assert.equal(parseDqnConfig({}).batchSize, 64);
    assert.equal(parsePpoConfig(undefined).nSteps, 2048);
    assert.equal(parseA2cConfig({}).nSteps, 5);
  });

  it("DQN refuses a Box action space and says how to drive one", () => {
    assert.throws(
      () => new DqnLearner({ observationSize: OBS, actionSpace: new Box({ low: [-1], high: [1] }), hyperparameters: {}, seed: 0, scheduleSteps: 10 }),
      /env.actionSpace: expected Discrete \(wrap a Box with DiscretizeAction\), got Box/,
    );
  });

  it("PPO clips Gaussian samples into the Box rather than passing them on", () => {
    const space = new Box({ low: [0], high: [1] });
    // a wide Gaussian: most raw samples fall outside [-1, 1] before clipping
    const learner = new PpoLearner({ observationSize: OBS, actionSpace: space, hyperparameters: { initLogStd: 2, nSteps: 1000 }, seed: 4, scheduleSteps: 10 });
    const obs = observations(1, 3)[0]!;
    const actions = Array.from({ length: 200 }, () => (exploreOne(learner, space, obs) as Float32Array)[0]!);
    assert.ok(actions.every((a) => a >= 0 && a <= 1));
    assert.ok(actions.filter((a) => a === 0).length > 20 && actions.filter((a) => a === 1).length > 20);
    learner.dispose();
  });

  for (const [algo, make] of [["ppo", (i: LearnerInit) => new PpoLearner(i)], ["a2c", (i: LearnerInit) => new A2cLearner(i)]] as const) {
    it(`${algo}: the untrained policy's deterministic action is initActionMean`, () => {
      // the microgrid's balance action: [share in [0, 1], grid in [-1, 1]]; one point on a bound, one inside
      const space = new Box({ low: [0, -1], high: [1, 1] });
      for (const mean of [[1, 0], [0.3, -0.4]]) {
        const learner = make({ observationSize: OBS, actionSpace: space, hyperparameters: { initActionMean: mean, hiddenSizes: [16] }, seed: 2, scheduleSteps: 10 });
        // a zero observation leaves every hidden unit at 0, so the mean is the head's bias alone: exactly the given point
        const atZero = learner.act(new Float32Array(OBS)) as Float32Array;
        assert.deepEqual(Array.from(atZero), mean.map(Math.fround));
        // elsewhere the small initial head (gain 0.01) moves it by little
        for (const obs of observations(20, 5)) {
          const a = learner.act(obs) as Float32Array;
          assert.ok(Math.abs(a[0]! - mean[0]!) < 0.02 && Math.abs(a[1]! - mean[1]!) < 0.04, `${Array.from(a)} far from ${mean}`);
        }
        learner.dispose();
      }
      // without it the mean starts at the middle of the Box
      const plain = make({ observationSize: OBS, actionSpace: space, hyperparameters: { hiddenSizes: [16] }, seed: 2, scheduleSteps: 10 });
      assert.deepEqual(Array.from(plain.act(new Float32Array(OBS)) as Float32Array), [0.5, 0]);
      plain.dispose();
    });
  }

  it("initActionMean is refused off a Box, at the wrong length or outside the Box", () => {
    const init = (actionSpace: Box | Discrete, initActionMean: number[]) => ({ observationSize: OBS, actionSpace, hyperparameters: { initActionMean }, seed: 0, scheduleSteps: 10 });
    const box = new Box({ low: [0, -1], high: [1, 1] });
    assert.throws(() => new PpoLearner(init(new Discrete(3), [1])), /initActionMean: expected no initActionMean: it applies to Box actions only/);
    assert.throws(() => new PpoLearner(init(box, [1])), /initActionMean: expected 2 numbers, one per action dimension, got \[1\]/);
    assert.throws(() => new A2cLearner(init(box, [1.5, 0])), /initActionMean: expected numbers within the action Box \[0, -1\] \.\. \[1, 1\], got \[1.5,0\]/);
  });

  it("initLogStd takes one number per action dimension as well as one for all", () => {
    const space = new Box({ low: [0, -1], high: [1, 1] });
    const init = (initLogStd: unknown) => ({ observationSize: OBS, actionSpace: space, hyperparameters: { initLogStd }, seed: 0, scheduleSteps: 10 });
    const logStd = (l: PpoLearner | A2cLearner) => Array.from(l.policy.arrays().find((a) => a.name === "logStd")!.data);
    assert.deepEqual(logStd(new PpoLearner(init([-3, -1]))), [-3, -1]);
    assert.deepEqual(logStd(new A2cLearner(init(-0.5))), [-0.5, -0.5]);
    assert.throws(() => new PpoLearner(init([-3, -1, 0])), /initLogStd: expected a number or 2 numbers, one per action dimension, got \[-3,-1,0\]/);
  });
});
