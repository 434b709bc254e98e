import assert from "node:assert/strict";
import fc from "fast-check";
import { BoxActionCheck, DiscreteActionCheck } from "../../src/core/action-check.js";
import { ConfigError, InvalidActionError } from "../../src/core/errors.js";
import { Rng } from "../../src/core/rng.js";
import { Box, Discrete, spaceFromJSON } from "../../src/core/spaces.js";

/** The inputs of issue 15's finding 10 and their like: never numbers of the space. */
const NOT_ACTIONS: [string, unknown][] = [
  ["a string element", ["-599"]],
  ["a null element", [null]],
  ["a boolean element", [true]],
  ["a nested array", [[0]]],
  ["an array-like object", { length: 1, 0: 0 }],
  ["a string", "0"],
  ["a BigInt64Array", new BigInt64Array(1)],
  ["null", null],
  ["undefined", undefined],
  ["a bare number", 0],
  ["NaN", [NaN]],
  ["Infinity", [Infinity]],
  ["a hole", new Array(1)],
  ["too long", [0, 0]],
  ["empty", []],
];

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe("BoxActionCheck", () => {
  const box = new Box<Float32Array>({ low: -600, high: 600 });
  const check = new BoxActionCheck(box);

  for (const [label, action] of NOT_ACTIONS) {
    it(`refuses ${label} with an InvalidActionError naming the env, in read() and scalar()`, () => {
      for (const call of [() => check.read("MyEnv-v0", action, new Float64Array(1)), () => check.scalar("MyEnv-v0", action)]) {
        const err = thrown(call);
        assert.ok(err instanceof InvalidActionError, `${label}: threw ${String(err)}`);
        assert.match(err.message, /^MyEnv-v0: action(\[0\])? must be /);
        assert.equal(box.contains(action), false, `${label}: Box.contains and the check disagree`);
      }
    });
  }

  it("accepts a Float32Array, a Float64Array and a plain array of numbers inside the box, the same values", () => {
    const out = new Float64Array(1);
    for (const a of [Float32Array.of(-599), Float64Array.of(-599), [-599]]) {
      check.read("MyEnv-v0", a, out);
      assert.equal(out[0], -599);
      assert.equal(check.scalar("MyEnv-v0", a), -599);
    }
  });

  it("reads each element once, so an element that changes under a getter cannot slip a string through", () => {
    let reads = 0;
    const tricky = [0];
    Object.defineProperty(tricky, 0, { get: () => (reads++ === 0 ? 1 : "5") });
    const out = new Float64Array(1);
    check.read("MyEnv-v0", tricky, out);
    assert.equal(out[0], 1);
    assert.equal(reads, 1);
  });

  it("holds an unbounded box to finite values", () => {
    const free = new BoxActionCheck(new Box({ low: -Infinity, high: Infinity, shape: [2], dtype: "float64" }));
    const err = thrown(() => free.read("Free-v0", [0, Infinity], new Float64Array(2)));
    assert.ok(err instanceof InvalidActionError);
    assert.equal(err.index, 1);
    free.read("Free-v0", [0, -1e300], new Float64Array(2));
  });

  it("agrees with Box.contains on random values around the bounds, in float32 and float64", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("float32" as const, "float64" as const),
        fc.array(fc.oneof(fc.double(), fc.constantFrom(-1, 1, 0.1, -0.1, Math.fround(0.1), 3)), { minLength: 3, maxLength: 3 }),
        (dtype, values) => {
          const b = new Box({ low: [-1, -0.1, 0], high: [1, 0.1, 3], dtype, integers: [2] });
          const c = new BoxActionCheck(b);
          const ok = thrown(() => c.read("P-v0", values, new Float64Array(3))) === undefined;
          assert.equal(ok, b.contains(values), `values ${values.join(", ")}`);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("Box integer elements", () => {
  const box = new Box<Float64Array>({ low: [0, 0], high: [1, 4], dtype: "float64", integers: [1] });
  const check = new BoxActionCheck(box);

  it("refuses 3.49 for an integer element, naming it, rather than rounding it", () => {
    const err = thrown(() => check.read("Hub-v0 agent hub0", [0.5, 3.49], new Float64Array(2)));
    assert.ok(err instanceof InvalidActionError);
    assert.equal(err.message, "Hub-v0 agent hub0: action[1] must be an integer in [0, 4], got 3.49");
    const out = new Float64Array(2);
    check.read("Hub-v0 agent hub0", [0.5, 3], out);
    assert.deepEqual(Array.from(out), [0.5, 3]);
  });

  it("samples integers there (the uniform draw rounded), members of the box", () => {
    const rng = new Rng(7);
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const x = box.sample(rng);
      assert.ok(box.contains(x));
      seen.add(x[1]!);
    }
    assert.deepEqual([...seen].sort(), [0, 1, 2, 3, 4]);
  });

  it("round-trips through JSON and compares by its integer elements", () => {
    const json = box.toJSON();
    assert.deepEqual(json, { type: "Box", shape: [2], low: [0, 0], high: [1, 4], dtype: "float64", integers: [1] });
    assert.ok(spaceFromJSON(json).equals(box));
    assert.equal(new Box({ low: [0, 0], high: [1, 4], dtype: "float64" }).equals(box), false);
    assert.equal("integers" in new Box({ low: 0, high: 1 }).toJSON(), false);
  });

  it("refuses an integer element out of range or with an infinite bound, naming `integers`", () => {
    assert.throws(() => new Box({ low: 0, high: 1, integers: [3] }), (e: unknown) => e instanceof ConfigError && /integers: expected indices in \[0, 0\]/.test(e.message));
    assert.throws(() => new Box({ low: 0, high: Infinity, integers: [0] }), (e: unknown) => e instanceof ConfigError && /integers/.test(e.message));
  });
});

describe("DiscreteActionCheck", () => {
  const check = new DiscreteActionCheck(new Discrete(21));

  it("accepts an integer number of the space and refuses everything else, naming the env", () => {
    assert.equal(check.read("D-v0", 20), 20);
    for (const a of [3.49, -1, 21, "3", [3], null, undefined, true, 3n, NaN, Float32Array.of(3)]) {
      const err = thrown(() => check.read("D-v0", a));
      assert.ok(err instanceof InvalidActionError, `${String(a)}: threw ${String(err)}`);
      assert.match(err.message, /^D-v0: action must be an integer in \[0, 20\], got /);
    }
  });
});
