/**
 * The action check of step() for Box action spaces: as strict as `Box.contains`, at the cost
 * of a few comparisons for the float arrays learners pass.
 *
 * A float32 Box accepts an element one float32 rounding past its bound (a float32 cannot
 * always hold the bound itself); the value read back is pulled to the exact bound, so the
 * physics never sees more than the bound. Anything else that is not a number within the
 * bounds (NaN, a string, null, a nested array, an array-like object, a BigInt64Array, the
 * wrong length) is refused with the Box's own InvalidActionError, which names the index,
 * the bounds and the value received.
 */
import { InvalidActionError, describeValue } from "./errors.js";
import type { Box } from "./spaces.js";

/**
 * The step-time check of actions for one Box action space (see the file header for what it accepts and what
 * it refuses).
 */
export class BoxActionCheck {
  readonly space: Box;
  readonly size: number;
  readonly #low: Float64Array;
  readonly #high: Float64Array;
  readonly #lowTol: Float64Array;
  readonly #highTol: Float64Array;

  constructor(space: Box) {
    this.space = space;
    this.size = space.size;
    this.#low = space.low;
    this.#high = space.high;
    const f32 = space.dtype === "float32";
    this.#lowTol = Float64Array.from(space.low, (lo) => (f32 ? Math.min(lo, Math.fround(lo)) : lo));
    this.#highTol = Float64Array.from(space.high, (hi) => (f32 ? Math.max(hi, Math.fround(hi)) : hi));
  }

  /**
   * Checks `action` and writes its elements, pulled back to the exact bounds, to
   * out[at .. at + size - 1]. Throws InvalidActionError naming `owner` otherwise.
   */
  read(owner: string, action: unknown, out: Float64Array, at = 0): void {
    // typed float arrays hold numbers only: their check is the bound test below; anything else
    // gets Box's full membership test first (plain arrays of numbers pass it)
    if (!(action instanceof Float32Array || action instanceof Float64Array)) this.space.assertAction(owner, action);
    const a = action as ArrayLike<number>;
    const n = this.size;
    if (a.length !== n) this.space.assertAction(owner, action);
    for (let k = 0; k < n; k++) {
      const v = a[k]!;
      if (!(v >= this.#lowTol[k]! && v <= this.#highTol[k]!)) this.#fail(owner, action, k);
      const lo = this.#low[k]!;
      const hi = this.#high[k]!;
      out[at + k] = v < lo ? lo : v > hi ? hi : v;
    }
  }

  /** The one element of a one-element Box, checked and pulled back to the exact bounds. */
  scalar(owner: string, action: unknown): number {
    const a = action as ArrayLike<number> | null | undefined;
    const v = (action instanceof Float32Array || action instanceof Float64Array) && a!.length === 1 ? a![0]! : NaN;
    if (!(v >= this.#lowTol[0]! && v <= this.#highTol[0]!)) {
      // a plain array (or anything else) takes the full test; a valid one is read from there
      this.space.assertAction(owner, action);
      const w = (action as ArrayLike<number>)[0]!;
      if (!(w >= this.#lowTol[0]! && w <= this.#highTol[0]!)) this.#fail(owner, action, 0);
      return this.#clamp(w);
    }
    return this.#clamp(v);
  }

  #clamp(v: number): number {
    const lo = this.#low[0]!;
    const hi = this.#high[0]!;
    return v < lo ? lo : v > hi ? hi : v;
  }

  #fail(owner: string, action: unknown, k: number): never {
    this.space.assertAction(owner, action);
    // Box.contains compares at float32 precision too, so it throws first; this is the backstop
    throw new InvalidActionError(owner, k, `in [${this.#low[k]}, ${this.#high[k]}]`, describeValue((action as ArrayLike<unknown>)[k]));
  }
}
