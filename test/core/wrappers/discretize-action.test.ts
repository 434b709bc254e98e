import assert from "node:assert/strict";
import type { Env, StepResult } from "../../../src/core/env.js";
import { InvalidActionError } from "../../../src/core/errors.js";
import { Box, type BoxElement, Discrete, type Space } from "../../../src/core/spaces.js";
import { DiscretizeAction, maxLevelsFor } from "../../../src/core/wrappers/discretize-action.js";
import { ToyBatteryEnv } from "../../fixtures/toy-battery-env.js";

/** Records the actions it receives. */
class RecordingEnv implements Env<Float32Array, BoxElement> {
  readonly observationSpace = new Box({ low: 0, high: 1, shape: [1] }) as unknown as Space<Float32Array>;
  readonly received: BoxElement[] = [];
  constructor(readonly actionSpace: Space<BoxElement>) {}
  get unwrapped(): Env<unknown, unknown> {
    return this as Env<unknown, unknown>;
  }
  reset() {
    return { observation: new Float32Array(1), info: {} };
  }
  step(action: BoxElement): StepResult<Float32Array> {
    this.received.push(action);
    return { observation: new Float32Array(1), reward: 0, terminated: false, truncated: false, info: {} };
  }
  close() {}
}

describe("DiscretizeAction", () => {
  it("maps action k onto low + k * (high - low) / (n - 1), ending exactly at high", () => {
    const inner = new RecordingEnv(new Box({ low: -2, high: 3, shape: [1], dtype: "float64" }));
    const env = new DiscretizeAction(inner, 5);
    env.reset();
    for (let k = 0; k < 5; k++) env.step(k);
    assert.deepEqual(inner.received.map((a) => a[0]), [-2, -0.75, 0.5, 1.75, 3]);
    assert.ok(inner.received.every((a) => a instanceof Float64Array && a.length === 1));
    assert.ok(env.actionSpace.equals(new Discrete(5)));
  });

  it("passes a Float32Array to a float32 env that accepts every level", () => {
    const env = new DiscretizeAction(new ToyBatteryEnv(), 3);
    env.reset({ seed: 0 });
    const r = env.step(2);
    assert.equal(r.info["energyKwh"], 0.5, "level 2 of 3 is +1 kW, so the half-full battery fills up");
  });

  it("throws InvalidActionError for an action outside Discrete(n), never rounding it", () => {
    const env = new DiscretizeAction(new ToyBatteryEnv(), 3);
    env.reset({ seed: 0 });
    assert.throws(() => env.step(3), (err: unknown) => err instanceof InvalidActionError && err.message === "ToyBatteryEnv: action must be an integer in [0, 2], got 3");
    assert.throws(() => env.step(1.5), InvalidActionError);
  });

  it("refuses more levels than a multi-element Box allows, an unbounded Box and n < 2, naming the field", () => {
    assert.throws(() => new DiscretizeAction(new RecordingEnv(new Box({ low: -1, high: 1, shape: [4] })), 6), {
      message: "invalid DiscretizeAction:\n  n: expected at most 5 levels for an action of 4 elements that move (n^4 <= 1024 joint actions), got 6",
    });
    assert.throws(() => new DiscretizeAction(new RecordingEnv(new Box({ low: 0, high: Infinity, shape: [1] })), 3), {
      message: "invalid DiscretizeAction:\n  env.actionSpace: expected a Box with finite bounds, got Box of shape [1] in [0] .. [Infinity]",
    });
    assert.throws(() => new DiscretizeAction(new ToyBatteryEnv(), 1), { message: "invalid DiscretizeAction:\n  n: expected an integer >= 2, got 1" });
  });

  it("a k-element Box becomes Discrete(n^k): element 0's level varies fastest, every grid point reached once", () => {
    const inner = new RecordingEnv(new Box({ low: [0, -10], high: [1, 10], dtype: "float64" }));
    const env = new DiscretizeAction(inner, 3);
    assert.equal((env.actionSpace as Discrete).n, 9);
    env.reset();
    for (let a = 0; a < 9; a++) env.step(a);
    assert.deepEqual(inner.received.map((x) => Array.from(x)), [
      [0, -10], [0.5, -10], [1, -10], [0, 0], [0.5, 0], [1, 0], [0, 10], [0.5, 10], [1, 10],
    ]);
    assert.deepEqual(env.levelsPerElement, [[0, 0.5, 1], [-10, 0, 10]]);
    assert.deepEqual([1, 2, 4, 10].map(maxLevelsFor), [1024, 32, 5, 2]);
  });

  it("gives an element of zero width its one value: 5 levels over 2 moving elements of 4 are 25 actions, each pair once", () => {
    const env = new DiscretizeAction(new RecordingEnv(new Box({ low: [-1, 0, 2, -1], high: [1, 0, 2, 1], dtype: "float64" })), 5);
    assert.equal((env.actionSpace as Discrete).n, 25);
    assert.deepEqual(env.levelsPerElement, [[-1, -0.5, 0, 0.5, 1], [0], [2], [-1, -0.5, 0, 0.5, 1]]);
    const seen = new Set<string>();
    for (let a = 0; a < 25; a++) {
      const x = Array.from(env.action(a));
      assert.equal(x[1], 0);
      assert.equal(x[2], 2);
      seen.add(`${x[0]},${x[3]}`);
      assert.equal(env.nearestAction(x), a);
    }
    assert.equal(seen.size, 25);
    // the cap counts the elements that move: 32 levels of 2 moving elements fit in 1024
    assert.equal((new DiscretizeAction(new RecordingEnv(new Box({ low: [-1, 0, 0, -1], high: [1, 0, 0, 1] })), 32).actionSpace as Discrete).n, 1024);
  });

  it("nearestAction picks the nearest level of each element (the lower on a tie), the inverse of action on every level", () => {
    const env = new DiscretizeAction(new RecordingEnv(new Box({ low: [0, -10], high: [1, 10], dtype: "float64" })), 3);
    assert.equal(env.nearestAction([0.2, -4]), 0 + 3 * 1);
    assert.equal(env.nearestAction([0.26, 6]), 1 + 3 * 2);
    assert.equal(env.nearestAction([0.25, -5]), 0 + 3 * 0);
    assert.equal(env.nearestAction([7, -70]), 2 + 3 * 0);
    for (let a = 0; a < 9; a++) assert.equal(env.nearestAction(env.action(a)), a);
  });
});
