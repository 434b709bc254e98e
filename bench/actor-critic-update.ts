/**
 * Time per PPO minibatch gradient (loss, clip fraction and every variable's gradient on the
 * host; no clipping, no optimizer step, which every path shares) on the wasm backend, for a
 * 57-input actor-critic with two hidden layers of 64 (tanh), Gaussian with 1 action dim and
 * categorical with 3 actions, minibatches of 64, 256 and 1,024 rows. Prints the median of
 * many reps after a warm-up, and the tfjs kernels each path dispatches; asserts nothing.
 *
 *   npx tsx bench/actor-critic-update.ts [--reps N] [--backend wasm|cpu|tensorflow|auto]
 *
 * Paths:
 *   variableGrads  ppo.ts's update: tf.variableGrads over ActorCritic.evaluate and the loss,
 *                  one read-back of the gradients (readGradients) and of loss and clip fraction
 *   ppoGradients   agents/actor-critic-grad.ts: device forward passes (forwardTape), one
 *                  read-back of the outputs, the loss gradient on the host, backwardHost
 *   pure host      plain JavaScript forward and backward passes of both MLPs on the host copy
 *                  (no tfjs), with ppoGradients' host loss gradient (ppoOutputGradients)
 */
import * as tf from "@tensorflow/tfjs";
import { ActorCritic } from "../agents/actor-critic.js";
import { ppoGradients, ppoOutputGradients, type PpoLossCoefs, type PpoMinibatch } from "../agents/actor-critic-grad.js";
import { initBackend, type BackendPreference } from "../agents/backend.js";
import { readGradients } from "../agents/host-train.js";
import type { Mlp } from "../agents/networks.js";
import { Rng } from "../src/core/rng.js";
import { Box, Discrete, type Space } from "../src/core/spaces.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

const OBS = 57;
const HIDDEN = [64, 64];
const REPS = Number(arg("--reps", "200"));
const backend = await initBackend(arg("--backend", "wasm") as BackendPreference);
const COEFS: PpoLossCoefs = { clipCoef: 0.2, clipValueLoss: true, entCoef: 0.01, vfCoef: 0.5 };

// ---------------------------------------------------------------- the paths

/** ppo.ts's minibatch gradient, as it stands. */
function variableGradsPath(policy: ActorCritic, mb: PpoMinibatch, cfg: PpoLossCoefs, out: Float32Array[]): number {
  const n = mb.n;
  const vars = policy.variables;
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
      const unclipped = tf.square(tf.sub(e.value, returns));
      const vClipped = tf.add(oldValue, tf.clipByValue(tf.sub(e.value, oldValue), -cfg.clipCoef, cfg.clipCoef));
      const vLoss = tf.mul(0.5, tf.mean(tf.maximum(unclipped, tf.square(tf.sub(vClipped, returns)))));
      return tf.add(tf.sub(pgLoss, tf.mul(cfg.entCoef, tf.mean(e.entropy))), tf.mul(cfg.vfCoef, vLoss)) as tf.Scalar;
    }, vars);
    readGradients(vars, grads, out);
    return [value, clipped!];
  });
  const v = loss.dataSync()[0]! + clipFrac.dataSync()[0]!;
  loss.dispose();
  clipFrac.dispose();
  return v;
}

/** A plain JavaScript MLP (tanh) forward pass keeping activations, and its backward pass. */
class HostMlp {
  readonly acts: Float32Array[];
  readonly gAct: Float32Array[];
  constructor(readonly net: Mlp, rows: number) {
    this.acts = net.sizes.slice(1).map((s) => new Float32Array(rows * s));
    this.gAct = net.sizes.slice(1, -1).map((s) => new Float32Array(rows * s));
  }

  forward(x: Float32Array, rows: number): Float32Array {
    const { sizes, host } = this.net;
    let input = x;
    const last = sizes.length - 2;
    for (let l = 0; l <= last; l++) {
      const nIn = sizes[l]!;
      const nOut = sizes[l + 1]!;
      const w = host[2 * l]!;
      const b = host[2 * l + 1]!;
      const out = this.acts[l]!;
      for (let r = 0; r < rows; r++) {
        const xo = r * nIn;
        const oo = r * nOut;
        for (let j = 0; j < nOut; j++) out[oo + j] = b[j]!;
        for (let k = 0; k < nIn; k++) {
          const xv = input[xo + k]!;
          const wo = k * nOut;
          for (let j = 0; j < nOut; j++) out[oo + j] = out[oo + j]! + xv * w[wo + j]!;
        }
        if (l < last) for (let j = 0; j < nOut; j++) out[oo + j] = Math.tanh(out[oo + j]!);
      }
      input = out;
    }
    return input;
  }

  /** Gradients of sum(output ⊙ dOut) into `grads` (net.variables order); after `forward(x, rows)`. */
  backward(x: Float32Array, rows: number, dOut: Float32Array, grads: Float32Array[]): void {
    const { sizes, host } = this.net;
    let g = dOut;
    for (let l = sizes.length - 2; l >= 0; l--) {
      const nIn = sizes[l]!;
      const nOut = sizes[l + 1]!;
      const input = l === 0 ? x : this.acts[l - 1]!;
      const gw = grads[2 * l]!;
      const gb = grads[2 * l + 1]!;
      gw.fill(0);
      gb.fill(0);
      for (let r = 0; r < rows; r++) {
        const go = r * nOut;
        for (let j = 0; j < nOut; j++) gb[j] = gb[j]! + g[go + j]!;
        const xo = r * nIn;
        for (let k = 0; k < nIn; k++) {
          const xv = input[xo + k]!;
          const wo = k * nOut;
          for (let j = 0; j < nOut; j++) gw[wo + j] = gw[wo + j]! + xv * g[go + j]!;
        }
      }
      if (l === 0) break;
      // through W^T and tanh' = 1 - h^2
      const w = host[2 * l]!;
      const gIn = this.gAct[l - 1]!;
      for (let r = 0; r < rows; r++) {
        const go = r * nOut;
        const io = r * nIn;
        for (let k = 0; k < nIn; k++) {
          const wo = k * nOut;
          let s = 0;
          for (let j = 0; j < nOut; j++) s += w[wo + j]! * g[go + j]!;
          const h = input[io + k]!;
          gIn[io + k] = s * (1 - h * h);
        }
      }
      g = gIn;
    }
  }
}

function pureHostPath(policy: ActorCritic, nets: { actor: HostMlp; critic: HostMlp; dOut: Float32Array; dValue: Float32Array }, mb: PpoMinibatch, cfg: PpoLossCoefs, grads: Float32Array[]): number {
  const n = mb.n;
  const na = policy.actor.variables.length;
  const nc = policy.critic.variables.length;
  const out = nets.actor.forward(mb.observations, n);
  const values = nets.critic.forward(mb.observations, n);
  const stats = ppoOutputGradients(policy, mb, cfg, out, values, nets.dOut, nets.dValue, policy.logStd ? grads[na + nc]! : null);
  nets.actor.backward(mb.observations, n, nets.dOut, grads.slice(0, na));
  nets.critic.backward(mb.observations, n, nets.dValue, grads.slice(na, na + nc));
  return stats.loss;
}

// ---------------------------------------------------------------- the cases

function setup(space: Space<unknown>, n: number): { policy: ActorCritic; mb: PpoMinibatch } {
  const policy = new ActorCritic(OBS, space, HIDDEN, -0.5, new Rng(1, "x"));
  const rng = new Rng(2, "data");
  const d = policy.actionDim;
  const mb: PpoMinibatch = {
    observations: new Float32Array(n * OBS), actions: new Float32Array(n * d), oldLogProbs: new Float32Array(n),
    oldValues: new Float32Array(n), returns: new Float32Array(n), advantages: new Float32Array(n), n,
  };
  const sampler = new Rng(3, "sample");
  for (let r = 0; r < n; r++) {
    const obs = Float32Array.from({ length: OBS }, () => rng.normal());
    mb.observations.set(obs, r * OBS);
    const s = policy.sample(obs, sampler);
    mb.actions.set(s.raw, r * d);
    mb.oldLogProbs[r] = s.logProb + 0.1 * rng.normal();
    mb.oldValues[r] = s.value + 0.3 * rng.normal();
    mb.returns[r] = s.value + rng.normal();
    mb.advantages[r] = rng.normal();
  }
  return { policy, mb };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median ms per call over `reps` calls after `reps / 5` warm-up calls, the paths interleaved rep by rep. */
function time(fns: (() => unknown)[], reps: number): number[] {
  for (let i = 0; i < Math.max(10, reps / 5); i++) for (const f of fns) f();
  const samples = fns.map(() => [] as number[]);
  for (let i = 0; i < reps; i++) {
    fns.forEach((f, k) => {
      const t0 = performance.now();
      f();
      samples[k]!.push(performance.now() - t0);
    });
  }
  return samples.map(median);
}

async function kernels(f: () => unknown): Promise<number> {
  const info = await tf.profile(() => { f(); });
  return info.kernels.length;
}

function maxDiff(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  let m = 0;
  a.forEach((x, k) => { for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - b[k]![i]!)); });
  return m;
}

console.log(`PPO minibatch gradient, obs ${OBS}, hidden [${HIDDEN.join(", ")}] tanh, backend ${backend}, node ${process.version}; median ms of ${REPS} reps (fewer at 1,024 rows)`);
console.log(`  ${"policy".padEnd(16)} ${"rows".padStart(5)}  ${"variableGrads".padStart(13)}  ${"ppoGradients".padStart(12)}  ${"pure host".padStart(9)}  ${"speed-up".padStart(8)}  kernels (vG / pG)  max |grad diff| (pG, host)`);
for (const [label, space] of [["Gaussian, 1 dim", () => new Box({ low: -1, high: 1, shape: [1] })], ["categorical, 3", () => new Discrete(3)]] as const) {
  for (const n of [64, 256, 1024]) {
    const { policy, mb } = setup(space(), n);
    const ref = policy.hostArrays.map((a) => new Float32Array(a.length));
    const fast = policy.hostArrays.map((a) => new Float32Array(a.length));
    const host = policy.hostArrays.map((a) => new Float32Array(a.length));
    const nOut = policy.actor.sizes[policy.actor.sizes.length - 1]!;
    const nets = { actor: new HostMlp(policy.actor, n), critic: new HostMlp(policy.critic, n), dOut: new Float32Array(n * nOut), dValue: new Float32Array(n) };
    const fns = [() => variableGradsPath(policy, mb, COEFS, ref), () => ppoGradients(policy, mb, COEFS, fast), () => pureHostPath(policy, nets, mb, COEFS, host)];
    const [vg, pg, ph] = time(fns, n >= 1024 ? Math.max(10, Math.round(REPS / 8)) : REPS);
    const kv = await kernels(fns[0]!);
    const kp = await kernels(fns[1]!);
    const diff = `${maxDiff(fast, ref).toExponential(1)}, ${maxDiff(host, ref).toExponential(1)}`;
    console.log(`  ${label.padEnd(16)} ${String(n).padStart(5)}  ${vg!.toFixed(3).padStart(13)}  ${pg!.toFixed(3).padStart(12)}  ${ph!.toFixed(3).padStart(9)}  ${(vg! / pg!).toFixed(2).padStart(7)}x  ${String(kv).padStart(7)} / ${String(kp).padEnd(7)}  ${diff}`);
    policy.dispose();
  }
}
