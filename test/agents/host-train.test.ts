import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../agents/backend.js";
import { DqnLearner } from "../../agents/dqn.js";
import { HostAdam, HostRmsProp, backwardHost, clipByGlobalNormHost, forwardTape, zerosLike } from "../../agents/host-train.js";
import { optimizerArrays, type NamedArray } from "../../agents/io.js";
import { Mlp, clipByGlobalNorm, type Activation } from "../../agents/networks.js";
import { ReplayBuffer, type ReplayBatch } from "../../agents/replay-buffer.js";
import { Rng } from "../../src/core/rng.js";
import { Discrete } from "../../src/core/spaces.js";

/** ||a - b|| / max(||b||, tiny), over one array. */
function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-12);
}

function maxAbsDiff(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  assert.equal(a.length, b.length);
  let m = 0;
  a.forEach((x, k) => {
    assert.equal(x.length, b[k]!.length);
    for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - b[k]![i]!));
  });
  return m;
}

/** The DQN update as it was written with tf.variableGrads, a tfjs Adam and clipByGlobalNorm (the reference). */
function referenceDqnUpdate(q: Mlp, target: Mlp, optimizer: tf.Optimizer, b: ReplayBatch, d: number, n: number, gamma: number, maxGradNorm: number): number {
  const loss = tf.tidy(() => {
    const obs = tf.tensor2d(b.observations, [b.batchSize, d]);
    const next = tf.tensor2d(b.nextObservations, [b.batchSize, d]);
    const nextAction = tf.oneHot(tf.argMax(q.apply(next), 1), n);
    const nextValue = tf.sum(tf.mul(target.apply(next), nextAction), 1);
    const notDone = tf.sub(1, tf.tensor1d(b.terminated));
    const tgt = tf.add(tf.tensor1d(b.rewards), tf.mul(tf.mul(notDone, gamma), nextValue));
    const taken = tf.oneHot(tf.tensor1d(b.actions, "int32"), n);
    const { value, grads } = tf.variableGrads(
      () => tf.losses.huberLoss(tgt, tf.sum(tf.mul(q.apply(obs), taken), 1)) as tf.Scalar,
      q.variables,
    );
    optimizer.applyGradients(clipByGlobalNorm(grads, maxGradNorm));
    return value;
  });
  const v = loss.dataSync()[0]!;
  loss.dispose();
  q.syncHost();
  return v;
}

describe("host train step (hand-written backward pass, host Adam)", () => {
  before(async () => { await initBackend("auto"); });

  const nets: { sizes: number[]; activation: Activation }[] = [
    { sizes: [7, 16, 12, 5], activation: "relu" },
    { sizes: [7, 16, 12, 5], activation: "tanh" },
    { sizes: [57, 64, 64, 11], activation: "relu" },
    { sizes: [5, 8, 3], activation: "relu" },
    { sizes: [4, 3], activation: "tanh" },
  ];
  for (const spec of nets) {
    it(`gradients of a ${spec.activation} ${spec.sizes.join("-")} MLP equal tf.variableGrads' (relative error < 1e-4)`, () => {
      const net = new Mlp(spec, new Rng(3, "init"));
      // non-zero biases so that the bias path is exercised
      const rng = new Rng(4, "data");
      net.host.forEach((a, i) => { if (i % 2 === 1) for (let k = 0; k < a.length; k++) a[k] = rng.uniform(-0.3, 0.3); });
      net.pushHost();
      const rows = 9;
      const nIn = spec.sizes[0]!;
      const nOut = spec.sizes[spec.sizes.length - 1]!;
      const x = Float32Array.from({ length: rows * nIn }, () => rng.normal());
      const dOut = Float32Array.from({ length: rows * nOut }, () => rng.normal());
      const grads = zerosLike(net);
      tf.tidy(() => backwardHost(net, forwardTape(net, x, rows), dOut, grads));
      const ref = tf.tidy(() => {
        const { grads: g } = tf.variableGrads(() => tf.sum(tf.mul(net.apply(tf.tensor2d(x, [rows, nIn])), tf.tensor2d(dOut, [rows, nOut]))) as tf.Scalar, net.variables);
        return net.variables.map((v) => g[v.name]!.dataSync() as Float32Array);
      });
      grads.forEach((g, i) => {
        const e = relError(g, ref[i]!);
        assert.ok(e < 1e-4, `variable ${i}: relative error ${e}`);
      });
      net.dispose();
    });
  }

  it("host Adam and host clipping follow tf.train.adam and clipByGlobalNorm over several steps", () => {
    const rng = new Rng(5, "adam");
    const shapes = [[6, 4], [4]];
    const init = shapes.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng.normal()));
    const vars = init.map((a, i) => tf.variable(tf.tensor(a, shapes[i]!)));
    const tfAdam = tf.train.adam(1e-2);
    const host = init.map((a) => a.slice());
    const adam = new HostAdam(host, 1e-2);
    for (let step = 0; step < 5; step++) {
      const g = init.map((a) => Float32Array.from({ length: a.length }, () => rng.normal() * 3));
      tf.tidy(() => {
        const named: tf.NamedTensorMap = {};
        vars.forEach((v, i) => { named[v.name] = tf.tensor(g[i]!, shapes[i]!); });
        tfAdam.applyGradients(Object.entries(clipByGlobalNorm(named, 2)).map(([name, tensor]) => ({ name, tensor })));
      });
      clipByGlobalNormHost(g, 2);
      adam.step(host, g);
    }
    const diff = maxAbsDiff(host, vars.map((v) => v.dataSync() as Float32Array));
    assert.ok(diff < 1e-6, `max |host - tfjs| = ${diff}`);
    tfAdam.dispose();
    for (const v of vars) v.dispose();
  });

  it("host Adam restores a tfjs Adam's saved slots and continues as it does", async () => {
    const rng = new Rng(6, "adam");
    const shapes = [[3, 2], [2]];
    const init = shapes.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng.normal()));
    const vars = init.map((a, i) => tf.variable(tf.tensor(a, shapes[i]!)));
    const tfAdam = tf.train.adam(1e-2);
    const grads = () => init.map((a) => Float32Array.from({ length: a.length }, () => rng.normal()));
    const applyTf = (g: Float32Array[]) => tf.tidy(() => {
      const named: tf.NamedTensorMap = {};
      vars.forEach((v, i) => { named[v.name] = tf.tensor(g[i]!, shapes[i]!); });
      tfAdam.applyGradients(Object.entries(named).map(([name, tensor]) => ({ name, tensor })));
    });
    for (let i = 0; i < 3; i++) applyTf(grads());
    const saved = new Map<string, NamedArray>((await optimizerArrays(tfAdam)).map((a) => [a.name, a]));
    const host = vars.map((v) => (v.dataSync() as Float32Array).slice());
    const adam = new HostAdam(host, 1e-2);
    assert.ok(adam.restore(saved));
    assert.equal(adam.iterations, 3);
    // and the host layout round-trips
    const again = new HostAdam(host, 1e-2);
    again.restore(new Map(adam.arrays(shapes).map((a) => [a.name, a])));
    assert.deepEqual(again.m, adam.m);
    assert.deepEqual(again.v, adam.v);
    const g = grads();
    applyTf(g);
    adam.step(host, g);
    const diff = maxAbsDiff(host, vars.map((v) => v.dataSync() as Float32Array));
    assert.ok(diff < 1e-6, `max |host - tfjs| = ${diff}`);
    tfAdam.dispose();
    for (const v of vars) v.dispose();
  });

  it("host RMSprop follows tf.train.rmsprop over several steps, and its saved layout round-trips", async () => {
    const rng = new Rng(7, "rmsprop");
    const shapes = [[5, 3], [3]];
    const init = shapes.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng.normal()));
    const vars = init.map((a, i) => tf.variable(tf.tensor(a, shapes[i]!)));
    const tfOpt = tf.train.rmsprop(7e-4, 0.99, 0, 1e-5);
    const host = init.map((a) => a.slice());
    const opt = new HostRmsProp(host, 7e-4, 0.99, 0, 1e-5);
    for (let step = 0; step < 5; step++) {
      const g = init.map((a) => Float32Array.from({ length: a.length }, () => rng.normal()));
      tf.tidy(() => tfOpt.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: tf.tensor(g[i]!, shapes[i]!) }))));
      opt.step(host, g);
    }
    assert.ok(maxAbsDiff(host, vars.map((v) => v.dataSync() as Float32Array)) < 1e-6);
    const saved = new Map<string, NamedArray>((await optimizerArrays(tfOpt)).map((a) => [a.name, a]));
    const again = new HostRmsProp(host, 7e-4, 0.99, 0, 1e-5);
    assert.ok(again.restore(saved));
    assert.equal(again.iterations, 5);
    assert.ok(maxAbsDiff(again.ms, opt.ms) < 1e-6 && maxAbsDiff(again.mom, opt.mom) < 1e-6);
    tfOpt.dispose();
    for (const v of vars) v.dispose();
  });

  for (const maxGradNorm of [10, 0.05, 0]) {
    it(`a DQN update equals the tf.variableGrads + tfjs Adam update (max grad norm ${maxGradNorm}): weights within 1e-5`, () => {
      const OBS = 6;
      const N = 4;
      const seed = 8;
      const hp = { learningStarts: 32, batchSize: 32, hiddenSizes: [16, 16], normalizeObservations: false, targetUpdateInterval: 20, trainFrequency: 4, maxGradNorm, gamma: 0.9 };
      const learner = new DqnLearner({ observationSize: OBS, actionSpace: new Discrete(N), hyperparameters: hp, seed, scheduleSteps: 1000 });
      const cfg = learner.config;
      // the reference: the same seeded networks, replay stream and Adam, updated the old way
      const root = new Rng(seed, "dqn");
      const sizes = [OBS, ...cfg.hiddenSizes, N];
      const q = new Mlp({ sizes, activation: "relu" }, root.child("init"));
      const target = new Mlp({ sizes, activation: "relu" }, root.child("init"));
      target.copyFrom(q);
      const buffer = new ReplayBuffer(cfg.bufferSize, OBS, root.child("replay"));
      const optimizer = tf.train.adam(cfg.learningRate);
      assert.deepEqual(learner.weights().slice(0, 6), q.getWeights());

      const data = new Rng(9, "transitions");
      let obs = Float32Array.from({ length: OBS }, () => data.normal());
      let updates = 0;
      for (let step = 1; step <= 60; step++) {
        const next = Float32Array.from({ length: OBS }, () => data.normal());
        // rewards of a few hundred (x 0.01): errors on both sides of Huber's delta
        const action = new Float64Array(1);
        learner.explore(obs, action);
        const t = { observation: obs, action: action[0]!, reward: data.normal() * 200, nextObservation: next, terminated: step % 7 === 0, truncated: false };
        buffer.add(t.observation, t.action, t.reward * cfg.rewardScale, t.nextObservation, t.terminated);
        if (step % cfg.targetUpdateInterval === 0) target.copyFrom(q);
        const stats = learner.observe({ nextObservations: next, finalObservations: next, rewards: [t.reward], terminations: [t.terminated ? 1 : 0], truncations: [0] });
        if (stats) {
          const refLoss = referenceDqnUpdate(q, target, optimizer, buffer.sample(cfg.batchSize), OBS, N, cfg.gamma, cfg.maxGradNorm);
          updates++;
          assert.ok(Math.abs(stats.loss - refLoss) < 1e-5 * Math.max(1, Math.abs(refLoss)), `update ${updates}: loss ${stats.loss} vs ${refLoss}`);
          const diff = maxAbsDiff(learner.weights().slice(0, 6), q.getWeights());
          assert.ok(diff < 1e-5, `update ${updates}: max |weight difference| ${diff}`);
        }
        obs = next;
      }
      assert.equal(updates, 8);
      learner.dispose();
      q.dispose();
      target.dispose();
      optimizer.dispose();
    });
  }
});
