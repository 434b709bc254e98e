/**
 * Rollout storage for on-policy actor-critics (PPO, A2C): `nSteps` consecutive transitions
 * of one env, their value estimates and log-probabilities, and the advantages and returns
 * computed from them with generalised advantage estimation (GAE, Schulman et al. 2016,
 * eq. 16), as SB3's RolloutBuffer does.
 *
 * Conventions a caller may rely on:
 * - `dones[t]` is 1 when the episode ended right after step t (terminated or truncated);
 *   the recurrence then neither bootstraps nor carries the advantage across the boundary.
 *   A truncation that should still bootstrap is handled by the caller adding
 *   gamma * V(final observation) to that step's reward before `add` (SB3's convention).
 * - delta_t = r_t + gamma * V_{t+1} * (1 - done_t) - V_t, with V_T = the `lastValue` given
 *   to `computeReturnsAndAdvantages`; A_t = delta_t + gamma * lambda * (1 - done_t) * A_{t+1};
 *   returns_t = A_t + V_t (the critic's target).
 * - Actions are stored as floats, `actionDim` per step (a Discrete action is one float).
 */
import { ConfigError } from "../src/core/errors.js";
import type { Rng } from "../src/core/rng.js";

/** Fixed-length on-policy storage with GAE. */
export class RolloutBuffer {
  readonly observations: Float32Array;
  readonly actions: Float32Array;
  readonly rewards: Float32Array;
  readonly dones: Float32Array;
  readonly values: Float32Array;
  readonly logProbs: Float32Array;
  readonly advantages: Float32Array;
  readonly returns: Float32Array;
  #size = 0;

  constructor(readonly nSteps: number, readonly obsDim: number, readonly actionDim: number) {
    if (!Number.isInteger(nSteps) || nSteps < 1) {
      throw new ConfigError("RolloutBuffer", [{ path: "nSteps", expected: "a positive integer", received: String(nSteps) }]);
    }
    this.observations = new Float32Array(nSteps * obsDim);
    this.actions = new Float32Array(nSteps * actionDim);
    this.rewards = new Float32Array(nSteps);
    this.dones = new Float32Array(nSteps);
    this.values = new Float32Array(nSteps);
    this.logProbs = new Float32Array(nSteps);
    this.advantages = new Float32Array(nSteps);
    this.returns = new Float32Array(nSteps);
  }

  /** Steps stored since the last `reset`. */
  get size(): number {
    return this.#size;
  }

  get full(): boolean {
    return this.#size === this.nSteps;
  }

  /** Empties the buffer for the next rollout. */
  reset(): void {
    this.#size = 0;
  }

  /**
   * Appends one step.
   * @throws ConfigError when the buffer is already full
   */
  add(observation: ArrayLike<number>, action: ArrayLike<number>, reward: number, done: boolean, value: number, logProb: number): void {
    const t = this.#size;
    if (t >= this.nSteps) {
      throw new ConfigError("RolloutBuffer.add", [{ path: "size", expected: `at most nSteps (${this.nSteps}) steps before reset()`, received: String(t + 1) }]);
    }
    for (let k = 0; k < this.obsDim; k++) this.observations[t * this.obsDim + k] = observation[k]!;
    for (let k = 0; k < this.actionDim; k++) this.actions[t * this.actionDim + k] = action[k]!;
    this.rewards[t] = reward;
    this.dones[t] = done ? 1 : 0;
    this.values[t] = value;
    this.logProbs[t] = logProb;
    this.#size = t + 1;
  }

  /**
   * Fills `advantages` and `returns` by GAE over the stored steps.
   * @param lastValue V of the observation after the last stored step (ignored when that step ended the episode)
   */
  computeReturnsAndAdvantages(lastValue: number, gamma: number, gaeLambda: number): void {
    let nextAdvantage = 0;
    let nextValue = lastValue;
    for (let t = this.#size - 1; t >= 0; t--) {
      const notDone = 1 - this.dones[t]!;
      const delta = this.rewards[t]! + gamma * nextValue * notDone - this.values[t]!;
      nextAdvantage = delta + gamma * gaeLambda * notDone * nextAdvantage;
      this.advantages[t] = nextAdvantage;
      this.returns[t] = nextAdvantage + this.values[t]!;
      nextValue = this.values[t]!;
    }
  }

  /**
   * A seeded permutation of the stored steps cut into minibatches of `batchSize`
   * (the last one shorter when `batchSize` does not divide the size).
   */
  minibatchIndices(rng: Rng, batchSize: number): Int32Array[] {
    const n = this.#size;
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

  /** Gathers rows `idx` of a per-step array with `width` floats per step. */
  static gather(src: Float32Array, width: number, idx: Int32Array): Float32Array {
    const out = new Float32Array(idx.length * width);
    for (let r = 0; r < idx.length; r++) out.set(src.subarray(idx[r]! * width, (idx[r]! + 1) * width), r * width);
    return out;
  }
}
