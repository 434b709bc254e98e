import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { ActorCritic } from "../../agents/actor-critic.js";
import { a2cGradients, ppoGradients, type PpoLossCoefs, type PpoMinibatch } from "../../agents/actor-critic-grad.js";
import { initBackend } from "../../agents/backend.js";
import { readGradients } from "../../agents/host-train.js";
import { Rng } from "../../src/core/rng.js";
import { Box, Discrete, type Space } from "../../src/core/spaces.js";

const OBS = 57;
const HIDDEN = [64, 64];

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

function maxAbs(a: ArrayLike<number>, b?: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - (b ? b[i]! : 0)));
  return m;
}

function normalize(a: Float32Array): void {
  const n = a.length;
  let mean = 0;
  for (const x of a) mean += x / n;
  let v = 0;
  for (const x of a) v += (x - mean) ** 2 / (n - 1);
  const sd = Math.sqrt(v);
  for (let i = 0; i < n; i++) a[i] = (a[i]! - mean) / (sd + 1e-8);
}

/** ppo.ts's loss, tf op for tf op, under tf.variableGrads (the reference). */
function referencePpo(policy: ActorCritic, mb: PpoMinibatch, cfg: PpoLossCoefs): { loss: number; clipFraction: number; grads: Float32Array[] } {
  const n = mb.n;
  const vars = policy.variables;
  const out = policy.hostArrays.map((a) => new Float32Array(a.length));
  const [loss, clipFrac] = tf.tidy(() => {
    const obs = tf.tensor2d(mb.observations.subarray(0, n * OBS), [n, OBS]);
    const actions = tf.tensor2d(mb.actions.subarray(0, n * policy.actionDim), [n, policy.actionDim]);
    const oldLogProb = tf.tensor1d(mb.oldLogProbs.subarray(0, n));
    const oldValue = tf.tensor1d(mb.oldValues.subarray(0, n));
    const returns = tf.tensor1d(mb.returns.subarray(0, n));
    const advantages = tf.tensor1d(mb.advantages.subarray(0, n));
    let clipped: tf.Scalar | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const e = policy.evaluate(obs, actions);
      const ratio = tf.exp(tf.sub(e.logProb, oldLogProb));
      const pg1 = tf.mul(tf.neg(advantages), ratio);
      const pg2 = tf.mul(tf.neg(advantages), tf.clipByValue(ratio, 1 - cfg.clipCoef, 1 + cfg.clipCoef));
      const pgLoss = tf.mean(tf.maximum(pg1, pg2));
      clipped = tf.keep(tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), cfg.clipCoef), "float32")) as tf.Scalar);
      let vLoss: tf.Tensor;
      if (cfg.clipValueLoss) {
        const unclipped = tf.square(tf.sub(e.value, returns));
        const vClipped = tf.add(oldValue, tf.clipByValue(tf.sub(e.value, oldValue), -cfg.clipCoef, cfg.clipCoef));
        vLoss = tf.mul(0.5, tf.mean(tf.maximum(unclipped, tf.square(tf.sub(vClipped, returns)))));
      } else {
        vLoss = tf.mul(0.5, tf.mean(tf.square(tf.sub(e.value, returns))));
      }
      return tf.add(tf.sub(pgLoss, tf.mul(cfg.entCoef, tf.mean(e.entropy))), tf.mul(cfg.vfCoef, vLoss)) as tf.Scalar;
    }, vars);
    readGradients(vars, grads, out);
    return [value, clipped!];
  });
  const result = { loss: loss.dataSync()[0]!, clipFraction: clipFrac.dataSync()[0]!, grads: out };
  loss.dispose();
  clipFrac.dispose();
  return result;
}

/** a2c.ts's loss, tf op for tf op, under tf.variableGrads (the reference). */
function referenceA2c(policy: ActorCritic, mb: PpoMinibatch, cfg: { entCoef: number; vfCoef: number }): { loss: number; grads: Float32Array[] } {
  const n = mb.n;
  const out = policy.hostArrays.map((a) => new Float32Array(a.length));
  const loss = tf.tidy(() => {
    const obs = tf.tensor2d(mb.observations.subarray(0, n * OBS), [n, OBS]);
    const actions = tf.tensor2d(mb.actions.subarray(0, n * policy.actionDim), [n, policy.actionDim]);
    const advantages = tf.tensor1d(mb.advantages.subarray(0, n));
    const returns = tf.tensor1d(mb.returns.subarray(0, n));
    const { value, grads } = tf.variableGrads(() => {
      const e = policy.evaluate(obs, actions);
      const pgLoss = tf.neg(tf.mean(tf.mul(advantages, e.logProb)));
      const vLoss = tf.mean(tf.square(tf.sub(returns, e.value)));
      return tf.add(tf.sub(pgLoss, tf.mul(cfg.entCoef, tf.mean(e.entropy))), tf.mul(cfg.vfCoef, vLoss)) as tf.Scalar;
    }, policy.variables);
    readGradients(policy.variables, grads, out);
    return value;
  });
  const result = { loss: loss.dataSync()[0]!, grads: out };
  loss.dispose();
  return result;
}

interface Case {
  label: string;
  space: () => Space<unknown>;
  initLogStd: number;
}

const cases: Case[] = [
  { label: "Gaussian, 1 action dim", space: () => new Box({ low: -1, high: 1, shape: [1] }), initLogStd: 0 },
  { label: "Gaussian, 3 action dims", space: () => new Box({ low: [-2, 0, -1], high: [2, 5, 1] }), initLogStd: -0.5 },
  { label: "categorical, 3 actions", space: () => new Discrete(3), initLogStd: 0 },
  { label: "categorical, 11 actions", space: () => new Discrete(11, 1), initLogStd: 0 },
];

/**
 * A policy with non-zero biases, a rollout of `n` rows sampled from it (old log-probs and
 * values as the rollout stored them, noisy returns), then the policy perturbed by `drift`
 * (every weight plus drift x N(0, 1) x its scale) so that ratios leave 1.
 */
function setup(c: Case, n: number, drift: number, seed: number): { policy: ActorCritic; mb: PpoMinibatch } {
  const policy = new ActorCritic(OBS, c.space(), HIDDEN, c.initLogStd, new Rng(seed, "x"));
  const rng = new Rng(seed, "data");
  const params = policy.hostArrays;
  // biases of both networks (odd indices below the logStd) made non-zero
  params.forEach((a, i) => { if (i % 2 === 1 && i < 4 * (HIDDEN.length + 1)) for (let k = 0; k < a.length; k++) a[k] = rng.uniform(-0.2, 0.2); });
  // a larger actor head than the 0.01 gain gives, so that the policy is far from uniform / zero-mean
  const head = params[2 * HIDDEN.length]!;
  for (let k = 0; k < head.length; k++) head[k] = head[k]! * 50;
  policy.pushHost();
  const d = policy.actionDim;
  const mb: PpoMinibatch = {
    observations: new Float32Array(n * OBS),
    actions: new Float32Array(n * d),
    oldLogProbs: new Float32Array(n),
    oldValues: new Float32Array(n),
    returns: new Float32Array(n),
    advantages: new Float32Array(n),
    n,
  };
  const sampler = new Rng(seed, "sample");
  for (let r = 0; r < n; r++) {
    const obs = Float32Array.from({ length: OBS }, () => rng.normal());
    mb.observations.set(obs, r * OBS);
    const s = policy.sample(obs, sampler);
    mb.actions.set(s.raw, r * d);
    mb.oldLogProbs[r] = s.logProb;
    // old values off by up to ~0.5 so that the value clipping (0.2) takes effect on some rows
    mb.oldValues[r] = s.value + 0.3 * rng.normal();
    mb.returns[r] = s.value + rng.normal();
    mb.advantages[r] = rng.normal() * 2;
  }
  if (n > 1) normalize(mb.advantages);
  if (drift > 0) {
    for (const a of params) {
      let scale = 0;
      for (const x of a) scale = Math.max(scale, Math.abs(x));
      for (let k = 0; k < a.length; k++) a[k] = a[k]! + drift * Math.max(scale, 0.1) * rng.normal();
    }
    policy.pushHost();
  }
  return { policy, mb };
}

/** Gradients within 1e-4 relative (per variable, L2) or 1e-6 absolute where a variable's gradient is ~0. */
function assertGradients(got: readonly Float32Array[], ref: readonly Float32Array[], what: string): void {
  assert.equal(got.length, ref.length);
  got.forEach((g, i) => {
    assert.equal(g.length, ref[i]!.length);
    const e = relError(g, ref[i]!);
    const abs = maxAbs(g, ref[i]!);
    assert.ok(e < 1e-4 || abs < 1e-6, `${what}: variable ${i}: relative error ${e}, max abs difference ${abs} (|ref| max ${maxAbs(ref[i]!)})`);
  });
}

function assertClose(got: number, ref: number, what: string): void {
  assert.ok(Math.abs(got - ref) <= 1e-5 * Math.max(Math.abs(ref), 1e-3), `${what}: ${got} vs reference ${ref}`);
}

describe("actor-critic gradients on the host (PPO and A2C losses against tf.variableGrads)", () => {
  before(async () => { await initBackend("wasm"); });

  for (const c of cases) {
    for (const n of [1, 7, 64]) {
      it(`PPO, ${c.label}, minibatch ${n}: loss, clip fraction and gradients (value clipping on/off, entCoef 0/0.01)`, () => {
        const { policy, mb } = setup(c, n, 0.15, 11 + n);
        const grads = policy.hostArrays.map((a) => new Float32Array(a.length));
        for (const clipValueLoss of [true, false]) {
          for (const entCoef of [0, 0.01]) {
            const coefs = { clipCoef: 0.2, clipValueLoss, entCoef, vfCoef: 0.5 };
            const what = `clipValueLoss ${clipValueLoss}, entCoef ${entCoef}`;
            const before = tf.memory().numTensors;
            const stats = ppoGradients(policy, mb, coefs, grads);
            assert.equal(tf.memory().numTensors, before, "no tensor leaked");
            const ref = referencePpo(policy, mb, coefs);
            assertClose(stats.loss, ref.loss, `${what}: loss`);
            assert.ok(Math.abs(stats.clipFraction - ref.clipFraction) < 1e-6, `${what}: clip fraction ${stats.clipFraction} vs ${ref.clipFraction}`);
            assertClose(stats.policyLoss - entCoef * stats.entropy + 0.5 * stats.valueLoss, ref.loss, `${what}: the parts add up to the loss`);
            assertGradients(grads, ref.grads, what);
          }
        }
        policy.dispose();
      });
    }

    it(`PPO, ${c.label}: most ratios clipped (policy drifted from the one that sampled)`, () => {
      const { policy, mb } = setup(c, 64, 1, 5);
      const grads = policy.hostArrays.map((a) => new Float32Array(a.length));
      for (const clipValueLoss of [true, false]) {
        const coefs = { clipCoef: 0.2, clipValueLoss, entCoef: 0.01, vfCoef: 0.5 };
        const stats = ppoGradients(policy, mb, coefs, grads);
        const ref = referencePpo(policy, mb, coefs);
        assert.ok(ref.clipFraction > 0.5, `clip fraction ${ref.clipFraction}: the case should clip most ratios`);
        assertClose(stats.loss, ref.loss, "loss");
        assert.ok(Math.abs(stats.clipFraction - ref.clipFraction) < 1e-6, `clip fraction ${stats.clipFraction} vs ${ref.clipFraction}`);
        assertGradients(grads, ref.grads, `clipValueLoss ${clipValueLoss}`);
      }
      policy.dispose();
    });

    for (const n of [1, 7, 64]) {
      it(`A2C, ${c.label}, batch ${n}: loss and gradients (entCoef 0/0.01)`, () => {
        const { policy, mb } = setup(c, n, 0.02, 23 + n);
        const grads = policy.hostArrays.map((a) => new Float32Array(a.length));
        for (const entCoef of [0, 0.01]) {
          const coefs = { entCoef, vfCoef: 0.5 };
          const stats = a2cGradients(policy, mb, coefs, grads);
          const ref = referenceA2c(policy, mb, coefs);
          assertClose(stats.loss, ref.loss, `entCoef ${entCoef}: loss`);
          assertClose(stats.policyLoss - entCoef * stats.entropy + 0.5 * stats.valueLoss, ref.loss, `entCoef ${entCoef}: the parts add up to the loss`);
          assertGradients(grads, ref.grads, `entCoef ${entCoef}`);
        }
        policy.dispose();
      });
    }
  }
});
