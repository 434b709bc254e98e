import assert from "node:assert/strict";
import { InvalidActionError } from "../../../src/core/errors.js";
import { Box } from "../../../src/core/spaces.js";
import { ClipAction } from "../../../src/core/wrappers/clip-action.js";
import { ToyBatteryEnv } from "../../fixtures/toy-battery-env.js";

describe("ClipAction", () => {
  it("clips out-of-bounds actions to the inner bounds (an env alone would reject them)", () => {
    const env = new ClipAction(new ToyBatteryEnv());
    env.reset({ seed: 0 });
    assert.equal(env.step(Float32Array.of(7)).info["energyKwh"], 0.5, "clipped to +1 kW: the half-full battery fills");
    assert.equal(env.step([-Infinity]).info["energyKwh"], -1, "clipped to -1 kW: the full battery empties");
    const bare = new ToyBatteryEnv();
    bare.reset({ seed: 0 });
    assert.throws(() => bare.step(Float32Array.of(7)), InvalidActionError);
  });

  it("exposes an unbounded Box of the same shape and dtype", () => {
    const env = new ClipAction(new ToyBatteryEnv());
    assert.equal(env.actionSpace.equals(new Box({ low: -Infinity, high: Infinity, shape: [1], dtype: "float32" })), true);
  });

  it("still throws InvalidActionError for NaN and a wrong length", () => {
    const env = new ClipAction(new ToyBatteryEnv());
    env.reset({ seed: 0 });
    assert.throws(() => env.step(Float32Array.of(NaN)), { name: "InvalidActionError", message: "ToyBatteryEnv: action[0] must be a number, got NaN" });
    assert.throws(() => env.step(Float32Array.of(0, 0)), { name: "InvalidActionError", message: "ToyBatteryEnv: action must be an array of length 1, got length 2" });
  });
});
