import assert from "node:assert/strict";
import type { ResetOptions, ResetResult, StepResult } from "../../../src/core/env.js";
import { GymError, InvalidActionError } from "../../../src/core/errors.js";
import { NanGuard, findNonFinite } from "../../../src/core/wrappers/nan-guard.js";
import { ToyBatteryEnv } from "../../fixtures/toy-battery-env.js";

/** Produces a NaN price after `badStep` steps, and an infinite reward at `infStep`. */
class DivergingEnv extends ToyBatteryEnv {
  #t = 0;
  constructor(readonly badStep: number, readonly infStep = Number.POSITIVE_INFINITY) {
    super();
  }
  override reset(opts?: ResetOptions): ResetResult<Float32Array> {
    this.#t = 0;
    return super.reset(opts);
  }
  override step(action: Float32Array): StepResult<Float32Array> {
    const r = super.step(action);
    this.#t += 1;
    if (this.#t === this.badStep) r.observation[1] = NaN;
    if (this.#t === this.infStep) return { ...r, reward: Infinity };
    return r;
  }
}

describe("NanGuard", () => {
  it("throws OBSERVATION_NAN naming the env, index and value at the first NaN observation", () => {
    const inner = new DivergingEnv(3);
    inner.spec = { id: "Diverging-v0", config: {} };
    const env = new NanGuard(inner);
    env.reset({ seed: 0 });
    env.step(Float32Array.of(0));
    env.step(Float32Array.of(0));
    assert.throws(() => env.step(Float32Array.of(0)), (err: unknown) => {
      assert.ok(err instanceof GymError);
      assert.equal(err.code, "OBSERVATION_NAN");
      assert.equal(err.message, "Diverging-v0: observation[1] must be a finite number, got NaN (from step)");
      return true;
    });
  });

  it("throws OBSERVATION_NAN for an infinite reward", () => {
    const env = new NanGuard(new DivergingEnv(-1, 1));
    env.reset({ seed: 0 });
    assert.throws(() => env.step(Float32Array.of(0)), { code: "OBSERVATION_NAN", message: "DivergingEnv: reward must be a finite number, got Infinity (from step)" });
  });

  it("throws InvalidActionError for NaN or infinite actions before the env sees them", () => {
    const inner = new ToyBatteryEnv();
    const env = new NanGuard(inner);
    env.reset({ seed: 0 });
    assert.throws(() => env.step(Float32Array.of(-Infinity)), (err: unknown) => err instanceof InvalidActionError
      && err.message === "ToyBatteryEnv: action[0] must be a finite number, got -Infinity");
    assert.equal(env.step(Float32Array.of(0.5)).info["energyKwh"], 0.5, "the env was not stepped by the rejected action");
  });

  it("passes finite episodes through unchanged", () => {
    const guarded = new NanGuard(new ToyBatteryEnv());
    const plain = new ToyBatteryEnv();
    assert.deepEqual(guarded.reset({ seed: 2 }), plain.reset({ seed: 2 }));
    for (let t = 0; t < 24; t++) assert.deepEqual(guarded.step(Float32Array.of(0.1)), plain.step(Float32Array.of(0.1)));
  });

  it("findNonFinite finds values nested in Dict-like observations", () => {
    assert.deepEqual(findNonFinite({ a: [1, 2], b: { c: Float64Array.of(0, NaN) } }), { path: ".b.c[1]", value: NaN });
    assert.equal(findNonFinite({ a: 1, b: [2, 3] }), null);
  });
});
