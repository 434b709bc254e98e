/**
 * A train step for the Mlp in few tfjs ops: the forward pass on the device with its
 * activations kept, the loss gradient with respect to the network's outputs computed by the
 * caller on the host (from read-back outputs, B x outputs floats), a hand-written backward
 * pass, and gradient clipping and Adam on host Float32Arrays.
 *
 * Why: on the wasm backend every op costs a fixed ~10-30 us whatever its size, and a
 * `tf.variableGrads` step with clipping and Adam dispatches ~150 of them for a 64-row batch
 * (~2.5 ms) while the arithmetic is ~0.2 ms. This path dispatches ~20 and computes the same
 * thing (test/agents/host-train.test.ts checks the gradients against `tf.variableGrads` and
 * a whole DQN update against the tfjs optimizer path).
 *
 * The host copy of the weights (`Mlp.host`) is the source of truth for a network trained
 * this way: `HostAdam.step` updates it and `Mlp.pushHost` uploads it to the variables.
 *
 * Layouts (wasm's matMul is fast only without transposes, so every product is arranged to
 * need none): for a layer y = h W + b with W of shape [in, out], the weight gradient is
 * h^T g. The input's transpose comes from the host (with a row of ones appended, so one
 * product yields [gW; gb]); a hidden activation is transposed on the device; the last
 * layer's gradient is computed as g^T h from the host-transposed output gradient. The
 * backward products g W^T use W^T uploaded from the host copy.
 */
import * as tf from "@tensorflow/tfjs";
import type { NamedArray } from "./io.js";
import { forwardDevice, type Mlp } from "./networks.js";

/** What the backward pass needs from a forward pass. */
export interface MlpTape {
  /** The host input, `rows` x sizes[0], row-major. */
  input: Float32Array;
  rows: number;
  /** Hidden activations h_1 .. h_{L-1} (after the nonlinearity), [rows, sizes[l]]. */
  hidden: tf.Tensor2D[];
  /** The outputs, [rows, sizes[L]]. */
  output: tf.Tensor2D;
}

export { forwardDevice } from "./networks.js";

/** Uploads `rows` x sizes[0] host inputs and runs the forward pass, keeping activations; call inside tf.tidy. */
export function forwardTape(net: Mlp, input: Float32Array, rows: number): MlpTape {
  const hidden: tf.Tensor2D[] = [];
  const output = forwardDevice(net, tf.tensor2d(input.subarray(0, rows * net.sizes[0]!), [rows, net.sizes[0]!]), hidden);
  return { input, rows, hidden, output };
}

/** `src` ([rows, cols], row-major) transposed into `out` ([cols, rows]). */
function transposeInto(src: Float32Array, rows: number, cols: number, out: Float32Array): Float32Array {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = src[o + c]!;
  }
  return out;
}

/** Scratch arrays reused across backward passes, keyed by size. */
const scratch = new Map<string, Float32Array>();
function buffer(key: string, n: number): Float32Array {
  let a = scratch.get(key);
  if (!a || a.length !== n) {
    a = new Float32Array(n);
    scratch.set(key, a);
  }
  return a;
}

/**
 * The gradients of sum(output ⊙ dOut) with respect to the network's variables, i.e. the
 * backward pass of an output gradient `dOut` ([rows, outputs], host, row-major), written into
 * `grads` (one array per variable, in `net.variables` order, row-major). Call inside tf.tidy
 * with a tape from `forwardTape` on the same weights.
 */
export function backwardHost(net: Mlp, tape: MlpTape, dOut: Float32Array, grads: Float32Array[]): void {
  const sizes = net.sizes;
  const L = sizes.length - 1;
  const R = tape.rows;
  const nOut = sizes[L]!;
  // the last layer's bias gradient: column sums of dOut, on the host
  const gbLast = grads[2 * L - 1]!;
  gbLast.fill(0);
  for (let r = 0; r < R; r++) for (let j = 0; j < nOut; j++) gbLast[j] = gbLast[j]! + dOut[r * nOut + j]!;

  const parts: tf.Tensor[] = [];
  let g = tf.tensor2d(dOut.subarray(0, R * nOut), [R, nOut]);
  // layers L-1 .. 1 take their input from a hidden activation h = tape.hidden[l-1]
  for (let l = L - 1; l >= 1; l--) {
    const h = tape.hidden[l - 1]!;
    const nIn = sizes[l]!;
    const no = sizes[l + 1]!;
    if (l === L - 1) {
      // g^T h = gW^T: the host transposes dOut, so no transpose on the device
      const gT = tf.tensor2d(transposeInto(dOut, R, nOut, buffer(`gT${R}x${nOut}`, R * nOut)), [nOut, R]);
      parts.push(tf.matMul(gT, h));
    } else {
      parts.push(tf.matMul(tf.transpose(h), g), tf.sum(g, 0));
    }
    const wT = tf.tensor2d(transposeInto(net.host[2 * l]!, nIn, no, buffer(`wT${l}`, nIn * no)), [no, nIn]);
    const back = tf.matMul(g, wT);
    g = net.activation === "relu" ? tf.mul(back, tf.step(h)) : tf.mul(back, tf.sub(1, tf.square(h)));
  }
  // layer 0: [x^T; 1] g = [gW0; gb0], x^T (with the row of ones) transposed on the host
  const n0 = sizes[0]!;
  const xT = buffer(`xT${R}x${n0}`, (n0 + 1) * R);
  transposeInto(tape.input, R, n0, xT);
  xT.fill(1, n0 * R);
  parts.push(tf.matMul(tf.tensor2d(xT, [n0 + 1, R]), g));

  // one read-back for every gradient
  const flat = parts.length === 1 ? parts[0]!.dataSync() as Float32Array : tf.concat(parts.map((p) => tf.reshape(p, [-1]))).dataSync() as Float32Array;
  let o = 0;
  for (let l = L - 1; l >= 1; l--) {
    const nIn = sizes[l]!;
    const no = sizes[l + 1]!;
    const gw = grads[2 * l]!;
    if (l === L - 1) {
      transposeInto(flat.subarray(o, o + no * nIn), no, nIn, gw);
      o += no * nIn;
    } else {
      gw.set(flat.subarray(o, o + nIn * no));
      o += nIn * no;
      grads[2 * l + 1]!.set(flat.subarray(o, o + no));
      o += no;
    }
  }
  const n1 = sizes[1]!;
  grads[0]!.set(flat.subarray(o, o + n0 * n1));
  o += n0 * n1;
  // (a single-layer net keeps the host's column sums as its bias gradient)
  if (L > 1) grads[1]!.set(flat.subarray(o, o + n1));
}

/** Arrays shaped like `net`'s variables, zeroed (for gradients). */
export function zerosLike(net: Mlp): Float32Array[] {
  return net.host.map((a) => new Float32Array(a.length));
}

/**
 * Scales `grads` in place to a global L2 norm of at most `maxNorm`, as `clipByGlobalNorm`
 * does (scale = min(1, maxNorm / (norm + 1e-6))); a non-positive `maxNorm` leaves them.
 * Returns the norm before clipping.
 */
export function clipByGlobalNormHost(grads: readonly Float32Array[], maxNorm: number): number {
  let sq = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) sq += g[i]! * g[i]!;
  const norm = Math.sqrt(sq);
  if (!(maxNorm > 0)) return norm;
  const scale = Math.min(1, maxNorm / (norm + 1e-6));
  if (scale !== 1) for (const g of grads) for (let i = 0; i < g.length; i++) g[i] = g[i]! * scale;
  return norm;
}

/**
 * Adam (Kingma & Ba 2015) on host arrays, step for step what `tf.train.adam` computes
 * (bias corrections from beta^t kept as a float32 running product, epsilon outside the
 * square root, the backend's epsilon by default), and saved in the same layout as
 * `optimizerArrays` saves a tfjs Adam: `optimizer/0` the iteration count, then the first
 * moments, then the second moments, in variable order.
 */
export class HostAdam {
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  iterations = 0;
  readonly m: Float32Array[];
  readonly v: Float32Array[];
  #accBeta1: number;
  #accBeta2: number;

  constructor(params: readonly Float32Array[], learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null) {
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon ?? tf.backend().epsilon();
    this.m = params.map((p) => new Float32Array(p.length));
    this.v = params.map((p) => new Float32Array(p.length));
    this.#accBeta1 = Math.fround(beta1);
    this.#accBeta2 = Math.fround(beta2);
  }

  /** One update of `params` (in place) from `grads`. */
  step(params: readonly Float32Array[], grads: readonly Float32Array[]): void {
    const b1 = this.beta1;
    const b2 = this.beta2;
    const c1 = 1 - this.#accBeta1;
    const c2 = 1 - this.#accBeta2;
    const lr = this.learningRate;
    const eps = this.epsilon;
    for (let k = 0; k < params.length; k++) {
      const p = params[k]!;
      const g = grads[k]!;
      const m = this.m[k]!;
      const v = this.v[k]!;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i]!;
        const mi = m[i]! * b1 + gi * (1 - b1);
        const vi = v[i]! * b2 + gi * gi * (1 - b2);
        m[i] = mi;
        v[i] = vi;
        p[i] = p[i]! - lr * ((m[i]! / c1) / (Math.sqrt(v[i]! / c2) + eps));
      }
    }
    this.#accBeta1 = Math.fround(this.#accBeta1 * Math.fround(b1));
    this.#accBeta2 = Math.fround(this.#accBeta2 * Math.fround(b2));
    this.iterations++;
  }

  /** The optimizer state as named arrays (`optimizer/0..2k`). */
  arrays(shapes: readonly (readonly number[])[]): NamedArray[] {
    const out: NamedArray[] = [{ name: "optimizer/0", shape: [], data: Float32Array.of(this.iterations) }];
    const k = this.m.length;
    this.m.forEach((m, i) => out.push({ name: `optimizer/${1 + i}`, shape: [...shapes[i]!], data: m.slice() }));
    this.v.forEach((v, i) => out.push({ name: `optimizer/${1 + k + i}`, shape: [...shapes[i]!], data: v.slice() }));
    return out;
  }

  /**
   * Restores state saved by `arrays` (or by `optimizerArrays` from a tfjs Adam over the same
   * variables); moments missing from the file (saved before the first update) start at zero.
   * Returns false when the file holds no optimizer state.
   */
  restore(arrays: Map<string, NamedArray>): boolean {
    const iter = arrays.get("optimizer/0");
    if (!iter) return false;
    this.iterations = Math.round(iter.data[0]!);
    const k = this.m.length;
    for (let i = 0; i < k; i++) {
      const m = arrays.get(`optimizer/${1 + i}`);
      const v = arrays.get(`optimizer/${1 + k + i}`);
      if (m) this.m[i]!.set(m.data);
      else this.m[i]!.fill(0);
      if (v) this.v[i]!.set(v.data);
      else this.v[i]!.fill(0);
    }
    // as tfjs' Adam.setWeights: beta^(t+1) for the next step
    this.#accBeta1 = Math.fround(Math.pow(this.beta1, this.iterations + 1));
    this.#accBeta2 = Math.fround(Math.pow(this.beta2, this.iterations + 1));
    return true;
  }
}

/**
 * Reads `tf.variableGrads` gradients back into host arrays (in `variables` order) with one
 * read-back; call inside tf.tidy.
 */
export function readGradients(variables: readonly tf.Variable[], grads: tf.NamedTensorMap, out: readonly Float32Array[]): void {
  const flat = tf.concat(variables.map((v) => tf.reshape(grads[v.name]!, [-1]))).dataSync() as Float32Array;
  let o = 0;
  for (const g of out) {
    g.set(flat.subarray(o, o + g.length));
    o += g.length;
  }
}

/**
 * RMSprop (non-centred) on host arrays, step for step what `tf.train.rmsprop` computes
 * (ms = decay ms + (1 - decay) g^2; mom = momentum mom + lr g / sqrt(ms + eps); p -= mom),
 * saved in the layout `optimizerArrays` gives a tfjs RMSprop: `optimizer/0` the iteration
 * count, then the mean squares, then the moments, in variable order.
 */
export class HostRmsProp {
  learningRate: number;
  readonly decay: number;
  readonly momentum: number;
  readonly epsilon: number;
  iterations = 0;
  readonly ms: Float32Array[];
  readonly mom: Float32Array[];

  constructor(params: readonly Float32Array[], learningRate: number, decay = 0.9, momentum = 0, epsilon: number | null = null) {
    this.learningRate = learningRate;
    this.decay = decay;
    this.momentum = momentum;
    this.epsilon = epsilon ?? tf.backend().epsilon();
    this.ms = params.map((p) => new Float32Array(p.length));
    this.mom = params.map((p) => new Float32Array(p.length));
  }

  /** One update of `params` (in place) from `grads`. */
  step(params: readonly Float32Array[], grads: readonly Float32Array[]): void {
    const { decay, momentum, epsilon } = this;
    const lr = this.learningRate;
    for (let k = 0; k < params.length; k++) {
      const p = params[k]!;
      const g = grads[k]!;
      const ms = this.ms[k]!;
      const mom = this.mom[k]!;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i]!;
        ms[i] = ms[i]! * decay + gi * gi * (1 - decay);
        mom[i] = mom[i]! * momentum + (gi * lr) / Math.sqrt(ms[i]! + epsilon);
        p[i] = p[i]! - mom[i]!;
      }
    }
    this.iterations++;
  }

  /** The optimizer state as named arrays (`optimizer/0..2k`). */
  arrays(shapes: readonly (readonly number[])[]): NamedArray[] {
    const out: NamedArray[] = [{ name: "optimizer/0", shape: [], data: Float32Array.of(this.iterations) }];
    const k = this.ms.length;
    this.ms.forEach((a, i) => out.push({ name: `optimizer/${1 + i}`, shape: [...shapes[i]!], data: a.slice() }));
    this.mom.forEach((a, i) => out.push({ name: `optimizer/${1 + k + i}`, shape: [...shapes[i]!], data: a.slice() }));
    return out;
  }

  /** Restores state saved by `arrays` (or by `optimizerArrays` from a tfjs RMSprop); false when there is none. */
  restore(arrays: Map<string, NamedArray>): boolean {
    const iter = arrays.get("optimizer/0");
    if (!iter) return false;
    this.iterations = Math.round(iter.data[0]!);
    const k = this.ms.length;
    for (let i = 0; i < k; i++) {
      const ms = arrays.get(`optimizer/${1 + i}`);
      const mom = arrays.get(`optimizer/${1 + k + i}`);
      if (ms) this.ms[i]!.set(ms.data);
      else this.ms[i]!.fill(0);
      if (mom) this.mom[i]!.set(mom.data);
      else this.mom[i]!.fill(0);
    }
    return true;
  }
}
