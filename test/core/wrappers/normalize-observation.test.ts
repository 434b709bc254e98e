import assert from "node:assert/strict";
import type { Env } from "../../../src/core/env.js";
import { ConfigError } from "../../../src/core/errors.js";
import { Box, Discrete, type Space } from "../../../src/core/spaces.js";
import { NormalizeObservation } from "../../../src/core/wrappers/normalize-observation.js";
import { ToyBatteryEnv } from "../../fixtures/toy-battery-env.js";

/** Emits a scripted sequence of 2-D observations, one per reset/step. */
class ScriptedEnv implements Env<Float64Array, number> {
  readonly observationSpace = new Box({ low: -Infinity, high: Infinity, shape: [2], dtype: "float64" }) as unknown as Space<Float64Array>;
  readonly actionSpace = new Discrete(1) as Space<number>;
  #t = 0;
  constructor(readonly script: number[][]) {}
  get unwrapped(): Env<unknown, unknown> {
    return this as Env<unknown, unknown>;
  }
  reset() {
    this.#t = 0;
    return { observation: Float64Array.from(this.script[0]!), info: {} };
  }
  step() {
    this.#t += 1;
    return { observation: Float64Array.from(this.script[this.#t]!), reward: 0, terminated: false, truncated: false, info: {} };
  }
  close() {}
}

describe("NormalizeObservation", () => {
  const script = [[1, 10], [3, 10], [5, 10], [7, 10]];

  it("tracks the running mean and population variance of every dimension (epsilon-weighted prior)", () => {
    const env = new NormalizeObservation(new ScriptedEnv(script), { epsilon: 1e-12 });
    env.reset();
    for (let t = 0; t < 3; t++) env.step(0);
    // with a negligible prior count the statistics are those of the 4 samples
    assert.ok(Math.abs(env.mean[0]! - 4) < 1e-9 && Math.abs(env.mean[1]! - 10) < 1e-9);
    assert.ok(Math.abs(env.variance[0]! - 5) < 1e-9, `variance ${env.variance[0]}`);
    assert.ok(Math.abs(env.variance[1]!) < 1e-9);
  });

  it("returns (x - mean) / sqrt(var + eps) with the statistics including x", () => {
    const env = new NormalizeObservation(new ScriptedEnv(script), { epsilon: 1e-12 });
    env.reset();
    env.step(0);
    env.step(0);
    const r = env.step(0);
    assert.ok(Math.abs(r.observation[0]! - (7 - 4) / Math.sqrt(5)) < 1e-6, `got ${r.observation[0]}`);
    assert.ok(r.observation instanceof Float64Array);
  });

  it("freezes the statistics when update is false", () => {
    const env = new NormalizeObservation(new ScriptedEnv(script));
    env.reset();
    env.step(0);
    const before = env.getState();
    env.update = false;
    env.step(0);
    env.step(0);
    assert.deepEqual(env.getState(), before);
  });

  it("getState/setState round-trips through JSON and reproduces the normalisation", () => {
    const trained = new NormalizeObservation(new ToyBatteryEnv());
    trained.reset({ seed: 1 });
    for (let t = 0; t < 10; t++) trained.step(Float32Array.of(0.2));
    const saved = JSON.parse(JSON.stringify(trained.getState()));
    const restored = new NormalizeObservation(new ToyBatteryEnv());
    restored.setState(saved);
    trained.update = false;
    restored.update = false;
    assert.deepEqual(restored.reset({ seed: 4 }).observation, trained.reset({ seed: 4 }).observation);
  });

  it("exposes an unbounded Box of the same shape and dtype", () => {
    const env = new NormalizeObservation(new ToyBatteryEnv());
    assert.equal(env.observationSpace.equals(new Box({ low: -Infinity, high: Infinity, shape: [3], dtype: "float32" })), true);
    assert.ok(env.reset({ seed: 0 }).observation instanceof Float32Array);
  });

  it("setState rejects a state of the wrong size, naming the fields", () => {
    const env = new NormalizeObservation(new ToyBatteryEnv());
    assert.throws(() => env.setState({ count: 2, mean: [0], var: [1, 1, 1] }), {
      message: "invalid ToyBatteryEnv NormalizeObservation state:\n  mean: expected length 3, got length 1",
    });
    assert.throws(() => env.setState({ count: -1, mean: [0, 0, 0], var: [1, 1, 1] }), ConfigError);
  });

  it("refuses a non-Box observation space", () => {
    const env = new ScriptedEnv(script);
    const discrete = Object.assign(Object.create(env) as ScriptedEnv, { observationSpace: new Discrete(2) }) as unknown as Env<Float64Array, number>;
    assert.throws(() => new NormalizeObservation(discrete), { message: "invalid NormalizeObservation:\n  env.observationSpace: expected a Box, got Discrete" });
  });
});
