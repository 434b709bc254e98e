import assert from "node:assert/strict";
import { ResetNeededError } from "../../src/core/errors.js";
import { Box, Discrete, type Space } from "../../src/core/spaces.js";
import { SyncVectorEnv } from "../../src/core/vector.js";
import { ToyBatteryEnv } from "../fixtures/toy-battery-env.js";

const makeVec = (n: number, episodeSteps = 24, infos = false) =>
  new SyncVectorEnv(Array.from({ length: n }, () => () => new ToyBatteryEnv(episodeSteps)), { infos });

describe("SyncVectorEnv", () => {
  it("seeds env i with seed + i on reset and batches observations env-major in one Float32Array", () => {
    const vec = makeVec(3);
    const { observations } = vec.reset({ seed: 10 });
    const expected = [10, 11, 12].flatMap((s) => Array.from(new ToyBatteryEnv().reset({ seed: s }).observation));
    assert.ok(observations instanceof Float32Array);
    assert.deepEqual(Array.from(observations), expected);
  });

  it("steps every env with its own action and returns typed rewards and flags", () => {
    const vec = makeVec(2, 24, true);
    vec.reset({ seed: 0 });
    const r = vec.step(Float32Array.of(0.5, -0.5));
    assert.ok(r.rewards instanceof Float64Array && r.terminations instanceof Uint8Array && r.truncations instanceof Uint8Array);
    assert.deepEqual([r.infos![0]!["energyKwh"], r.infos![1]!["energyKwh"]], [0.5, -0.5]);
    assert.deepEqual(Array.from(r.terminations), [0, 0]);
    assert.deepEqual(r.finalInfos, [null, null]);
  });

  it("collects no infos unless asked to", () => {
    const vec = makeVec(2);
    assert.equal(vec.reset({ seed: 0 }).infos, null);
    const r = vec.step([0, 0]);
    assert.equal(r.infos, null);
    assert.equal(r.finalInfos, null);
  });

  it("reuses its buffers from step to step", () => {
    const vec = makeVec(2);
    const a = vec.reset({ seed: 0 }).observations;
    const b = vec.step([0, 0]);
    assert.equal(b.observations, a);
    assert.equal(vec.step([0, 0]).rewards, b.rewards);
  });

  it("autoresets an ended env in the same step and keeps its final observation and info", () => {
    const vec = makeVec(2, 2, true);
    const single = new ToyBatteryEnv(2);
    vec.reset({ seed: 5 });
    single.reset({ seed: 5 });
    vec.step([1, 0]);
    single.step(Float32Array.of(1));
    const r = vec.step([1, 0]);
    const last = single.step(Float32Array.of(1));
    const next = single.reset();
    assert.deepEqual(Array.from(r.terminations), [1, 1]);
    assert.deepEqual(Array.from(r.finalObservations.subarray(0, 3)), Array.from(last.observation));
    assert.deepEqual(r.finalInfos![0], last.info);
    assert.deepEqual(Array.from(r.observations.subarray(0, 3)), Array.from(next.observation), "the returned observation starts the next episode");
    assert.deepEqual(r.infos![0], next.info);
    assert.equal(r.rewards[0], last.reward);
    assert.equal(r.observations[0], 0.5, "state of charge is back at its initial value");
  });

  it("gives identical batches for the same root seed", () => {
    const run = () => {
      const vec = makeVec(3, 4);
      const out = [Array.from(vec.reset({ seed: 42 }).observations)];
      for (let t = 0; t < 6; t++) out.push(Array.from(vec.step([0.3, -0.3, 1]).observations));
      return out;
    };
    assert.deepEqual(run(), run());
  });

  it("hands each env a fresh action array of the Box's dtype", () => {
    const seen: Float32Array[] = [];
    class Keeper extends ToyBatteryEnv {
      override step(action: Float32Array) {
        seen.push(action);
        return super.step(action);
      }
    }
    const vec = new SyncVectorEnv([() => new Keeper(), () => new Keeper()]);
    vec.reset({ seed: 0 });
    vec.step([0.25, -0.25]);
    vec.step([0.5, -0.5]);
    assert.ok(seen.every((a) => a instanceof Float32Array));
    assert.deepEqual(seen.map((a) => a[0]), [0.25, -0.25, 0.5, -0.5]);
  });

  it("throws ResetNeededError before reset, names a wrong batch length, and a closed error after close", () => {
    const vec = makeVec(2);
    assert.throws(() => vec.step([0, 0]), ResetNeededError);
    vec.reset({ seed: 0 });
    assert.throws(() => vec.step([0]), { name: "InvalidActionError", message: "SyncVectorEnv: action must be 2 numbers (2 envs x 1), got length 1" });
    assert.throws(() => vec.step([0, 5]), { name: "InvalidActionError" });
    assert.throws(() => vec.step([0, 0]), ResetNeededError, "a failed step needs a reset");
    vec.close();
    vec.close();
    assert.throws(() => vec.reset(), { code: "ENV_CLOSED" });
  });

  it("rejects sub-envs with different or unsupported spaces, naming the factory", () => {
    class OtherEnv extends ToyBatteryEnv {
      override get actionSpace(): Space<Float32Array> {
        return new Box({ low: -2, high: 2, shape: [1] }) as unknown as Space<Float32Array>;
      }
    }
    assert.throws(() => new SyncVectorEnv([() => new ToyBatteryEnv(), () => new OtherEnv()]), {
      message: 'invalid SyncVectorEnv:\n  envFns[1].actionSpace: expected equal to envFns[0]\'s, got {"type":"Box","shape":[1],"low":[-2],"high":[2],"dtype":"float32"}',
    });
    assert.throws(() => new SyncVectorEnv([]), { message: "invalid SyncVectorEnv:\n  envFns: expected at least one env factory, got []" });
    class DiscreteObsEnv extends ToyBatteryEnv {
      override get observationSpace(): Space<Float32Array> {
        return new Discrete(2) as unknown as Space<Float32Array>;
      }
    }
    assert.throws(() => new SyncVectorEnv([() => new DiscreteObsEnv()]), /envFns\[0\]\.observationSpace: expected a Box/);
  });
});
