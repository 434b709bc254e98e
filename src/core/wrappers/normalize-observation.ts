/**
 * NormalizeObservation: standardises each dimension of a Box observation with a running
 * mean and variance, `(x - mean) / sqrt(var + epsilon)`, as Gymnasium's wrapper does.
 *
 * The statistics start at mean 0, variance 1 and a pseudo-count of `epsilon` (so the
 * first observation is not divided by a zero variance) and are merged with each new
 * observation by the parallel-variance update of Chan et al. (1979), which for a batch
 * of one is Welford's update. They are updated on every observation of `reset` and
 * `step` while `update` is true; set `update = false` to freeze them for evaluation.
 *
 * What a caller may rely on:
 * - The observation space is an unbounded Box of the wrapped Box's shape and dtype; each
 *   returned observation is a new typed array of that dtype.
 * - `getState()` returns plain JSON; `setState()` on a fresh wrapper reproduces the same
 *   normalisation, so a trained agent can save and restore it.
 */
import { z } from "zod";
import type { Env } from "../env.js";
import { ConfigError, parseConfig } from "../errors.js";
import { Box, type BoxElement, type Space } from "../spaces.js";
import { ObservationWrapper, envIdOf } from "./wrapper.js";

/** The saved running statistics: plain JSON. */
export interface NormalizeObservationState {
  /** Pseudo-count of observations merged so far (starts at epsilon). */
  count: number;
  /** Running mean per dimension. */
  mean: number[];
  /** Running (population) variance per dimension. */
  var: number[];
}

const StateSchema = z.object({
  count: z.number().positive(),
  mean: z.array(z.number()),
  var: z.array(z.number().nonnegative()),
});

/** Standardises Box observations with running statistics. */
export class NormalizeObservation<Obs extends BoxElement, Act> extends ObservationWrapper<Obs, Act, Obs> {
  /** When false, observations are normalised with the current statistics but do not change them. */
  update = true;
  /** Added to the variance before the square root, and the initial pseudo-count. */
  readonly epsilon: number;
  readonly #inner: Box;
  readonly #space: Box;
  #count: number;
  readonly #mean: Float64Array;
  readonly #var: Float64Array;

  /**
   * @param env an env whose observation space is a Box
   * @param opts.epsilon added to the variance before the square root, and the initial count (default 1e-8)
   * @throws ConfigError when the observation space is not a Box or epsilon is not positive
   */
  constructor(env: Env<Obs, Act>, opts: { epsilon?: number } = {}) {
    super(env);
    const space = env.observationSpace;
    if (!(space instanceof Box)) {
      throw new ConfigError("NormalizeObservation", [{ path: "env.observationSpace", expected: "a Box", received: space.kind }]);
    }
    this.epsilon = opts.epsilon ?? 1e-8;
    if (!(this.epsilon > 0) || !Number.isFinite(this.epsilon)) {
      throw new ConfigError("NormalizeObservation", [{ path: "epsilon", expected: "a finite number > 0", received: String(this.epsilon) }]);
    }
    this.#inner = space;
    this.#space = new Box({ low: -Infinity, high: Infinity, shape: space.shape, dtype: space.dtype });
    this.#count = this.epsilon;
    this.#mean = new Float64Array(space.size);
    this.#var = new Float64Array(space.size).fill(1);
  }

  /** An unbounded Box of the wrapped observation space's shape and dtype (normalised values have no fixed bounds). */
  override get observationSpace(): Space<Obs> {
    return this.#space as unknown as Space<Obs>;
  }

  /** Running mean per dimension (a copy). */
  get mean(): Float64Array {
    return this.#mean.slice();
  }

  /** Running (population) variance per dimension (a copy). */
  get variance(): Float64Array {
    return this.#var.slice();
  }

  observation(observation: Obs): Obs {
    if (this.update) this.#merge(observation);
    const out = this.#inner.zeros() as Obs;
    for (let i = 0; i < out.length; i++) {
      out[i] = (observation[i]! - this.#mean[i]!) / Math.sqrt(this.#var[i]! + this.epsilon);
    }
    return out;
  }

  /** Merges one observation into the statistics (parallel update with a batch of one). */
  #merge(x: ArrayLike<number>): void {
    const total = this.#count + 1;
    for (let i = 0; i < this.#mean.length; i++) {
      const delta = x[i]! - this.#mean[i]!;
      this.#mean[i] = this.#mean[i]! + delta / total;
      const m2 = this.#var[i]! * this.#count + (delta * delta * this.#count) / total;
      this.#var[i] = m2 / total;
    }
    this.#count = total;
  }

  /** The running statistics as plain JSON. */
  getState(): NormalizeObservationState {
    return { count: this.#count, mean: Array.from(this.#mean), var: Array.from(this.#var) };
  }

  /**
   * Restores statistics saved by `getState()`.
   * @throws ConfigError naming each bad field, or the length mismatch with the observation size
   */
  setState(state: NormalizeObservationState): void {
    const owner = `${envIdOf(this)} NormalizeObservation state`;
    const parsed = parseConfig(owner, StateSchema, state);
    const size = this.#mean.length;
    const issues = (["mean", "var"] as const)
      .filter((k) => parsed[k].length !== size)
      .map((k) => ({ path: k, expected: `length ${size}`, received: `length ${parsed[k].length}` }));
    if (issues.length > 0) throw new ConfigError(owner, issues);
    this.#count = parsed.count;
    this.#mean.set(parsed.mean);
    this.#var.set(parsed.var);
  }
}
