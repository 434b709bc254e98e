import assert from "node:assert/strict";
import fc from "fast-check";
import { ConfigError } from "../../src/core/errors.js";
import { Rng } from "../../src/core/rng.js";
import { Box, Dict, Discrete, MultiDiscrete, flatDim, flattenInto, spaceFromJSON, type Space, type SpaceJSON } from "../../src/core/spaces.js";

/** Finite doubles of moderate size, so that high - low stays finite. */
const bound = fc.double({ min: -1e6, max: 1e6, noNaN: true });

describe("Box", () => {
  it("samples stay inside random finite bounds for any seed, in float32 and float64", () => {
    fc.assert(
      fc.property(bound, bound, fc.nat(), fc.constantFrom("float32" as const, "float64" as const), (a, b, seed, dtype) => {
        const box = new Box({ low: Math.min(a, b), high: Math.max(a, b), shape: [4], dtype });
        const rng = new Rng(seed);
        for (let k = 0; k < 20; k++) {
          const x = box.sample(rng);
          assert.equal(box.contains(x), true, `sample ${Array.from(x)} outside [${box.low[0]}, ${box.high[0]}]`);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("keeps float32 samples inside bounds that float32 cannot represent exactly", () => {
    // 0.1 rounds up to 0.10000000149 in float32: a sample near high must not round past it
    const box = new Box({ low: 0.1 - 1e-6, high: 0.1, shape: [64], dtype: "float32" });
    for (let seed = 0; seed < 50; seed++) {
      const x = box.sample(new Rng(seed));
      for (const v of x) assert.ok(v >= 0.1 - 1e-6 && v <= 0.1, `value ${v}`);
    }
  });

  it("samples a positive tiny-bounded float32 box without producing NaN", () => {
    const box = new Box({ low: 1e-50, high: 2e-50, shape: [8], dtype: "float32" });
    const x = box.sample(new Rng(1));
    // rounding 1e-50 up by one float32 step from +0 used to wrap to a NaN bit pattern
    assert.ok(x.every((v) => Number.isFinite(v)), `got ${Array.from(x)}`);
    assert.equal(box.contains(x), true);
  });

  it("samples half-bounded and unbounded boxes on the right side of their finite bound", () => {
    const box = new Box({ low: [0, -Infinity, -Infinity], high: [Infinity, 5, Infinity], dtype: "float64" });
    const rng = new Rng(3);
    let negativeSeen = false;
    for (let k = 0; k < 500; k++) {
      const x = box.sample(rng);
      assert.ok(x[0]! >= 0 && x[1]! <= 5 && Number.isFinite(x[2]!));
      if (x[2]! < 0) negativeSeen = true;
    }
    assert.equal(negativeSeen, true, "the unbounded dimension is normal around 0, so it must go negative");
  });

  it("gives the same samples for the same seed", () => {
    const box = new Box({ low: -1, high: 1, shape: [3] });
    assert.deepEqual(box.sample(new Rng(11)), box.sample(new Rng(11)));
    assert.notDeepEqual(box.sample(new Rng(11)), box.sample(new Rng(12)));
  });

  it("contains rejects NaN, wrong length, non-arrays and out-of-bounds values, accepts plain arrays", () => {
    const box = new Box({ low: [0, -1], high: [1, 1], dtype: "float64" });
    assert.equal(box.contains([0.5, -0.5]), true);
    assert.equal(box.contains(Float64Array.of(1, 1)), true);
    assert.equal(box.contains([NaN, 0]), false);
    assert.equal(box.contains([0.5]), false);
    assert.equal(box.contains(0.5), false);
    assert.equal(box.contains([1.0001, 0]), false);
    assert.deepEqual(box.violation([0.5, 2]), { index: 1, expected: "in [-1, 1]", received: "2" });
  });

  it("assertAction throws InvalidActionError naming env, index, bound and value", () => {
    const box = new Box({ low: -1, high: 1, shape: [2] });
    assert.throws(() => box.assertAction("Toy-v0", Float32Array.of(0, 3)), {
      name: "InvalidActionError",
      code: "ACTION_INVALID",
      message: "Toy-v0: action[1] must be in [-1, 1], got 3",
    });
  });

  it("round-trips through toJSON and spaceFromJSON, infinite bounds included", () => {
    const box = new Box({ low: [-Infinity, 0], high: [Infinity, 2.5], dtype: "float64" });
    const json: SpaceJSON = JSON.parse(JSON.stringify(box.toJSON()));
    assert.deepEqual(json, { type: "Box", shape: [2], low: ["-inf", 0], high: ["inf", 2.5], dtype: "float64" });
    assert.equal(spaceFromJSON(json).equals(box), true);
  });

  it("equals compares bounds, shape and dtype", () => {
    const a = new Box({ low: 0, high: 1, shape: [2] });
    assert.equal(a.equals(new Box({ low: 0, high: 1, shape: [2] })), true);
    assert.equal(a.equals(new Box({ low: 0, high: 1, shape: [2], dtype: "float64" })), false);
    assert.equal(a.equals(new Box({ low: 0, high: 2, shape: [2] })), false);
    assert.equal(a.equals(new Discrete(2)), false);
  });

  it("rejects low > high and names the field", () => {
    assert.throws(() => new Box({ low: [0, 2], high: [1, 1] }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.message, "invalid Box:\n  low[1]: expected <= high[1] (1) and not NaN, got 2");
      return true;
    });
  });

  it("rejects bounds of the wrong length and a bad shape, naming the field", () => {
    assert.throws(() => new Box({ low: [0, 0, 0], high: 1, shape: [2] }), { message: "invalid Box:\n  low: expected length 2, got length 3" });
    assert.throws(() => new Box({ low: 0, high: 1, shape: [0] }), { message: "invalid Box:\n  shape: expected positive integers, got [0]" });
  });
});

describe("Discrete", () => {
  it("samples every value in {start, ..., start+n-1} and nothing else", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: -5, max: 5 }), fc.nat(), (n, start, seed) => {
        const space = new Discrete(n, start);
        const rng = new Rng(seed);
        for (let k = 0; k < 50; k++) assert.equal(space.contains(space.sample(rng)), true);
      }),
    );
    const space = new Discrete(3, -1);
    const rng = new Rng(0);
    const seen = new Set<number>();
    for (let k = 0; k < 200; k++) seen.add(space.sample(rng));
    assert.deepEqual([...seen].sort(), [-1, 0, 1]);
  });

  it("contains rejects out-of-range and non-integer values", () => {
    const space = new Discrete(3, 1);
    assert.deepEqual([0, 1, 3, 4, 1.5, "1"].map((x) => space.contains(x)), [false, true, true, false, false, false]);
  });

  it("round-trips through JSON and rejects a non-positive n naming the field", () => {
    const space = new Discrete(4, 2);
    assert.equal(spaceFromJSON(JSON.parse(JSON.stringify(space))).equals(space), true);
    assert.throws(() => new Discrete(0), { message: "invalid Discrete:\n  n: expected a positive integer, got 0" });
    assert.throws(() => new Discrete(2, 0.5), { message: "invalid Discrete:\n  start: expected an integer, got 0.5" });
  });
});

describe("MultiDiscrete", () => {
  it("samples stay in the space for random nvec and seeds", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 6 }), fc.nat(), (nvec, seed) => {
        const space = new MultiDiscrete(nvec);
        const rng = new Rng(seed);
        for (let k = 0; k < 20; k++) assert.equal(space.contains(space.sample(rng)), true);
      }),
    );
  });

  it("contains rejects wrong length and out-of-range elements; JSON round-trips; bad nvec names the index", () => {
    const space = new MultiDiscrete([2, 3]);
    assert.equal(space.contains([1, 2]), true);
    assert.equal(space.contains([2, 0]), false);
    assert.equal(space.contains([1]), false);
    assert.equal(spaceFromJSON(space.toJSON()).equals(space), true);
    assert.throws(() => new MultiDiscrete([2, 0]), { message: "invalid MultiDiscrete:\n  nvec[1]: expected a non-empty array of positive integers, got 0" });
  });
});

describe("Dict", () => {
  const dict = new Dict({ soc: new Box({ low: 0, high: 1, shape: [1] }), mode: new Discrete(3), levels: new MultiDiscrete([2, 2]) });

  it("keeps keys sorted and samples members of every sub-space", () => {
    assert.deepEqual(dict.keys, ["levels", "mode", "soc"]);
    const rng = new Rng(5);
    for (let k = 0; k < 50; k++) assert.equal(dict.contains(dict.sample(rng)), true);
  });

  it("contains rejects missing keys, extra keys and bad sub-elements", () => {
    const ok = { soc: Float32Array.of(0.5), mode: 2, levels: [0, 1] };
    assert.equal(dict.contains(ok), true);
    assert.equal(dict.contains({ soc: Float32Array.of(0.5), mode: 2 }), false);
    assert.equal(dict.contains({ ...ok, extra: 1 }), false);
    assert.equal(dict.contains({ ...ok, mode: 3 }), false);
  });

  it("round-trips nested spaces through JSON", () => {
    const json = JSON.parse(JSON.stringify(dict.toJSON()));
    assert.equal(spaceFromJSON(json).equals(dict), true);
    assert.equal(spaceFromJSON(json).equals(new Dict({ soc: new Box({ low: 0, high: 1, shape: [1] }) })), false);
  });

  it("flattens with one-hot discrete parts in sorted key order", () => {
    assert.equal(flatDim(dict), 2 + 2 + 3 + 1);
    const out = new Float32Array(flatDim(dict));
    const end = flattenInto(dict, { soc: Float32Array.of(0.25), mode: 1, levels: [1, 0] }, out);
    assert.equal(end, 8);
    assert.deepEqual(Array.from(out), [0, 1, 1, 0, 0, 1, 0, 0.25]);
  });
});

describe("spaces under many seeds", () => {
  it("every space kind's sample lies in the space for 100 seeds", () => {
    const spaces: Space<unknown>[] = [
      new Box({ low: -3, high: 7, shape: [2, 3] }),
      new Discrete(5),
      new MultiDiscrete([3, 4]),
      new Dict({ a: new Box({ low: 0, high: Infinity, shape: [2], dtype: "float64" }), b: new Discrete(2) }),
    ];
    for (let seed = 0; seed < 100; seed++) {
      for (const space of spaces) assert.equal(space.contains(space.sample(new Rng(seed))), true, `${space.kind} seed ${seed}`);
    }
  });
});

describe("Box float32 edge cases", () => {
  it("samples a member even when no float32 lies between the bounds", () => {
    for (const [low, high] of [[5e-324, 5e-324], [0.1 - 1e-9, 0.1]] as const) {
      const box = new Box({ low, high, shape: [3], dtype: "float32" });
      const x = box.sample(new Rng(0));
      assert.equal(box.contains(x), true, `sample ${Array.from(x)} of [${low}, ${high}]`);
    }
  });
});
