/**
 * Networks: multilayer perceptrons held as raw tfjs variables, with a second, plain
 * Float32Array copy of the weights for acting.
 *
 * Why raw variables and not tf.layers: the learners write their own train steps (see
 * host-train.ts: a hand-written backward pass for DQN, `tf.variableGrads` for PPO and A2C,
 * clipping and the optimizer on the host copy), which on the wasm backend cost a fraction of
 * `model.trainOnBatch`; and choosing one action is a 57-64-64-n product that plain
 * JavaScript does in ~15 us, against ~150 us for a tfjs `predict` of one row. A learner that
 * updates the host copy uploads it with `pushHost()`; `syncHost()` reads variables back.
 *
 * Initialisation is Glorot-uniform (He et al. use it too for ReLU MLPs of this size),
 * drawn from the run's seeded Rng, so the same seed gives the same weights on every
 * backend; biases start at zero. Output layers take a gain (CleanRL's PPO: 0.01 for the
 * actor head, 1 for the critic) that scales the initial range.
 */
import * as tf from "@tensorflow/tfjs";
import type { Rng } from "../src/core/rng.js";

/**
 * Rows from which `Mlp.forward` runs on the device: a batched action choice for N envs is one
 * upload, three fused products and one read-back there (~70-100 us for 4-64 rows of a
 * 57-64-64-3 net on wasm), while the plain-JS product grows with the rows (~50 us a row);
 * they cross between 2 and 4 rows (bench/forward-pass.ts).
 */
export const DEVICE_FORWARD_ROWS = 4;

/** Hidden-layer nonlinearity. */
export type Activation = "relu" | "tanh";

/** What an MLP looks like. */
export interface MlpSpec {
  /** Layer widths, input first, output last (e.g. [57, 64, 64, 11]). */
  sizes: readonly number[];
  /** Nonlinearity after every hidden layer (the output layer is linear). */
  activation: Activation;
  /** Scale of the output layer's initial weights (default 1). */
  outputGain?: number;
}

/** A fully connected network: variables for training, host arrays for acting. */
export class Mlp {
  readonly sizes: readonly number[];
  readonly activation: Activation;
  /** [W0, b0, W1, b1, ...]; Wi has shape [sizes[i], sizes[i+1]]. */
  readonly variables: tf.Variable[];
  /** Host copies of `variables`, in the same order, row-major. */
  readonly host: Float32Array[];
  /** Scratch activations per layer for host forward passes (grown on demand). */
  #scratch: Float32Array[] = [];
  #scratchRows = 0;

  constructor(spec: MlpSpec, rng: Rng) {
    this.sizes = [...spec.sizes];
    this.activation = spec.activation;
    this.variables = [];
    this.host = [];
    for (let i = 0; i + 1 < this.sizes.length; i++) {
      const fanIn = this.sizes[i]!;
      const fanOut = this.sizes[i + 1]!;
      const gain = i + 2 === this.sizes.length ? (spec.outputGain ?? 1) : 1;
      const limit = gain * Math.sqrt(6 / (fanIn + fanOut));
      const w = new Float32Array(fanIn * fanOut);
      for (let k = 0; k < w.length; k++) w[k] = rng.uniform(-limit, limit);
      const b = new Float32Array(fanOut);
      this.variables.push(tf.variable(tf.tensor2d(w, [fanIn, fanOut]), true));
      this.variables.push(tf.variable(tf.tensor1d(b), true));
      this.host.push(w, b);
    }
  }

  /** Number of scalars in the network. */
  get parameterCount(): number {
    return this.host.reduce((n, a) => n + a.length, 0);
  }

  /** The forward pass on tensors (for training; call inside tf.tidy or variableGrads). */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    const last = this.sizes.length - 2;
    for (let i = 0; i <= last; i++) {
      h = tf.add(tf.matMul(h, this.variables[2 * i] as tf.Tensor2D), this.variables[2 * i + 1]!);
      if (i < last) h = this.activation === "relu" ? tf.relu(h) : tf.tanh(h);
    }
    return h;
  }

  /**
   * The forward pass on the host copy: `rows` inputs of `sizes[0]` floats, row-major.
   * Returns a scratch array of `rows * outputSize` that the next call overwrites.
   */
  forwardHost(x: Float32Array, rows: number): Float32Array {
    if (rows > this.#scratchRows) {
      this.#scratch = this.sizes.slice(1).map((n) => new Float32Array(n * rows));
      this.#scratchRows = rows;
    }
    let input = x;
    const last = this.sizes.length - 2;
    for (let l = 0; l <= last; l++) {
      const nIn = this.sizes[l]!;
      const nOut = this.sizes[l + 1]!;
      const w = this.host[2 * l]!;
      const b = this.host[2 * l + 1]!;
      const out = this.#scratch[l]!;
      for (let r = 0; r < rows; r++) {
        const xo = r * nIn;
        const oo = r * nOut;
        for (let j = 0; j < nOut; j++) out[oo + j] = b[j]!;
        for (let k = 0; k < nIn; k++) {
          const xv = input[xo + k]!;
          if (xv === 0) continue;
          const wo = k * nOut;
          for (let j = 0; j < nOut; j++) out[oo + j] = out[oo + j]! + xv * w[wo + j]!;
        }
        if (l < last) {
          if (this.activation === "relu") {
            for (let j = 0; j < nOut; j++) if (out[oo + j]! < 0) out[oo + j] = 0;
          } else {
            for (let j = 0; j < nOut; j++) out[oo + j] = Math.tanh(out[oo + j]!);
          }
        }
      }
      input = out;
    }
    return input;
  }

  /**
   * The forward pass of `rows` inputs for acting: on the host copy below DEVICE_FORWARD_ROWS
   * rows, else on the device (a fresh array either way, or the host's scratch: consume it before
   * the next call).
   */
  forward(x: Float32Array, rows: number): Float32Array {
    if (rows < DEVICE_FORWARD_ROWS) return this.forwardHost(x, rows);
    const n0 = this.sizes[0]!;
    let out: Float32Array | null = null;
    // the array is not returned from tidy: tidy would walk its every element looking for tensors
    tf.tidy(() => { out = forwardDevice(this, tf.tensor2d(x.subarray(0, rows * n0), [rows, n0])).dataSync() as Float32Array; });
    return out!;
  }

  /** Reads the variables back into the host copy (after an update). */
  syncHost(): void {
    this.variables.forEach((v, i) => this.host[i]!.set(v.dataSync() as Float32Array));
  }

  /** Uploads the host copy to the variables (after a host-side update, see host-train.ts). */
  pushHost(): void {
    this.variables.forEach((v, i) => {
      const t = tf.tensor(this.host[i]!, v.shape);
      v.assign(t);
      t.dispose();
    });
  }

  /** Sets both the variables and the host copy from arrays in `variables` order. */
  setWeights(weights: readonly Float32Array[]): void {
    weights.forEach((w, i) => {
      const v = this.variables[i]!;
      tf.tidy(() => v.assign(tf.tensor(w, v.shape)));
      this.host[i]!.set(w);
    });
  }

  /** Copies of the weights (from the host copy, which `syncHost` keeps current). */
  getWeights(): Float32Array[] {
    return this.host.map((a) => a.slice());
  }

  /** Makes this network equal to `other` (DQN's hard target update). */
  copyFrom(other: Mlp): void {
    this.variables.forEach((v, i) => v.assign(other.variables[i]!));
    this.host.forEach((a, i) => a.set(other.host[i]!));
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/**
 * Clips gradients to a maximum global L2 norm (Pascanu et al. 2013; SB3's `max_grad_norm`).
 * Call inside tf.tidy. A non-positive `maxNorm` returns the gradients unchanged.
 */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): tf.NamedTensorMap {
  if (!(maxNorm > 0)) return grads;
  const names = Object.keys(grads);
  const sq = names.map((n) => tf.sum(tf.square(grads[n]!)));
  const norm = tf.sqrt(tf.addN(sq));
  const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
  const out: tf.NamedTensorMap = {};
  for (const n of names) out[n] = tf.mul(grads[n]!, scale);
  return out;
}

/** The forward pass with fused matMul+bias(+relu) ops; call inside tf.tidy. */
export function forwardDevice(net: Mlp, x: tf.Tensor2D, hidden?: tf.Tensor2D[]): tf.Tensor2D {
  let h = x;
  const last = net.sizes.length - 2;
  for (let i = 0; i <= last; i++) {
    const w = net.variables[2 * i] as tf.Tensor2D;
    const b = net.variables[2 * i + 1]!;
    if (i < last) {
      h = net.activation === "relu"
        ? tf.fused.matMul({ a: h, b: w, bias: b, activation: "relu" }) as tf.Tensor2D
        : tf.tanh(tf.fused.matMul({ a: h, b: w, bias: b })) as tf.Tensor2D;
      hidden?.push(h);
    } else {
      h = tf.fused.matMul({ a: h, b: w, bias: b }) as tf.Tensor2D;
    }
  }
  return h;
}
