/**
 * The one step-time action check of every env: as strict as the space's `contains`, at the cost
 * of a few comparisons for the values learners pass.
 *
 * A Box action is a Float32Array, a Float64Array or a plain array of numbers (another numeric
 * typed array passes too: its elements are numbers) of the box's length, each element a number
 * within its bounds, and an integer where the box says so (`Box.integers`). A float32 Box accepts
 * an element one float32 rounding past its bound (a float32 cannot always hold the bound itself);
 * the value read back is pulled to the exact bound, so the physics never sees more than the bound.
 * A Discrete action is a number that is an integer of the space.
 *
 * Anything else (NaN, a string, "0", null, a boolean, a nested array, an array-like object, a
 * BigInt64Array, a number where an array is due, the wrong length) is refused with the space's
 * own InvalidActionError, which names the env id, the index, what was expected and the value
 * received. Each element is read once, so what was checked is what the env gets.
 */
import { InvalidActionError, describeValue } from "./errors.js";
import type { Box, Discrete } from "./spaces.js";

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
  /** The box's integer elements, or null when it has none (the common case: no extra test). */
  readonly #integers: readonly number[] | null;

  constructor(space: Box) {
    this.space = space;
    this.size = space.size;
    this.#low = space.low;
    this.#high = space.high;
    const f32 = space.dtype === "float32";
    // an infinite bound would let ±Infinity through the bound test: hold such a box to finite values
    this.#lowTol = Float64Array.from(space.low, (lo) => (lo === -Infinity ? -Number.MAX_VALUE : f32 ? Math.min(lo, Math.fround(lo)) : lo));
    this.#highTol = Float64Array.from(space.high, (hi) => (hi === Infinity ? Number.MAX_VALUE : f32 ? Math.max(hi, Math.fround(hi)) : hi));
    this.#integers = space.integers.length > 0 ? space.integers : null;
  }

  /**
   * Checks `action` and writes its elements, pulled back to the exact bounds, to
   * out[at .. at + size - 1]. Throws InvalidActionError naming `owner` otherwise.
   */
  read(owner: string, action: unknown, out: Float64Array, at = 0): void {
    // typed float arrays first: what learners pass, a type test and the bound tests below
    if (!(action instanceof Float32Array || action instanceof Float64Array || Array.isArray(action))) this.#refuse(owner, action, null);
    const a = action as ArrayLike<unknown>;
    const n = this.size;
    if (a.length !== n) this.#refuse(owner, action, null);
    for (let k = 0; k < n; k++) {
      const v = a[k];
      if (typeof v !== "number" || !(v >= this.#lowTol[k]! && v <= this.#highTol[k]!)) this.#refuse(owner, action, k);
      const lo = this.#low[k]!;
      const hi = this.#high[k]!;
      out[at + k] = v < lo ? lo : v > hi ? hi : v;
    }
    if (this.#integers !== null) {
      for (const k of this.#integers) if (!Number.isInteger(out[at + k])) this.#refuse(owner, action, k);
    }
  }

  /** The one element of a one-element Box, checked and pulled back to the exact bounds. */
  scalar(owner: string, action: unknown): number {
    const ok = (action instanceof Float32Array || action instanceof Float64Array || Array.isArray(action)) && action.length === 1;
    const v: unknown = ok ? (action as ArrayLike<unknown>)[0] : undefined;
    if (typeof v !== "number" || !(v >= this.#lowTol[0]! && v <= this.#highTol[0]!)) this.#refuse(owner, action, 0);
    const lo = this.#low[0]!;
    const hi = this.#high[0]!;
    const x = v < lo ? lo : v > hi ? hi : v;
    if (this.#integers !== null && !Number.isInteger(x)) this.#refuse(owner, action, 0);
    return x;
  }

  /** Throws the space's own error for `action`; the backstop names element `k` when the space found nothing. */
  #refuse(owner: string, action: unknown, k: number | null): never {
    this.space.assertAction(owner, action);
    // the space accepts it but this check did not: an element that changed between reads (a getter), or
    // ±Infinity in a box with an infinite bound
    const got = k === null ? describeValue(action) : describeValue((action as ArrayLike<unknown>)[k]);
    const expected = k === null ? `an array of ${this.size} numbers` : `a finite number in [${this.#low[k]}, ${this.#high[k]}]`;
    throw new InvalidActionError(owner, k, expected, got);
  }
}

/** The step-time check of actions for one Discrete action space: an integer number of the space. */
export class DiscreteActionCheck {
  readonly space: Discrete;
  readonly #start: number;
  readonly #end: number;

  constructor(space: Discrete) {
    this.space = space;
    this.#start = space.start;
    this.#end = space.start + space.n;
  }

  /** The action, checked; throws InvalidActionError naming `owner` for anything but an integer of the space. */
  read(owner: string, action: unknown): number {
    if (typeof action !== "number" || !Number.isInteger(action) || action < this.#start || action >= this.#end) {
      this.space.assertAction(owner, action);
    }
    return action as number;
  }
}
