/**
 * Running observation normalisation owned by a learner: `(x - mean) / sqrt(var + eps)`,
 * clipped to +-clip, with the statistics merged one observation at a time (Chan et al.
 * 1979, the same update and JSON state as src/core/wrappers/normalize-observation.ts).
 *
 * Why the learner owns it rather than a wrapper: a trained learner is a Policy that the
 * evaluation harness feeds the env's raw observations, so the normalisation must travel
 * with the weights. It is updated while training explores and frozen when `act()` is
 * called for evaluation; the state is saved beside the weights.
 */
import type { NormalizeObservationState } from "../src/core/wrappers/normalize-observation.js";

/** Per-dimension running mean and variance. */
export class ObservationNormalizer {
  #count: number;
  readonly #mean: Float64Array;
  readonly #var: Float64Array;
  /** 1 / sqrt(var + epsilon), refreshed after each update (the hot path divides by it). */
  readonly #invStd: Float64Array;

  /**
   * @param size observation length
   * @param enabled when false, `normalize` only copies (and clips nothing)
   * @param clip bound on each normalised value (SB3 VecNormalize: 10)
   * @param epsilon variance floor and initial pseudo-count (Gymnasium: 1e-8)
   */
  constructor(readonly size: number, readonly enabled = true, readonly clip = 10, readonly epsilon = 1e-8) {
    this.#count = epsilon;
    this.#mean = new Float64Array(size);
    this.#var = new Float64Array(size).fill(1);
    this.#invStd = new Float64Array(size).fill(1 / Math.sqrt(1 + epsilon));
  }

  /** Merges one raw observation into the statistics. */
  update(x: ArrayLike<number>): void {
    if (!this.enabled) return;
    const total = this.#count + 1;
    for (let i = 0; i < this.size; i++) {
      const delta = x[i]! - this.#mean[i]!;
      this.#mean[i] = this.#mean[i]! + delta / total;
      const m2 = this.#var[i]! * this.#count + (delta * delta * this.#count) / total;
      this.#var[i] = m2 / total;
      this.#invStd[i] = 1 / Math.sqrt(this.#var[i]! + this.epsilon);
    }
    this.#count = total;
  }

  /** Writes the normalised `x` into `out` at `offset` (float32 storage); returns `out`. */
  normalize(x: ArrayLike<number>, out: Float32Array = new Float32Array(this.size), offset = 0): Float32Array {
    if (!this.enabled) {
      for (let i = 0; i < this.size; i++) out[offset + i] = x[i]!;
      return out;
    }
    const c = this.clip;
    for (let i = 0; i < this.size; i++) {
      const z = (x[i]! - this.#mean[i]!) * this.#invStd[i]!;
      out[offset + i] = z > c ? c : z < -c ? -c : z;
    }
    return out;
  }

  /** The statistics as plain JSON (NormalizeObservation's format). */
  getState(): NormalizeObservationState {
    return { count: this.#count, mean: Array.from(this.#mean), var: Array.from(this.#var) };
  }

  /** Restores statistics saved by `getState()` (lengths are checked by the caller's schema). */
  setState(state: NormalizeObservationState): void {
    this.#count = state.count;
    this.#mean.set(state.mean);
    this.#var.set(state.var);
    for (let i = 0; i < this.size; i++) this.#invStd[i] = 1 / Math.sqrt(this.#var[i]! + this.epsilon);
  }
}
