/**
 * PPO's and A2C's loss gradients for an ActorCritic in few tfjs ops, the way DQN's update
 * works (host-train.ts): the actor and critic run forward on the device with their
 * activations kept (`forwardTape`), their outputs (Gaussian means or categorical logits,
 * values) are read back once, the loss and its gradient with respect to those outputs, to
 * the values and to the Gaussian's log standard deviation are computed on the host in plain
 * loops over the rows, and `backwardHost` runs each network's backward pass from its output
 * gradient (one read-back each).
 *
 * Why: on the wasm backend every op costs a fixed ~10-30 us whatever its size, and
 * `tf.variableGrads` over `ActorCritic.evaluate` and the PPO loss dispatches ~300 kernels
 * (forward, loss, the taped backward pass, the read-backs); this path dispatches ~75 and
 * computes the same thing (test/agents/actor-critic-grad.test.ts checks loss, clip fraction
 * and every gradient against `tf.variableGrads` of the tf-op losses of ppo.ts and a2c.ts),
 * about 3x faster at 64 to 1,024 rows. A plain JavaScript forward and backward pass (no tfjs
 * at all) was measured too and is slower still than `tf.variableGrads` at these sizes: the
 * matrix products, ~45 k multiply-adds per row for a 57-64-64 actor and critic, cost more in
 * scalar JavaScript than the ops' fixed costs do on wasm's SIMD kernels
 * (bench/actor-critic-update.ts prints all three paths).
 *
 * The losses are exactly ppo.ts's and a2c.ts's, and so are tfjs' conventions at ties:
 * `tf.maximum` sends the gradient to its first argument where a >= b, `tf.clipByValue`
 * passes it where min <= x <= max. Nothing is clipped or stepped here: callers run
 * `clipByGlobalNormHost` and their host optimizer on `grads`, then `policy.pushHost()`.
 *
 * The host copies of the weights (`policy.hostArrays`) must equal the variables (as they do
 * when the host copy is the source of truth and `pushHost` follows every step): the backward
 * pass multiplies by the host copy's transposes.
 */
import * as tf from "@tensorflow/tfjs";
import type { ActorCritic } from "./actor-critic.js";
import { backwardHost, forwardTape } from "./host-train.js";

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** One PPO minibatch, host arrays, row-major; only the first `n` rows are read. */
export interface PpoMinibatch {
  /** n x obsSize, already normalised. */
  observations: Float32Array;
  /** n x actionDim: the raw u for a Gaussian, the index for a categorical. */
  actions: Float32Array;
  oldLogProbs: Float32Array;
  oldValues: Float32Array;
  returns: Float32Array;
  /** Already normalised if the caller wants them normalised. */
  advantages: Float32Array;
  n: number;
}

/** PPO's loss coefficients (ppo.ts's hyperparameters of the same names). */
export interface PpoLossCoefs {
  clipCoef: number;
  clipValueLoss: boolean;
  entCoef: number;
  vfCoef: number;
}

/** What a PPO gradient computation measured, all means over the minibatch. */
export interface PpoGradientStats {
  /** pgLoss - entCoef * entropy + vfCoef * valueLoss: the value `tf.variableGrads` returns in ppo.ts. */
  loss: number;
  /** The fraction of rows with |ratio - 1| > clipCoef. */
  clipFraction: number;
  policyLoss: number;
  /** With the 0.5 factor (and clipped when `clipValueLoss`). */
  valueLoss: number;
  entropy: number;
  /** mean((ratio - 1) - log ratio), CleanRL's approx_kl (a statistic; no gradient flows through it). */
  approxKl: number;
}

/** One A2C batch, host arrays, row-major; only the first `n` rows are read. */
export interface A2cBatch {
  observations: Float32Array;
  actions: Float32Array;
  returns: Float32Array;
  advantages: Float32Array;
  n: number;
}

/** A2C's loss coefficients (a2c.ts's hyperparameters of the same names). */
export interface A2cLossCoefs {
  entCoef: number;
  vfCoef: number;
}

/** What an A2C gradient computation measured, all means over the batch. */
export interface A2cGradientStats {
  /** pgLoss - entCoef * entropy + vfCoef * valueLoss: the value `tf.variableGrads` returns in a2c.ts. */
  loss: number;
  policyLoss: number;
  /** mean((R - v)^2), without a 0.5 factor (a2c.ts). */
  valueLoss: number;
  entropy: number;
}

/** Scratch arrays reused across calls, keyed by name; grown on demand. */
const scratch = new Map<string, Float64Array>();
function buffer(key: string, n: number): Float64Array {
  let a = scratch.get(key);
  if (!a || a.length < n) {
    a = new Float64Array(n);
    scratch.set(key, a);
  }
  return a;
}
const scratch32 = new Map<string, Float32Array>();
function buffer32(key: string, n: number): Float32Array {
  let a = scratch32.get(key);
  if (!a || a.length !== n) {
    a = new Float32Array(n);
    scratch32.set(key, a);
  }
  return a;
}

/**
 * The policy's per-row log-probabilities of `actions` and entropies, from actor outputs
 * `out` (n x nOut: means or logits), written into `logp` and `ent`.
 */
function logProbsAndEntropy(policy: ActorCritic, out: Float32Array, actions: Float32Array, n: number, logp: Float64Array, ent: Float64Array): void {
  const nOut = policy.actor.sizes[policy.actor.sizes.length - 1]!;
  if (policy.kind === "gaussian") {
    const logStd = policy.hostArrays[policy.hostArrays.length - 1]!;
    let h = 0;
    for (let i = 0; i < nOut; i++) h += logStd[i]! + 0.5 + LOG_SQRT_2PI;
    for (let r = 0; r < n; r++) {
      let lp = 0;
      for (let i = 0; i < nOut; i++) {
        const s = logStd[i]!;
        const z = (actions[r * nOut + i]! - out[r * nOut + i]!) / Math.exp(s);
        lp += -0.5 * z * z - s - LOG_SQRT_2PI;
      }
      logp[r] = lp;
      ent[r] = h;
    }
    return;
  }
  for (let r = 0; r < n; r++) {
    const o = r * nOut;
    let max = -Infinity;
    for (let j = 0; j < nOut; j++) if (out[o + j]! > max) max = out[o + j]!;
    let sum = 0;
    for (let j = 0; j < nOut; j++) sum += Math.exp(out[o + j]! - max);
    const lse = max + Math.log(sum);
    let h = 0;
    for (let j = 0; j < nOut; j++) {
      const ls = out[o + j]! - lse;
      h -= Math.exp(ls) * ls;
    }
    const a = actions[r]! | 0;
    logp[r] = a >= 0 && a < nOut ? out[o + a]! - lse : 0;
    ent[r] = h;
  }
}

/**
 * Chains dLoss/dlogp (per row, `gLogp`) and dLoss/dentropy (the same for every row, `gEnt`)
 * through the policy head: dLoss/d(actor outputs) into `dOut` (n x nOut) and, for a
 * Gaussian, dLoss/dlogStd into `dLogStd`.
 */
function headGradients(policy: ActorCritic, out: Float32Array, actions: Float32Array, n: number, gLogp: Float64Array, gEnt: number, dOut: Float32Array, dLogStd: Float32Array | null): void {
  const nOut = policy.actor.sizes[policy.actor.sizes.length - 1]!;
  if (policy.kind === "gaussian") {
    const logStd = policy.hostArrays[policy.hostArrays.length - 1]!;
    const acc = buffer("dLogStd", nOut);
    // d mean(entropy) / d logStd_i = 1
    for (let i = 0; i < nOut; i++) acc[i] = gEnt * n;
    for (let r = 0; r < n; r++) {
      const g = gLogp[r]!;
      for (let i = 0; i < nOut; i++) {
        const std = Math.exp(logStd[i]!);
        const z = (actions[r * nOut + i]! - out[r * nOut + i]!) / std;
        // dlogp/dmu = z / std, dlogp/dlogStd = z^2 - 1
        dOut[r * nOut + i] = g * z / std;
        acc[i] = acc[i]! + g * (z * z - 1);
      }
    }
    for (let i = 0; i < nOut; i++) dLogStd![i] = acc[i]!;
    return;
  }
  for (let r = 0; r < n; r++) {
    const o = r * nOut;
    let max = -Infinity;
    for (let j = 0; j < nOut; j++) if (out[o + j]! > max) max = out[o + j]!;
    let sum = 0;
    for (let j = 0; j < nOut; j++) sum += Math.exp(out[o + j]! - max);
    const lse = max + Math.log(sum);
    let h = 0;
    for (let j = 0; j < nOut; j++) {
      const ls = out[o + j]! - lse;
      h -= Math.exp(ls) * ls;
    }
    const a = actions[r]! | 0;
    // an index outside the logits (tf.oneHot's zero row) has a constant log-prob of 0
    const g = a >= 0 && a < nOut ? gLogp[r]! : 0;
    for (let j = 0; j < nOut; j++) {
      const ls = out[o + j]! - lse;
      const p = Math.exp(ls);
      // dlogp/dl_j = [j = a] - p_j; dH/dl_j = -p_j (log p_j + H)
      dOut[o + j] = g * ((j === a ? 1 : 0) - p) - gEnt * p * (ls + h);
    }
  }
}

/**
 * The device forward pass of actor and critic, one read-back of their outputs, the host
 * loss gradient `loss(actorOut, values, dOut, dValue, dLogStd)` fills in, and the two
 * backward passes into `grads`.
 */
function gradients<S>(policy: ActorCritic, observations: Float32Array, n: number, grads: Float32Array[], loss: (actorOut: Float32Array, values: Float32Array, dOut: Float32Array, dValue: Float32Array, dLogStd: Float32Array | null) => S): S {
  const { actor, critic } = policy;
  const nOut = actor.sizes[actor.sizes.length - 1]!;
  const na = actor.variables.length;
  const nc = critic.variables.length;
  if (grads.length !== na + nc + (policy.logStd ? 1 : 0)) throw new Error(`actor-critic gradients: ${grads.length} arrays for ${policy.variables.length} variables`);
  let stats: S | undefined;
  tf.tidy(() => {
    const ta = forwardTape(actor, observations, n);
    const tc = forwardTape(critic, observations, n);
    const flat = tf.concat([tf.reshape(ta.output, [-1]), tf.reshape(tc.output, [-1])]).dataSync() as Float32Array;
    const out = flat.subarray(0, n * nOut);
    const values = flat.subarray(n * nOut, n * nOut + n);
    const dOut = buffer32(`dOut${n}x${nOut}`, n * nOut);
    const dValue = buffer32(`dValue${n}`, n);
    stats = loss(out, values, dOut, dValue, policy.logStd ? grads[na + nc]! : null);
    backwardHost(actor, ta, dOut, grads.slice(0, na));
    backwardHost(critic, tc, dValue, grads.slice(na, na + nc));
  });
  return stats!;
}

/**
 * PPO's clipped-surrogate loss gradient on one minibatch: writes dLoss/dparam into `grads`
 * (one array per policy variable, in `policy.variables` / `policy.hostArrays` order) and
 * returns the loss and its parts. Tidies its own tensors.
 */
export function ppoGradients(policy: ActorCritic, mb: PpoMinibatch, coefs: PpoLossCoefs, grads: Float32Array[]): PpoGradientStats {
  return gradients(policy, mb.observations, mb.n, grads, (out, values, dOut, dValue, dLogStd) => ppoOutputGradients(policy, mb, coefs, out, values, dOut, dValue, dLogStd));
}

/**
 * A2C's loss gradient on one batch: writes dLoss/dparam into `grads` (in
 * `policy.variables` / `policy.hostArrays` order) and returns the loss and its parts.
 */
export function a2cGradients(policy: ActorCritic, batch: A2cBatch, coefs: A2cLossCoefs, grads: Float32Array[]): A2cGradientStats {
  return gradients(policy, batch.observations, batch.n, grads, (out, values, dOut, dValue, dLogStd) => a2cOutputGradients(policy, batch, coefs, out, values, dOut, dValue, dLogStd));
}

/**
 * The host half of `ppoGradients`, for a caller with its own forward and backward passes:
 * from the actor's outputs `actorOut` (n x outputs: means or logits) and the values, the
 * PPO loss's gradient with respect to them (`dOut`, n x outputs; `dValue`, n) and, for a
 * Gaussian, to logStd (`dLogStd`, the logStd variable's gradient; null for a categorical).
 */
export function ppoOutputGradients(policy: ActorCritic, mb: PpoMinibatch, coefs: PpoLossCoefs, actorOut: Float32Array, values: Float32Array, dOut: Float32Array, dValue: Float32Array, dLogStd: Float32Array | null): PpoGradientStats {
  const n = mb.n;
  const { clipCoef: c, clipValueLoss, entCoef, vfCoef } = coefs;
  const lo = 1 - c;
  const hi = 1 + c;
  const logp = buffer("logp", n);
  const ent = buffer("ent", n);
  const gLogp = buffer("gLogp", n);
  logProbsAndEntropy(policy, actorOut, mb.actions, n, logp, ent);
  let pgSum = 0;
  let vSum = 0;
  let entSum = 0;
  let clipped = 0;
  let klSum = 0;
  for (let r = 0; r < n; r++) {
    const logRatio = logp[r]! - mb.oldLogProbs[r]!;
    const ratio = Math.exp(logRatio);
    const adv = mb.advantages[r]!;
    const pg1 = -adv * ratio;
    const inside = ratio >= lo && ratio <= hi;
    const pg2 = -adv * (ratio < lo ? lo : ratio > hi ? hi : ratio);
    // max(pg1, pg2): the gradient goes to pg1 where pg1 >= pg2, else through the clip
    let dRatio: number;
    if (pg1 >= pg2) {
      pgSum += pg1;
      dRatio = -adv;
    } else {
      pgSum += pg2;
      dRatio = inside ? -adv : 0;
    }
    gLogp[r] = (dRatio * ratio) / n;
    if (Math.abs(ratio - 1) > c) clipped++;
    klSum += ratio - 1 - logRatio;
    entSum += ent[r]!;

    const v = values[r]!;
    const ret = mb.returns[r]!;
    const e = v - ret;
    let dv: number;
    if (clipValueLoss) {
      const oldV = mb.oldValues[r]!;
      const dvOld = v - oldV;
      const vc = oldV + (dvOld < -c ? -c : dvOld > c ? c : dvOld);
      const unclippedSq = e * e;
      const clippedSq = (vc - ret) * (vc - ret);
      if (unclippedSq >= clippedSq) {
        vSum += unclippedSq;
        dv = e;
      } else {
        vSum += clippedSq;
        dv = dvOld >= -c && dvOld <= c ? vc - ret : 0;
      }
    } else {
      vSum += e * e;
      dv = e;
    }
    // d(vfCoef * 0.5 * mean(sq)) / dv = vfCoef * (v - R) / n
    dValue[r] = (vfCoef * dv) / n;
  }
  headGradients(policy, actorOut, mb.actions, n, gLogp, -entCoef / n, dOut, dLogStd);
  const policyLoss = pgSum / n;
  const valueLoss = (0.5 * vSum) / n;
  const entropy = entSum / n;
  return { loss: policyLoss - entCoef * entropy + vfCoef * valueLoss, clipFraction: clipped / n, policyLoss, valueLoss, entropy, approxKl: klSum / n };
}

/** The host half of `a2cGradients` (see `ppoOutputGradients`). */
export function a2cOutputGradients(policy: ActorCritic, batch: A2cBatch, coefs: A2cLossCoefs, actorOut: Float32Array, values: Float32Array, dOut: Float32Array, dValue: Float32Array, dLogStd: Float32Array | null): A2cGradientStats {
  const n = batch.n;
  const { entCoef, vfCoef } = coefs;
  const logp = buffer("logp", n);
  const ent = buffer("ent", n);
  const gLogp = buffer("gLogp", n);
  logProbsAndEntropy(policy, actorOut, batch.actions, n, logp, ent);
  let pgSum = 0;
  let vSum = 0;
  let entSum = 0;
  for (let r = 0; r < n; r++) {
    const adv = batch.advantages[r]!;
    pgSum += adv * logp[r]!;
    gLogp[r] = -adv / n;
    const e = values[r]! - batch.returns[r]!;
    vSum += e * e;
    // d(vfCoef * mean((R - v)^2)) / dv = 2 vfCoef (v - R) / n
    dValue[r] = (2 * vfCoef * e) / n;
    entSum += ent[r]!;
  }
  headGradients(policy, actorOut, batch.actions, n, gLogp, -entCoef / n, dOut, dLogStd);
  const policyLoss = -pgSum / n;
  const valueLoss = vSum / n;
  const entropy = entSum / n;
  return { loss: policyLoss - entCoef * entropy + vfCoef * valueLoss, policyLoss, valueLoss, entropy };
}
