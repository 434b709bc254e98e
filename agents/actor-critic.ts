/**
 * The actor-critic policy shared by PPO and A2C (SB3's ActorCriticPolicy): separate actor
 * and critic MLPs (CleanRL's ppo_continuous_action.py), a Gaussian head with a learned,
 * state-independent log standard deviation for Box actions, a categorical head for Discrete.
 *
 * Box actions and bounds: the Gaussian lives in a normalised space u in R^d where [-1, 1]
 * maps affinely onto [low, high]. The sampled u is CLIPPED to [-1, 1] before it is mapped
 * and sent to the env (the env rejects out-of-box actions), while log-probabilities are
 * those of the unclipped u, as in CleanRL and SB3 (clipping rather than tanh squashing:
 * bang-bang battery dispatch sits on the bounds, where a tanh-squashed Gaussian needs
 * ever larger pre-activations). The deterministic action is the clipped mean.
 *
 * `initActionMean` (Box only, in the Box's own units) starts the Gaussian's mean there rather
 * than at the middle of the Box: the actor head's bias is set to its normalised value, so with
 * the small initial head the untrained policy acts at that point (exactly where the hidden
 * activations are 0, e.g. at a zero normalised observation) and explores around it. Used where
 * a known rule is one point of the action space (Microgrid's `balance` action: [1, 0] is the
 * myopic rule), so training starts from the rule instead of half of it.
 *
 * `actorInputs` (a centralised critic, MAPPO's): the actor reads only the first `actorInputs`
 * observation elements. Its first layer's weights from the other inputs start at 0 and their
 * gradients are zeroed before every optimizer step (`maskActorGradients`), so they stay 0 under
 * Adam and RMSprop: the policy is a function of the agent's own observation, while the critic
 * reads the whole observation (the team state after it).
 */
import * as tf from "@tensorflow/tfjs";
import { ConfigError } from "../src/core/errors.js";
import type { Rng } from "../src/core/rng.js";
import { Box, Discrete, type Space } from "../src/core/spaces.js";
import { networkArrays, takeArrays, type NamedArray } from "./io.js";
import { Mlp } from "./networks.js";

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** What the actor samples: the raw action (u for Box, the index for Discrete), its log-prob and the state value. */
export interface PolicySample {
  raw: Float32Array;
  logProb: number;
  value: number;
}

/** Actor, critic and (for Box) the learned log standard deviation. */
export class ActorCritic {
  readonly kind: "gaussian" | "categorical";
  /** Floats per stored raw action: the Box size, or 1 (the index) for Discrete. */
  readonly actionDim: number;
  readonly actor: Mlp;
  readonly critic: Mlp;
  readonly logStd: tf.Variable | null;
  /** Leading observation elements the actor reads; the actor's weights from the rest stay 0. */
  readonly actorInputs: number;
  #logStdHost: Float32Array;
  readonly #box: Box | null;
  readonly #discrete: Discrete | null;
  readonly #raw: Float32Array;

  /**
   * @param initLogStd the Gaussian's initial log standard deviation: one for every dimension, or one per dimension
   * @param initActionMean the Gaussian's initial mean in Box units, one number per dimension (null: the middle of the Box)
   * @param actorInputs the leading observation elements the actor reads (null: all; see the file header)
   * @throws ConfigError when the space is not Discrete or a Box with finite bounds, or `initActionMean`
   *   is given for a Discrete space, has the wrong length or lies outside the Box
   */
  constructor(observationSize: number, actionSpace: Space<unknown>, hiddenSizes: readonly number[], initLogStd: number | readonly number[], rng: Rng, initActionMean: readonly number[] | null = null, actorInputs: number | null = null) {
    if (actionSpace instanceof Box) {
      const finite = Array.from(actionSpace.low).every(Number.isFinite) && Array.from(actionSpace.high).every(Number.isFinite);
      if (!finite) {
        throw new ConfigError("actor-critic", [{ path: "env.actionSpace", expected: "a Box with finite bounds (actions are clipped into them)", received: JSON.stringify(actionSpace.toJSON()) }]);
      }
      this.kind = "gaussian";
      this.#box = actionSpace;
      this.#discrete = null;
      this.actionDim = actionSpace.size;
    } else if (actionSpace instanceof Discrete) {
      this.kind = "categorical";
      this.#box = null;
      this.#discrete = actionSpace;
      this.actionDim = 1;
    } else {
      throw new ConfigError("actor-critic", [{ path: "env.actionSpace", expected: "a Box or Discrete", received: actionSpace.kind }]);
    }
    const outputs = this.#box ? this.#box.size : this.#discrete!.n;
    // CleanRL: actor head initialised small (0.01) so early actions sit near the middle; critic head gain 1
    this.actor = new Mlp({ sizes: [observationSize, ...hiddenSizes, outputs], activation: "tanh", outputGain: 0.01 }, rng.child("actor"));
    this.critic = new Mlp({ sizes: [observationSize, ...hiddenSizes, 1], activation: "tanh", outputGain: 1 }, rng.child("critic"));
    if (initActionMean !== null) this.#setInitialMean(initActionMean);
    if (actorInputs !== null && !(Number.isInteger(actorInputs) && actorInputs >= 1 && actorInputs <= observationSize)) {
      throw new ConfigError("actor-critic", [{ path: "actorObservationSize", expected: `an integer from 1 to the observation size ${observationSize}`, received: String(actorInputs) }]);
    }
    this.actorInputs = actorInputs ?? observationSize;
    if (this.actorInputs < observationSize) {
      // W0 is [observationSize, hidden] row-major: the rows of the critic-only inputs are its tail
      this.maskActorGradients(this.actor.host);
      this.actor.pushHost();
    }
    this.#logStdHost = new Float32Array(this.#box ? outputs : 0);
    if (typeof initLogStd === "number") this.#logStdHost.fill(initLogStd);
    else if (this.#box && initLogStd.length !== outputs) {
      throw new ConfigError("actor-critic", [{ path: "hyperparameters.initLogStd", expected: `a number or ${outputs} numbers, one per action dimension`, received: JSON.stringify(initLogStd) }]);
    } else if (this.#box) this.#logStdHost.set(initLogStd);
    this.logStd = this.#box ? tf.variable(tf.tensor2d(this.#logStdHost, [1, outputs]), true) : null;
    this.#raw = new Float32Array(this.actionDim);
  }

  /** Sets the actor head's bias to `mean` (Box units) in the normalised space; see the file header. */
  #setInitialMean(mean: readonly number[]): void {
    const box = this.#box;
    const fail = (expected: string) => new ConfigError("actor-critic", [{ path: "hyperparameters.initActionMean", expected, received: JSON.stringify(mean) }]);
    if (box === null) throw fail("no initActionMean: it applies to Box actions only");
    if (mean.length !== box.size) throw fail(`${box.size} numbers, one per action dimension`);
    const u = mean.map((a, i) => {
      const lo = box.low[i]!;
      const hi = box.high[i]!;
      if (!(a >= lo && a <= hi)) throw fail(`numbers within the action Box [${Array.from(box.low).join(", ")}] .. [${Array.from(box.high).join(", ")}]`);
      return hi > lo ? (2 * (a - lo)) / (hi - lo) - 1 : 0;
    });
    const last = this.actor.variables.length - 1;
    const bias = this.actor.host[last]!;
    bias.set(u);
    const t = tf.tensor1d(bias);
    this.actor.variables[last]!.assign(t);
    t.dispose();
  }

  /**
   * Zeroes the actor's first-layer entries from the inputs past `actorInputs` in `arrays` (the
   * host arrays or their gradients, in `hostArrays` order); nothing when the actor reads every input.
   */
  maskActorGradients(arrays: readonly Float32Array[]): void {
    if (this.actorInputs === this.actor.sizes[0]) return;
    arrays[0]!.fill(0, this.actorInputs * this.actor.sizes[1]!);
  }

  /** Every trainable variable, in a fixed order (the optimizer pairs its slots by position). */
  get variables(): tf.Variable[] {
    return [...this.actor.variables, ...this.critic.variables, ...(this.logStd ? [this.logStd] : [])];
  }

  /** V(s) of one normalised observation. */
  value(obs: Float32Array): number {
    return this.critic.forwardHost(obs, 1)[0]!;
  }

  /** Samples an action for one normalised observation with `rng`. */
  sample(obs: Float32Array, rng: Rng): PolicySample {
    const out = this.actor.forwardHost(obs, 1);
    const raw = new Float32Array(this.actionDim);
    let logProb = 0;
    if (this.kind === "gaussian") {
      for (let i = 0; i < this.actionDim; i++) {
        const logStd = this.#logStdHost[i]!;
        const z = rng.normal();
        raw[i] = out[i]! + Math.exp(logStd) * z;
        logProb += -0.5 * z * z - logStd - LOG_SQRT_2PI;
      }
    } else {
      const n = out.length;
      let max = -Infinity;
      for (let i = 0; i < n; i++) max = Math.max(max, out[i]!);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += Math.exp(out[i]! - max);
      let u = rng.next() * sum;
      let k = n - 1;
      for (let i = 0; i < n; i++) {
        u -= Math.exp(out[i]! - max);
        if (u < 0) { k = i; break; }
      }
      raw[0] = k;
      logProb = out[k]! - max - Math.log(sum);
    }
    return { raw, logProb, value: this.value(obs) };
  }

  /**
   * Samples actions for `rows` normalised observations (rows x obs) with `rng`, env by env,
   * in one actor and one critic forward pass: writes the raw actions (rows x actionDim), their
   * log-probabilities and the state values.
   */
  sampleBatch(obs: Float32Array, rows: number, rng: Rng, raw: Float32Array, logProbs: Float32Array, values: Float32Array): void {
    const out = this.actor.forward(obs, rows);
    const v = this.critic.forward(obs, rows);
    for (let r = 0; r < rows; r++) values[r] = v[r]!;
    const ad = this.actionDim;
    if (this.kind === "gaussian") {
      for (let r = 0; r < rows; r++) {
        let logProb = 0;
        for (let i = 0; i < ad; i++) {
          const logStd = this.#logStdHost[i]!;
          const z = rng.normal();
          raw[r * ad + i] = out[r * ad + i]! + Math.exp(logStd) * z;
          logProb += -0.5 * z * z - logStd - LOG_SQRT_2PI;
        }
        logProbs[r] = logProb;
      }
      return;
    }
    const n = this.#discrete!.n;
    for (let r = 0; r < rows; r++) {
      const o = r * n;
      let max = -Infinity;
      for (let i = 0; i < n; i++) max = Math.max(max, out[o + i]!);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += Math.exp(out[o + i]! - max);
      let u = rng.next() * sum;
      let k = n - 1;
      for (let i = 0; i < n; i++) {
        u -= Math.exp(out[o + i]! - max);
        if (u < 0) { k = i; break; }
      }
      raw[r] = k;
      logProbs[r] = out[o + k]! - max - Math.log(sum);
    }
  }

  /** V(s) of `rows` normalised observations (rows x obs), into `out`. */
  valueBatch(obs: Float32Array, rows: number, out: Float32Array): Float32Array {
    const v = this.critic.forward(obs, rows);
    for (let r = 0; r < rows; r++) out[r] = v[r]!;
    return out;
  }

  /** Writes the env action of raw action `row` (clipped and rescaled, or the index plus `start`) into `out` at `offset`. */
  writeEnvAction(raw: Float32Array, row: number, out: Float64Array, offset: number): void {
    if (this.#discrete) {
      out[offset] = this.#discrete.start + raw[row]!;
      return;
    }
    const box = this.#box!;
    const k = box.size;
    for (let i = 0; i < k; i++) {
      const x = raw[row * k + i]!;
      const u = x > 1 ? 1 : x < -1 ? -1 : x;
      const lo = box.low[i]!;
      const hi = box.high[i]!;
      // rounded to the Box's dtype as the env will store it, then kept inside the bounds
      const y = box.dtype === "float32" ? Math.fround(lo + ((u + 1) / 2) * (hi - lo)) : lo + ((u + 1) / 2) * (hi - lo);
      out[offset + i] = y > hi ? hi : y < lo ? lo : y;
    }
  }

  /** The deterministic raw action: the mean (Box) or the most likely index (Discrete). */
  deterministic(obs: Float32Array): Float32Array {
    const out = this.actor.forwardHost(obs, 1);
    if (this.kind === "gaussian") {
      this.#raw.set(out.subarray(0, this.actionDim));
    } else {
      let best = 0;
      for (let i = 1; i < out.length; i++) if (out[i]! > out[best]!) best = i;
      this.#raw[0] = best;
    }
    return this.#raw;
  }

  /** Maps a raw action to one the env accepts: clipped and rescaled (Box) or the index plus `start` (Discrete). */
  toEnvAction(raw: Float32Array): Float32Array | number {
    if (this.#discrete) return this.#discrete.start + raw[0]!;
    const box = this.#box!;
    const a = box.zeros();
    for (let i = 0; i < box.size; i++) {
      const u = raw[i]! > 1 ? 1 : raw[i]! < -1 ? -1 : raw[i]!;
      const lo = box.low[i]!;
      const hi = box.high[i]!;
      const x = lo + ((u + 1) / 2) * (hi - lo);
      a[i] = x > hi ? hi : x < lo ? lo : x;
    }
    return a as Float32Array;
  }

  /**
   * Log-probability and entropy of `actions` under the current policy, and V(s), for a
   * batch (call inside tf.tidy / variableGrads).
   */
  evaluate(obs: tf.Tensor2D, actions: tf.Tensor2D): { logProb: tf.Tensor1D; entropy: tf.Tensor1D; value: tf.Tensor1D } {
    const value = tf.squeeze(this.critic.apply(obs), [1]) as tf.Tensor1D;
    const out = this.actor.apply(obs);
    if (this.kind === "gaussian") {
      const logStd = this.logStd!;
      const z = tf.div(tf.sub(actions, out), tf.exp(logStd));
      const logProb = tf.sum(tf.sub(tf.sub(tf.mul(-0.5, tf.square(z)), logStd), LOG_SQRT_2PI), 1) as tf.Tensor1D;
      const entropyPerDim = tf.add(logStd, 0.5 + LOG_SQRT_2PI);
      const entropy = tf.mul(tf.sum(entropyPerDim), tf.onesLike(value)) as tf.Tensor1D;
      return { logProb, entropy, value };
    }
    const logits = tf.logSoftmax(out);
    const idx = tf.cast(tf.squeeze(actions, [1]), "int32") as tf.Tensor1D;
    const logProb = tf.sum(tf.mul(logits, tf.oneHot(idx, out.shape[1])), 1) as tf.Tensor1D;
    const entropy = tf.neg(tf.sum(tf.mul(tf.exp(logits), logits), 1)) as tf.Tensor1D;
    return { logProb, entropy, value };
  }

  /** The host copies in `variables` order (the arrays a host optimizer updates; see host-train.ts). */
  get hostArrays(): Float32Array[] {
    return [...this.actor.host, ...this.critic.host, ...(this.logStd ? [this.#logStdHost] : [])];
  }

  /** Uploads the host copies to the variables (after a host-side update). */
  pushHost(): void {
    this.actor.pushHost();
    this.critic.pushHost();
    if (this.logStd) {
      const t = tf.tensor(this.#logStdHost, this.logStd.shape);
      this.logStd.assign(t);
      t.dispose();
    }
  }

  /** Reads the variables back into the host copies (after an update). */
  syncHost(): void {
    this.actor.syncHost();
    this.critic.syncHost();
    if (this.logStd) this.#logStdHost.set(this.logStd.dataSync() as Float32Array);
  }

  arrays(): NamedArray[] {
    const out = [...networkArrays("actor", this.actor.variables, this.actor.host), ...networkArrays("critic", this.critic.variables, this.critic.host)];
    if (this.logStd) out.push({ name: "logStd", shape: [...this.logStd.shape], data: this.#logStdHost.slice() });
    return out;
  }

  setArrays(arrays: Map<string, NamedArray>): void {
    this.actor.setWeights(takeArrays(arrays, "actor", this.actor.variables.length));
    this.critic.setWeights(takeArrays(arrays, "critic", this.critic.variables.length));
    if (this.logStd) {
      const a = arrays.get("logStd");
      if (!a) throw new ConfigError("saved model", [{ path: "weights.bin: logStd", expected: "a stored array", received: "missing" }]);
      const logStd = this.logStd;
      tf.tidy(() => logStd.assign(tf.tensor(a.data, logStd.shape)));
      this.#logStdHost.set(a.data);
    }
  }

  weights(): Float32Array[] {
    return [...this.actor.getWeights(), ...this.critic.getWeights(), ...(this.logStd ? [this.#logStdHost.slice()] : [])];
  }

  dispose(): void {
    this.actor.dispose();
    this.critic.dispose();
    this.logStd?.dispose();
  }
}
