/**
 * Rollout storage for on-policy actor-critics (PPO, A2C): `nSteps` vector steps of `numEnvs`
 * envs (T x N transitions), their value estimates and log-probabilities, and the advantages and
 * returns computed from them with generalised advantage estimation (GAE, Schulman et al. 2016,
 * eq. 16) along each env's own time line, as SB3's RolloutBuffer does.
 *
 * Conventions a caller may rely on:
 * - Layout: row `t * numEnvs + i` holds env i at vector step t (step-major), every per-row
 *   array alike; minibatches index rows.
 * - `dones[row]` is 1 when env i's episode ended right after step t (terminated or truncated);
 *   the recurrence then neither bootstraps nor carries the advantage across the boundary. A
 *   truncation that should still bootstrap is handled by the caller adding
 *   gamma * V(final observation) to that step's reward before `add` (SB3's convention).
 * - Per env: delta_t = r_t + gamma * V_{t+1} * (1 - done_t) - V_t, with V_T = env i's entry
 *   of the `lastValues` given to `computeReturnsAndAdvantages`;
 *   A_t = delta_t + gamma * lambda * (1 - done_t) * A_{t+1}; returns_t = A_t + V_t.
 * - Actions are stored as floats, `actionDim` per row (a Discrete action is one float).
 */
import { ConfigError } from "../src/core/errors.js";
import type { Rng } from "../src/core/rng.js";

/** Fixed-length on-policy storage with GAE, for `numEnvs` envs stepped together. */
export class RolloutBuffer {
  readonly observations: Float32Array;
  readonly actions: Float32Array;
  readonly rewards: Float32Array;
  readonly dones: Float32Array;
  readonly values: Float32Array;
  readonly logProbs: Float32Array;
  readonly advantages: Float32Array;
  readonly returns: Float32Array;
  #steps = 0;

  /**
   * @param nSteps vector steps per rollout
   * @param numEnvs envs per vector step (rows per step)
   * @throws ConfigError when nSteps or numEnvs is not a positive integer
   */
  constructor(readonly nSteps: number, readonly obsDim: number, readonly actionDim: number, readonly numEnvs = 1) {
    for (const [path, v] of [["nSteps", nSteps], ["numEnvs", numEnvs]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ConfigError("RolloutBuffer", [{ path, expected: "a positive integer", received: String(v) }]);
    }
    const rows = nSteps * numEnvs;
    this.observations = new Float32Array(rows * obsDim);
    this.actions = new Float32Array(rows * actionDim);
    this.rewards = new Float32Array(rows);
    this.dones = new Float32Array(rows);
    this.values = new Float32Array(rows);
    this.logProbs = new Float32Array(rows);
    this.advantages = new Float32Array(rows);
    this.returns = new Float32Array(rows);
  }

  /** Rows stored since the last `reset` (vector steps x numEnvs). */
  get size(): number {
    return this.#steps * this.numEnvs;
  }

  get full(): boolean {
    return this.#steps === this.nSteps;
  }

  /** Empties the buffer for the next rollout. */
  reset(): void {
    this.#steps = 0;
  }

  /**
   * Appends one vector step: `numEnvs` rows, each argument env-major (observations
   * numEnvs x obsDim, actions numEnvs x actionDim, the rest one entry per env).
   * @throws ConfigError when the buffer is already full
   */
  add(observations: ArrayLike<number>, actions: ArrayLike<number>, rewards: ArrayLike<number>, dones: ArrayLike<number>, values: ArrayLike<number>, logProbs: ArrayLike<number>): void {
    const t = this.#steps;
    if (t >= this.nSteps) {
      throw new ConfigError("RolloutBuffer.add", [{ path: "size", expected: `at most nSteps (${this.nSteps}) steps before reset()`, received: String(t + 1) }]);
    }
    const n = this.numEnvs;
    const row = t * n;
    const d = this.obsDim;
    const ad = this.actionDim;
    for (let k = 0; k < n * d; k++) this.observations[row * d + k] = observations[k]!;
    for (let k = 0; k < n * ad; k++) this.actions[row * ad + k] = actions[k]!;
    for (let i = 0; i < n; i++) {
      this.rewards[row + i] = rewards[i]!;
      this.dones[row + i] = dones[i] ? 1 : 0;
      this.values[row + i] = values[i]!;
      this.logProbs[row + i] = logProbs[i]!;
    }
    this.#steps = t + 1;
  }

  /**
   * Fills `advantages` and `returns` by GAE over the stored steps, env by env.
   * @param lastValues V of each env's observation after the last stored step (ignored where that step ended the episode); a number for a single env
   */
  computeReturnsAndAdvantages(lastValues: ArrayLike<number> | number, gamma: number, gaeLambda: number): void {
    const n = this.numEnvs;
    for (let i = 0; i < n; i++) {
      let nextAdvantage = 0;
      let nextValue = typeof lastValues === "number" ? lastValues : lastValues[i]!;
      for (let t = this.#steps - 1; t >= 0; t--) {
        const r = t * n + i;
        const notDone = 1 - this.dones[r]!;
        const delta = this.rewards[r]! + gamma * nextValue * notDone - this.values[r]!;
        nextAdvantage = delta + gamma * gaeLambda * notDone * nextAdvantage;
        this.advantages[r] = nextAdvantage;
        this.returns[r] = nextAdvantage + this.values[r]!;
        nextValue = this.values[r]!;
      }
    }
  }

  /**
   * A seeded permutation of the stored rows cut into minibatches of `batchSize`
   * (the last one shorter when `batchSize` does not divide the size).
   */
  minibatchIndices(rng: Rng, batchSize: number): Int32Array[] {
    const n = this.size;
    const perm = new Int32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    // Fisher-Yates with the run's stream: minibatch order follows the seed
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const tmp = perm[i]!;
      perm[i] = perm[j]!;
      perm[j] = tmp;
    }
    const out: Int32Array[] = [];
    for (let s = 0; s < n; s += batchSize) out.push(perm.subarray(s, Math.min(n, s + batchSize)));
    return out;
  }

  /** Gathers rows `idx` of a per-row array with `width` floats per row (into `out` when given). */
  static gather(src: Float32Array, width: number, idx: Int32Array, out: Float32Array = new Float32Array(idx.length * width)): Float32Array {
    if (width === 1) {
      for (let r = 0; r < idx.length; r++) out[r] = src[idx[r]!]!;
      return out;
    }
    for (let r = 0; r < idx.length; r++) out.set(src.subarray(idx[r]! * width, (idx[r]! + 1) * width), r * width);
    return out;
  }
}
