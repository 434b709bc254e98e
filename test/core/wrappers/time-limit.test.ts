import assert from "node:assert/strict";
import { ResetNeededError } from "../../../src/core/errors.js";
import { TimeLimit } from "../../../src/core/wrappers/time-limit.js";
import { ToyBatteryEnv } from "../../fixtures/toy-battery-env.js";

const idle = Float32Array.of(0);

describe("TimeLimit", () => {
  it("truncates (not terminates) at exactly maxEpisodeSteps", () => {
    const env = new TimeLimit(new ToyBatteryEnv(24), 5);
    env.reset({ seed: 1 });
    const flags = [];
    for (let t = 0; t < 5; t++) {
      const r = env.step(idle);
      flags.push([r.terminated, r.truncated]);
    }
    assert.deepEqual(flags, [[false, false], [false, false], [false, false], [false, false], [false, true]]);
    assert.equal(env.elapsedSteps, 5);
  });

  it("passes terminated through when the env ends on the limit step, with truncated also set", () => {
    const env = new TimeLimit(new ToyBatteryEnv(3), 3);
    env.reset({ seed: 1 });
    env.step(idle);
    env.step(idle);
    const r = env.step(idle);
    assert.deepEqual([r.terminated, r.truncated], [true, true]);
  });

  it("throws ResetNeededError when stepped past the limit, and a reset starts the count again", () => {
    const env = new TimeLimit(new ToyBatteryEnv(), 2);
    env.reset({ seed: 1 });
    env.step(idle);
    env.step(idle);
    assert.throws(() => env.step(idle), (err: unknown) => err instanceof ResetNeededError
      && err.message === "ToyBatteryEnv: the time limit of 2 steps was reached; call reset() first");
    env.reset();
    assert.equal(env.elapsedSteps, 0);
    assert.equal(env.step(idle).truncated, false);
  });

  it("leaves observations and rewards untouched and forwards spaces", () => {
    const inner = new ToyBatteryEnv();
    const plain = new ToyBatteryEnv();
    const env = new TimeLimit(inner, 3);
    assert.deepEqual(env.reset({ seed: 9 }), plain.reset({ seed: 9 }));
    const a = env.step(Float32Array.of(0.5));
    const b = plain.step(Float32Array.of(0.5));
    assert.deepEqual([a.observation, a.reward, a.info], [b.observation, b.reward, b.info]);
    assert.equal(env.observationSpace, inner.observationSpace);
    assert.equal(env.unwrapped, inner);
  });

  it("rejects a non-positive limit naming the field", () => {
    assert.throws(() => new TimeLimit(new ToyBatteryEnv(), 0), { message: "invalid TimeLimit:\n  maxEpisodeSteps: expected a positive integer, got 0" });
  });
});
