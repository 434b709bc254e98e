import assert from "node:assert/strict";
import type { Env } from "../../../src/core/env.js";
import { Rng } from "../../../src/core/rng.js";
import { Box, Dict, Discrete, MultiDiscrete, type Space } from "../../../src/core/spaces.js";
import { FlattenObservation, flattenSpace } from "../../../src/core/wrappers/flatten-observation.js";

/** Returns a fixed observation from a given space. */
class FixedEnv<Obs> implements Env<Obs, number> {
  readonly actionSpace = new Discrete(1) as Space<number>;
  constructor(readonly observationSpace: Space<Obs>, readonly value: Obs) {}
  get unwrapped(): Env<unknown, unknown> {
    return this as Env<unknown, unknown>;
  }
  reset() {
    return { observation: this.value, info: {} };
  }
  step() {
    return { observation: this.value, reward: 1, terminated: false, truncated: false, info: { ok: true } };
  }
  close() {}
}

describe("FlattenObservation", () => {
  const space = new Dict({
    soc: new Box({ low: [0, -5], high: [1, 5], dtype: "float64" }),
    mode: new Discrete(3, 1),
    levels: new MultiDiscrete([2, 3]),
  });

  it("flattens a Dict into a Float32Array: sorted keys, one-hot discrete parts", () => {
    const env = new FlattenObservation(new FixedEnv(space as Space<Record<string, unknown>>, { soc: Float64Array.of(0.5, -2), mode: 3, levels: Int32Array.of(1, 2) }));
    const obs = env.reset().observation;
    assert.ok(obs instanceof Float32Array);
    // levels (2 + 3 one-hot), mode (3 one-hot, start 1), soc (2)
    assert.deepEqual(Array.from(obs), [0, 1, 0, 0, 1, 0, 0, 1, 0.5, -2]);
    const r = env.step(0);
    assert.deepEqual(Array.from(r.observation), Array.from(obs));
    assert.deepEqual([r.reward, r.info], [1, { ok: true }]);
  });

  it("exposes a float32 Box with the inner Box bounds and [0, 1] for one-hot entries", () => {
    const flat = flattenSpace(space);
    assert.deepEqual(flat.toJSON(), {
      type: "Box",
      shape: [10],
      low: [0, 0, 0, 0, 0, 0, 0, 0, 0, -5],
      high: [1, 1, 1, 1, 1, 1, 1, 1, 1, 5],
      dtype: "float32",
    });
  });

  it("every flattened sample lies in the flat space", () => {
    const flat = flattenSpace(space);
    const rng = new Rng(2);
    for (let k = 0; k < 100; k++) {
      const env = new FlattenObservation(new FixedEnv(space as Space<Record<string, unknown>>, space.sample(rng)));
      assert.equal(flat.contains(env.reset().observation), true);
    }
  });

  it("flattens a Discrete observation to a one-hot vector", () => {
    const env = new FlattenObservation(new FixedEnv(new Discrete(4) as Space<number>, 2));
    assert.deepEqual(Array.from(env.reset().observation), [0, 0, 1, 0]);
  });
});
