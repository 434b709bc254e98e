import assert from "node:assert/strict";
import { ResetNeededError } from "../../src/core/errors.js";
import { Box, Discrete, type Space } from "../../src/core/spaces.js";
import { SyncVectorEnv } from "../../src/core/vector.js";
import { ToyBatteryEnv } from "../fixtures/toy-battery-env.js";

const makeVec = (n: number, episodeSteps = 24) =>
  new SyncVectorEnv(Array.from({ length: n }, () => () => new ToyBatteryEnv(episodeSteps)));

describe("SyncVectorEnv", () => {
  it("seeds env i with seed + i on reset", () => {
    const vec = makeVec(3);
    const { observations } = vec.reset({ seed: 10 });
    const expected = [10, 11, 12].map((s) => new ToyBatteryEnv().reset({ seed: s }).observation);
    assert.deepEqual(observations, expected);
  });

  it("batches Box observations env-major in one typed array of the Box's dtype", () => {
    const vec = makeVec(2);
    const { observations, batch } = vec.reset({ seed: 0 });
    assert.ok(batch instanceof Float32Array);
    assert.deepEqual(Array.from(batch), [...observations[0]!, ...observations[1]!]);
  });

  it("steps every env with its own action and returns typed rewards and flags", () => {
    const vec = makeVec(2);
    vec.reset({ seed: 0 });
    const r = vec.step([Float32Array.of(0.5), Float32Array.of(-0.5)]);
    assert.ok(r.rewards instanceof Float64Array && r.terminated instanceof Uint8Array && r.truncated instanceof Uint8Array);
    assert.deepEqual([r.infos[0]!["energyKwh"], r.infos[1]!["energyKwh"]], [0.5, -0.5]);
    assert.deepEqual(Array.from(r.terminated), [0, 0]);
    assert.deepEqual(r.finalObservation, [null, null]);
  });

  it("autoresets an ended env in the same step and keeps its final observation and info", () => {
    const vec = makeVec(2, 2);
    const single = new ToyBatteryEnv(2);
    vec.reset({ seed: 5 });
    single.reset({ seed: 5 });
    vec.step([Float32Array.of(1), Float32Array.of(0)]);
    single.step(Float32Array.of(1));
    const r = vec.step([Float32Array.of(1), Float32Array.of(0)]);
    const last = single.step(Float32Array.of(1));
    const next = single.reset();
    assert.deepEqual(Array.from(r.terminated), [1, 1]);
    assert.deepEqual(r.finalObservation[0], last.observation);
    assert.deepEqual(r.finalInfo[0], last.info);
    assert.deepEqual(r.observations[0], next.observation, "the returned observation starts the next episode");
    assert.deepEqual(r.infos[0], next.info);
    assert.equal(r.rewards[0], last.reward);
    assert.equal(r.observations[0]![0], 0.5, "state of charge is back at its initial value");
  });

  it("gives identical batches for the same root seed", () => {
    const run = () => {
      const vec = makeVec(3, 4);
      const out = [vec.reset({ seed: 42 }).batch];
      for (let t = 0; t < 6; t++) out.push(vec.step([Float32Array.of(0.3), Float32Array.of(-0.3), Float32Array.of(1)]).batch);
      return out;
    };
    assert.deepEqual(run(), run());
  });

  it("throws ResetNeededError before reset and a closed error after close; close twice is safe", () => {
    const vec = makeVec(2);
    assert.throws(() => vec.step([Float32Array.of(0), Float32Array.of(0)]), ResetNeededError);
    vec.reset({ seed: 0 });
    assert.throws(() => vec.step([Float32Array.of(0)]), { name: "InvalidActionError", message: "SyncVectorEnv: action must be an array of 2 actions, got length 1" });
    vec.close();
    vec.close();
    assert.throws(() => vec.reset(), { code: "ENV_CLOSED" });
  });

  it("rejects sub-envs with different spaces, naming the factory", () => {
    class OtherEnv extends ToyBatteryEnv {
      override get actionSpace(): Space<Float32Array> {
        return new Box({ low: -2, high: 2, shape: [1] }) as unknown as Space<Float32Array>;
      }
    }
    assert.throws(() => new SyncVectorEnv([() => new ToyBatteryEnv(), () => new OtherEnv()]), {
      message: 'invalid SyncVectorEnv:\n  envFns[1].actionSpace: expected equal to envFns[0]\'s, got {"type":"Box","shape":[1],"low":[-2],"high":[2],"dtype":"float32"}',
    });
    assert.throws(() => new SyncVectorEnv([]), { message: "invalid SyncVectorEnv:\n  envFns: expected at least one env factory, got []" });
  });

  it("has a null batch for non-Box observation spaces", () => {
    class DiscreteObsEnv extends ToyBatteryEnv {
      override get observationSpace(): Space<Float32Array> {
        return new Discrete(2) as unknown as Space<Float32Array>;
      }
    }
    const vec = new SyncVectorEnv([() => new DiscreteObsEnv()]);
    assert.equal(vec.reset({ seed: 0 }).batch, null);
  });
});
