/**
 * Replay buffer for off-policy learners (DQN): a ring of the last `capacity` transitions
 * in preallocated typed arrays, sampled uniformly with a seeded generator (SB3's
 * ReplayBuffer, without its numpy global RNG).
 *
 * What a caller may rely on:
 * - Ring semantics: after `capacity` additions the oldest transition is overwritten first;
 *   `size` is min(additions, capacity).
 * - Sampling draws indices with replacement, uniformly over the stored transitions, from
 *   the Rng given at construction: the same seed and the same additions give the same batches.
 * - `sample` writes into arrays it reuses: consume a batch before sampling the next one.
 * - `terminated` is stored, not `truncated`: a time limit is no terminal state, so the
 *   learner still bootstraps from the next observation (Pardo et al. 2018).
 * - `steps` is how many env steps the stored reward spans (1 for a one-step transition, up to n
 *   for n-step returns): the learner discounts the next observation's value by gamma^steps.
 */
import { ConfigError } from "../src/core/errors.js";
import type { Rng } from "../src/core/rng.js";

/** One batch, in arrays of `batchSize` rows (observations row-major). */
export interface ReplayBatch {
  observations: Float32Array;
  actions: Int32Array;
  rewards: Float32Array;
  nextObservations: Float32Array;
  /** 1 where the episode reached a terminal state at this transition. */
  terminated: Float32Array;
  /** Env steps from the observation to the next observation (the reward's span). */
  steps: Uint8Array;
  batchSize: number;
}

/** Uniform replay over a fixed-size ring of discrete-action transitions. */
export class ReplayBuffer {
  readonly observations: Float32Array;
  readonly nextObservations: Float32Array;
  readonly actions: Int32Array;
  readonly rewards: Float32Array;
  readonly terminated: Uint8Array;
  readonly steps: Uint8Array;
  #position = 0;
  #size = 0;
  #batch: ReplayBatch | null = null;

  /**
   * @param capacity transitions kept, a positive integer
   * @param obsDim floats per observation
   * @param rng the sampling stream (derive it from the run seed)
   */
  constructor(readonly capacity: number, readonly obsDim: number, readonly rng: Rng) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new ConfigError("ReplayBuffer", [{ path: "capacity", expected: "a positive integer", received: String(capacity) }]);
    }
    this.observations = new Float32Array(capacity * obsDim);
    this.nextObservations = new Float32Array(capacity * obsDim);
    this.actions = new Int32Array(capacity);
    this.rewards = new Float32Array(capacity);
    this.terminated = new Uint8Array(capacity);
    this.steps = new Uint8Array(capacity);
  }

  /** Transitions stored. */
  get size(): number {
    return this.#size;
  }

  /** Index the next transition is written to. */
  get position(): number {
    return this.#position;
  }

  /**
   * Stores one transition, overwriting the oldest when full.
   * @param steps env steps the reward spans (n-step returns), 1 to 255
   */
  add(observation: ArrayLike<number>, action: number, reward: number, nextObservation: ArrayLike<number>, terminated: boolean, steps = 1): void {
    const i = this.#position;
    const o = i * this.obsDim;
    for (let k = 0; k < this.obsDim; k++) {
      this.observations[o + k] = observation[k]!;
      this.nextObservations[o + k] = nextObservation[k]!;
    }
    this.actions[i] = action;
    this.rewards[i] = reward;
    this.terminated[i] = terminated ? 1 : 0;
    this.steps[i] = steps;
    this.#position = (i + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size++;
  }

  /**
   * Draws `batchSize` stored transitions uniformly with replacement.
   * @param transform optional per-observation transform written into the batch (e.g. normalisation)
   * @throws ConfigError when the buffer is empty
   */
  sample(batchSize: number, transform?: (src: Float32Array, out: Float32Array, offset: number) => void): ReplayBatch {
    if (this.#size === 0) {
      throw new ConfigError("ReplayBuffer.sample", [{ path: "size", expected: "at least one stored transition", received: "0" }]);
    }
    let b = this.#batch;
    if (b === null || b.batchSize !== batchSize) {
      b = {
        observations: new Float32Array(batchSize * this.obsDim),
        actions: new Int32Array(batchSize),
        rewards: new Float32Array(batchSize),
        nextObservations: new Float32Array(batchSize * this.obsDim),
        terminated: new Float32Array(batchSize),
        steps: new Uint8Array(batchSize),
        batchSize,
      };
      this.#batch = b;
    }
    const d = this.obsDim;
    for (let r = 0; r < batchSize; r++) {
      const i = this.rng.int(this.#size);
      const src = this.observations.subarray(i * d, (i + 1) * d);
      const nsrc = this.nextObservations.subarray(i * d, (i + 1) * d);
      if (transform) {
        transform(src, b.observations, r * d);
        transform(nsrc, b.nextObservations, r * d);
      } else {
        b.observations.set(src, r * d);
        b.nextObservations.set(nsrc, r * d);
      }
      b.actions[r] = this.actions[i]!;
      b.rewards[r] = this.rewards[i]!;
      b.terminated[r] = this.terminated[i]!;
      b.steps[r] = this.steps[i]!;
    }
    return b;
  }
}
