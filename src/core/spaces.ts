/**
 * Spaces: value objects that describe what an environment accepts and returns.
 *
 * A space knows its shape and bounds, samples from a caller-supplied seeded Rng (so the
 * sample stream belongs to whoever seeds it), tests membership, compares by value and
 * serialises to JSON. Box elements are typed arrays (Float32Array or Float64Array).
 */
import { ConfigError, InvalidActionError, describeValue } from "./errors.js";
import type { Rng } from "./rng.js";

/** The set of valid observations or actions of an env, with elements of type `T`. */
export interface Space<T> {
  /**
   * The space's type name ("Box", "Discrete", "MultiDiscrete" or "Dict"); the same as `type` in its JSON
   * form.
   */
  readonly kind: string;
  /** Samples one element with the given generator. */
  sample(rng: Rng): T;
  /** True when `x` is an element of the space (type, shape, bounds). */
  contains(x: unknown): x is T;
  /** Value equality: same kind, shape, bounds and dtype. */
  equals(other: Space<unknown>): boolean;
  /** A plain-data form of the space that spaceFromJSON() turns back into an equal space. */
  toJSON(): SpaceJSON;
}

/**
 * The JSON form of a space. Box bounds are numbers, with "inf" and "-inf" standing for infinite bounds (JSON
 * has no Infinity).
 */
export type SpaceJSON =
  | { type: "Box"; shape: number[]; low: (number | string)[]; high: (number | string)[]; dtype: BoxDtype; integers?: number[] }
  | { type: "Discrete"; n: number; start: number }
  | { type: "MultiDiscrete"; nvec: number[] }
  | { type: "Dict"; spaces: Record<string, SpaceJSON> };

/** The element type of a Box: its samples and zeros are Float32Array or Float64Array. */
export type BoxDtype = "float32" | "float64";
/** An element of a Box: a flat typed array of `size` values. */
export type BoxElement = Float32Array | Float64Array;

function encodeBound(x: number): number | string {
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  return x;
}

function decodeBound(x: number | string): number {
  if (x === "inf") return Infinity;
  if (x === "-inf") return -Infinity;
  return Number(x);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float32 nearest to `x` on the side of `direction` (-1: at most x, +1: at least x). */
function float32Toward(x: number, direction: -1 | 1): number {
  f32[0] = x;
  if ((direction < 0 && f32[0] > x) || (direction > 0 && f32[0] < x)) {
    // from (signed) zero the next float32 is the smallest denormal of the wanted sign;
    // stepping the integer of +0 down would wrap to a NaN pattern
    if (f32[0] === 0) {
      u32[0] = direction > 0 ? 0x00000001 : 0x80000001;
      return f32[0]!;
    }
    // one ulp toward the bound; the sign bit decides which way the integer moves
    const towardZero = (direction < 0) === (f32[0] > 0);
    u32[0] = towardZero ? u32[0]! - 1 : u32[0]! + 1;
  }
  return f32[0]!;
}

function fill(value: number | ArrayLike<number>, size: number, field: string): Float64Array {
  if (typeof value === "number") return new Float64Array(size).fill(value);
  if (value.length !== size) {
    throw new ConfigError("Box", [{ path: field, expected: `length ${size}`, received: `length ${value.length}` }]);
  }
  return Float64Array.from(value);
}

/** A box in R^n: each element has a lower and upper bound (possibly infinite). */
export class Box<E extends BoxElement = BoxElement> implements Space<E> {
  readonly kind = "Box";
  /** Dimensions of the box; elements are stored flat in row-major order. */
  readonly shape: readonly number[];
  /** Number of elements (the product of `shape`). */
  readonly size: number;
  /** Lower bound of each element (may be -Infinity). */
  readonly low: Float64Array;
  /** Upper bound of each element (may be +Infinity). */
  readonly high: Float64Array;
  /** Element type of samples and zeros (default "float32"). */
  readonly dtype: BoxDtype;
  /**
   * Flat indices of the elements that take integer values only (a choice among options stored in a
   * Box beside real set-points), ascending; empty for an ordinary box.
   */
  readonly integers: readonly number[];

  constructor(opts: {
    low: number | ArrayLike<number>;
    high: number | ArrayLike<number>;
    shape?: readonly number[];
    dtype?: BoxDtype;
    /** Flat indices of elements restricted to integers (their bounds must be finite). */
    integers?: readonly number[];
  }) {
    const shape = opts.shape
      ?? (typeof opts.low !== "number" ? [opts.low.length] : typeof opts.high !== "number" ? [opts.high.length] : [1]);
    if (shape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new ConfigError("Box", [{ path: "shape", expected: "positive integers", received: JSON.stringify(shape) }]);
    }
    this.shape = [...shape];
    this.size = shape.reduce((a, b) => a * b, 1);
    this.low = fill(opts.low, this.size, "low");
    this.high = fill(opts.high, this.size, "high");
    this.dtype = opts.dtype ?? "float32";
    const issues = [];
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i]!;
      const hi = this.high[i]!;
      if (Number.isNaN(lo) || Number.isNaN(hi) || lo > hi || lo === Infinity || hi === -Infinity) {
        issues.push({ path: `low[${i}]`, expected: `<= high[${i}] (${hi}) and not NaN`, received: String(lo) });
      }
    }
    const integers = [...new Set(opts.integers ?? [])].sort((a, b) => a - b);
    integers.forEach((k) => {
      if (!Number.isInteger(k) || k < 0 || k >= this.size) {
        issues.push({ path: "integers", expected: `indices in [0, ${this.size - 1}]`, received: String(k) });
      } else if (!Number.isFinite(this.low[k]!) || !Number.isFinite(this.high[k]!)) {
        issues.push({ path: `integers`, expected: `finite bounds at each integer element (element ${k})`, received: `[${this.low[k]}, ${this.high[k]}]` });
      }
    });
    if (issues.length > 0) throw new ConfigError("Box", issues);
    this.integers = integers;
  }

  /** A new zero-filled element of this box's dtype. */
  zeros(): E {
    return (this.dtype === "float32" ? new Float32Array(this.size) : new Float64Array(this.size)) as E;
  }

  /**
   * Uniform on bounded dimensions; on half-bounded ones low + Exp(1) or high - Exp(1);
   * on unbounded ones N(0, 1), as Gymnasium does.
   */
  sample(rng: Rng): E {
    const out = this.zeros();
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i]!;
      const hi = this.high[i]!;
      let x: number;
      if (Number.isFinite(lo) && Number.isFinite(hi)) x = lo + (hi - lo) * rng.next();
      else if (Number.isFinite(lo)) x = lo - Math.log(1 - rng.next());
      else if (Number.isFinite(hi)) x = hi + Math.log(1 - rng.next());
      else x = rng.normal();
      out[i] = x;
    }
    // float32 rounding may push a sample just past a bound: pull it back inside
    if (this.dtype === "float32") {
      for (let i = 0; i < this.size; i++) {
        if (out[i]! > this.high[i]!) out[i] = float32Toward(this.high[i]!, -1);
        if (out[i]! < this.low[i]!) out[i] = float32Toward(this.low[i]!, 1);
        // no float32 lies in [low, high]: take the float32 nearest low, which contains() accepts
        if (out[i]! > this.high[i]!) out[i] = Math.fround(this.low[i]!);
      }
    }
    // an integer element: the uniform draw rounded to the nearest integer in [ceil(low), floor(high)]
    for (const k of this.integers) {
      out[k] = Math.min(Math.floor(this.high[k]!), Math.max(Math.ceil(this.low[k]!), Math.round(out[k]!)));
    }
    return out;
  }

  /**
   * The first violation of `x` against this box, or null when `x` is a member.
   * Accepts typed arrays and plain number arrays of the right length.
   */
  violation(x: unknown): { index: number | null; expected: string; received: string } | null {
    if (!(ArrayBuffer.isView(x) || Array.isArray(x))) {
      return { index: null, expected: `an array of length ${this.size}`, received: describeValue(x) };
    }
    const arr = x as ArrayLike<unknown>;
    if (arr.length !== this.size) {
      return { index: null, expected: `an array of length ${this.size}`, received: `length ${arr.length}` };
    }
    for (let i = 0; i < this.size; i++) {
      const v = arr[i];
      if (typeof v !== "number" || Number.isNaN(v)) {
        return { index: i, expected: "a number", received: describeValue(v) };
      }
      // float32 observations are compared at float32 precision of the bound
      const lo = this.dtype === "float32" ? Math.fround(this.low[i]!) : this.low[i]!;
      const hi = this.dtype === "float32" ? Math.fround(this.high[i]!) : this.high[i]!;
      if (v < Math.min(lo, this.low[i]!) || v > Math.max(hi, this.high[i]!)) {
        return { index: i, expected: `in [${this.low[i]}, ${this.high[i]}]`, received: String(v) };
      }
    }
    for (const k of this.integers) {
      const v = arr[k] as number;
      if (!Number.isInteger(v)) return { index: k, expected: `an integer in [${this.low[k]}, ${this.high[k]}]`, received: String(v) };
    }
    return null;
  }

  contains(x: unknown): x is E {
    return this.violation(x) === null;
  }

  /** Throws InvalidActionError naming the env, index, bound and value when `x` is not in the box. */
  assertAction(envId: string, x: unknown): asserts x is ArrayLike<number> {
    const v = this.violation(x);
    if (v !== null) throw new InvalidActionError(envId, v.index, v.expected, v.received);
  }

  equals(other: Space<unknown>): boolean {
    if (!(other instanceof Box)) return false;
    if (other.dtype !== this.dtype || other.size !== this.size) return false;
    if (other.shape.length !== this.shape.length || other.shape.some((d, i) => d !== this.shape[i])) return false;
    for (let i = 0; i < this.size; i++) {
      if (!Object.is(this.low[i], other.low[i]) || !Object.is(this.high[i], other.high[i])) return false;
    }
    return other.integers.length === this.integers.length && other.integers.every((k, i) => k === this.integers[i]);
  }

  /** The JSON form; infinite bounds become "inf" and "-inf"; `integers` only when there are any. */
  toJSON(): SpaceJSON {
    return {
      type: "Box",
      shape: [...this.shape],
      low: Array.from(this.low, encodeBound),
      high: Array.from(this.high, encodeBound),
      dtype: this.dtype,
      ...(this.integers.length > 0 ? { integers: [...this.integers] } : {}),
    };
  }
}

function isInteger(x: unknown): x is number {
  return typeof x === "number" && Number.isInteger(x);
}

/** {start, start+1, ..., start+n-1}. */
export class Discrete implements Space<number> {
  readonly kind = "Discrete";
  /** `n`: the number of values (>= 1); `start`: the smallest value (default 0). */
  constructor(readonly n: number, readonly start = 0) {
    if (!Number.isInteger(n) || n < 1) {
      throw new ConfigError("Discrete", [{ path: "n", expected: "a positive integer", received: String(n) }]);
    }
    if (!Number.isInteger(start)) {
      throw new ConfigError("Discrete", [{ path: "start", expected: "an integer", received: String(start) }]);
    }
  }

  sample(rng: Rng): number {
    return this.start + rng.int(this.n);
  }

  contains(x: unknown): x is number {
    return isInteger(x) && x >= this.start && x < this.start + this.n;
  }

  /** Throws InvalidActionError when `x` is not a member. */
  assertAction(envId: string, x: unknown): asserts x is number {
    if (!this.contains(x)) {
      throw new InvalidActionError(envId, null, `an integer in [${this.start}, ${this.start + this.n - 1}]`, describeValue(x));
    }
  }

  equals(other: Space<unknown>): boolean {
    return other instanceof Discrete && other.n === this.n && other.start === this.start;
  }

  /** The JSON form: `n` and `start`. */
  toJSON(): SpaceJSON {
    return { type: "Discrete", n: this.n, start: this.start };
  }
}

/** A vector of independent discrete choices, element i in [0, nvec[i]). */
export class MultiDiscrete implements Space<Int32Array> {
  readonly kind = "MultiDiscrete";
  /** Number of choices of each element. */
  readonly nvec: readonly number[];
  constructor(nvec: readonly number[]) {
    const bad = nvec.findIndex((n) => !Number.isInteger(n) || n < 1);
    if (nvec.length === 0 || bad >= 0) {
      throw new ConfigError("MultiDiscrete", [{
        path: bad >= 0 ? `nvec[${bad}]` : "nvec",
        expected: "a non-empty array of positive integers",
        received: bad >= 0 ? String(nvec[bad]) : "[]",
      }]);
    }
    this.nvec = [...nvec];
  }

  sample(rng: Rng): Int32Array {
    const out = new Int32Array(this.nvec.length);
    for (let i = 0; i < out.length; i++) out[i] = rng.int(this.nvec[i]!);
    return out;
  }

  contains(x: unknown): x is Int32Array {
    if (!(ArrayBuffer.isView(x) || Array.isArray(x))) return false;
    const arr = x as ArrayLike<unknown>;
    if (arr.length !== this.nvec.length) return false;
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      if (!isInteger(v) || v < 0 || v >= this.nvec[i]!) return false;
    }
    return true;
  }

  equals(other: Space<unknown>): boolean {
    return other instanceof MultiDiscrete && other.nvec.length === this.nvec.length
      && other.nvec.every((n, i) => n === this.nvec[i]);
  }

  /** The JSON form: `nvec`. */
  toJSON(): SpaceJSON {
    return { type: "MultiDiscrete", nvec: [...this.nvec] };
  }
}

/** A record of named sub-spaces; keys are kept in sorted order, as Gymnasium does. */
export class Dict implements Space<Record<string, unknown>> {
  readonly kind = "Dict";
  /** The sub-spaces by key, in sorted key order. */
  readonly spaces: Readonly<Record<string, Space<unknown>>>;
  /** The keys of `spaces`, sorted. */
  readonly keys: readonly string[];
  constructor(spaces: Record<string, Space<unknown>>) {
    this.keys = Object.keys(spaces).sort();
    const sorted: Record<string, Space<unknown>> = {};
    for (const k of this.keys) sorted[k] = spaces[k]!;
    this.spaces = sorted;
  }

  sample(rng: Rng): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const k of this.keys) out[k] = this.spaces[k]!.sample(rng);
    return out;
  }

  contains(x: unknown): x is Record<string, unknown> {
    if (x === null || typeof x !== "object" || Array.isArray(x) || ArrayBuffer.isView(x)) return false;
    const rec = x as Record<string, unknown>;
    if (Object.keys(rec).length !== this.keys.length) return false;
    return this.keys.every((k) => k in rec && this.spaces[k]!.contains(rec[k]));
  }

  equals(other: Space<unknown>): boolean {
    return other instanceof Dict && other.keys.length === this.keys.length
      && this.keys.every((k, i) => other.keys[i] === k && this.spaces[k]!.equals(other.spaces[k]!));
  }

  /** The JSON form, with each sub-space in its own JSON form. */
  toJSON(): SpaceJSON {
    const spaces: Record<string, SpaceJSON> = {};
    for (const k of this.keys) spaces[k] = this.spaces[k]!.toJSON();
    return { type: "Dict", spaces };
  }
}

/** Rebuilds a space from its toJSON() form. */
export function spaceFromJSON(json: SpaceJSON): Space<unknown> {
  switch (json.type) {
    case "Box":
      return new Box({ low: json.low.map(decodeBound), high: json.high.map(decodeBound), shape: json.shape, dtype: json.dtype, integers: json.integers });
    case "Discrete":
      return new Discrete(json.n, json.start);
    case "MultiDiscrete":
      return new MultiDiscrete(json.nvec);
    case "Dict": {
      const spaces: Record<string, Space<unknown>> = {};
      for (const [k, v] of Object.entries(json.spaces)) spaces[k] = spaceFromJSON(v);
      return new Dict(spaces);
    }
  }
}

/** Number of scalars an element of `space` flattens to. */
export function flatDim(space: Space<unknown>): number {
  if (space instanceof Box) return space.size;
  if (space instanceof Discrete) return space.n;
  if (space instanceof MultiDiscrete) return space.nvec.reduce((a, b) => a + b, 0);
  if (space instanceof Dict) return space.keys.reduce((acc, k) => acc + flatDim(space.spaces[k]!), 0);
  throw new ConfigError("flatDim", [{ path: "space", expected: "Box, Discrete, MultiDiscrete or Dict", received: space.kind }]);
}

/** Flattens an element into `out` at `offset` (Discrete and MultiDiscrete one-hot); returns the next offset. */
export function flattenInto(space: Space<unknown>, x: unknown, out: Float32Array | Float64Array, offset = 0): number {
  if (space instanceof Box) {
    const arr = x as ArrayLike<number>;
    for (let i = 0; i < space.size; i++) out[offset + i] = arr[i]!;
    return offset + space.size;
  }
  if (space instanceof Discrete) {
    out.fill(0, offset, offset + space.n);
    out[offset + (x as number) - space.start] = 1;
    return offset + space.n;
  }
  if (space instanceof MultiDiscrete) {
    const arr = x as ArrayLike<number>;
    let o = offset;
    for (let i = 0; i < space.nvec.length; i++) {
      out.fill(0, o, o + space.nvec[i]!);
      out[o + arr[i]!] = 1;
      o += space.nvec[i]!;
    }
    return o;
  }
  if (space instanceof Dict) {
    let o = offset;
    const rec = x as Record<string, unknown>;
    for (const k of space.keys) o = flattenInto(space.spaces[k]!, rec[k], out, o);
    return o;
  }
  throw new ConfigError("flatten", [{ path: "space", expected: "Box, Discrete, MultiDiscrete or Dict", received: space.kind }]);
}
