import assert from "node:assert/strict";
import { EnvCheckError, checkEnv, checkParallelEnv, firstDifference } from "../../src/core/checker.js";
import { TimeLimit } from "../../src/core/wrappers/time-limit.js";
import { ClipAction } from "../../src/core/wrappers/clip-action.js";
import {
  LeakyRngBatteryEnv,
  OutOfSpaceBatteryEnv,
  SeedIgnoringBatteryEnv,
  SeedIgnoringFeederParallelEnv,
  SilentClipBatteryEnv,
  ToyBatteryEnv,
  ToyFeederParallelEnv,
} from "../fixtures/toy-battery-env.js";

/** Asserts that `fn` throws an EnvCheckError for `check` with exactly `message`. */
function assertCheckFails(fn: () => unknown, check: string, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof EnvCheckError, `expected EnvCheckError, got ${String(err)}`);
    assert.equal(err.code, "ENV_CHECK_FAILED");
    assert.equal(err.check, check);
    assert.equal(err.message, message);
    return true;
  });
}

describe("checkEnv", () => {
  it("passes the contract-abiding toy battery with no warnings", () => {
    assert.deepEqual(checkEnv(new ToyBatteryEnv()), []);
  });

  it("passes a wrapped env and warns when no episode ends within the steps checked", () => {
    assert.deepEqual(checkEnv(new TimeLimit(new ToyBatteryEnv(), 10), { steps: 25 }), []);
    assert.deepEqual(checkEnv(new ToyBatteryEnv(), { steps: 10 }), ['no episode ended within 10 steps: "step-after-end" was not checked']);
  });

  it("fails an env whose reset ignores the seed", () => {
    assertCheckFails(() => checkEnv(new SeedIgnoringBatteryEnv()), "seed-sensitivity",
      'SeedIgnoringBatteryEnv failed check "seed-sensitivity": seeds 0 and 1 gave identical reset observations and 50-step trajectories: reset ignores its seed (pass deterministicReset: true if the env really has no randomness)');
  });

  it("accepts a seed-independent env when it declares deterministicReset", () => {
    assert.deepEqual(checkEnv(new SeedIgnoringBatteryEnv(), { deterministicReset: true }), []);
  });

  it("fails an env that returns observations outside its space, naming the index and value", () => {
    assertCheckFails(() => checkEnv(new OutOfSpaceBatteryEnv()), "reset-result",
      'OutOfSpaceBatteryEnv failed check "reset-result": reset({ seed: 0 }): observation[0] must be in [0, 1], got 50');
  });

  it("fails an env whose random stream survives reset", () => {
    assert.throws(() => checkEnv(new LeakyRngBatteryEnv()), (err: unknown) => {
      assert.ok(err instanceof EnvCheckError);
      assert.equal(err.check, "reset-determinism");
      assert.match(err.message, /^LeakyRngBatteryEnv failed check "reset-determinism": reset\(\{ seed: 0 \}\) twice gave different results: info\.priceEurPerKwh: 0\.\d+ vs 0\.\d+ \(is every random stream re-seeded from the reset seed\?\)$/);
      return true;
    });
  });

  it("fails an env that clips invalid actions instead of rejecting them", () => {
    assertCheckFails(() => checkEnv(new SilentClipBatteryEnv()), "invalid-action",
      'SilentClipBatteryEnv failed check "invalid-action": step(a Box action of length 2) returned instead of throwing InvalidActionError');
  });

  it("passes ClipAction, whose unbounded action space leaves only the NaN and length probes, with the normalisation warning", () => {
    // ClipAction exposes an unbounded Box: NaN and wrong length still throw, and there is no bound to exceed
    const warnings = checkEnv(new ClipAction(new ToyBatteryEnv()));
    assert.deepEqual(warnings, ["actionSpace is a Box not in [-1, 1]; learners with Gaussian or tanh heads work best on a symmetric, normalised Box (wrap with a rescaling wrapper)"]);
  });

  it("fails an env that can be stepped before reset, and uses the registered id in the message", () => {
    const env = new ToyBatteryEnv();
    env.spec = { id: "Toy-v0", config: {} };
    env.reset({ seed: 0 });
    assertCheckFails(() => checkEnv(env), "step-before-reset", 'Toy-v0 failed check "step-before-reset": step() before reset() returned instead of throwing ResetNeededError');
  });
});

describe("checkParallelEnv", () => {
  it("passes the two-agent toy feeder with no warnings", () => {
    assert.deepEqual(checkParallelEnv(new ToyFeederParallelEnv()), []);
  });

  it("fails a parallel env whose reset ignores the seed", () => {
    assertCheckFails(() => checkParallelEnv(new SeedIgnoringFeederParallelEnv()), "seed-sensitivity",
      'SeedIgnoringFeederParallelEnv failed check "seed-sensitivity": seeds 0 and 1 gave identical reset observations and 50-step trajectories: reset ignores its seed (pass deterministicReset: true if the env really has no randomness)');
  });

  it("fails a parallel env that keeps finished agents in agents", () => {
    class LingeringEnv extends ToyFeederParallelEnv {
      override get agents(): readonly string[] {
        return ["battery", "heater"];
      }
    }
    assertCheckFails(() => checkParallelEnv(new LingeringEnv(2)), "step-result",
      'LingeringEnv failed check "step-result": step 2: agent "battery" terminated or truncated but is still in agents');
  });
});

describe("firstDifference", () => {
  it("compares typed arrays element-wise and infos deeply, with NaN equal to NaN", () => {
    assert.equal(firstDifference({ o: Float32Array.of(1, NaN), i: { a: [1, { b: 2 }] } }, { o: Float32Array.of(1, NaN), i: { a: [1, { b: 2 }] } }), null);
    assert.equal(firstDifference({ i: { a: [1, { b: 2 }] } }, { i: { a: [1, { b: 3 }] } }), "i.a[1].b: 2 vs 3");
    assert.equal(firstDifference(Float32Array.of(1), Float64Array.of(1)), "(value): Float32Array(1) vs Float64Array(1)");
    assert.equal(firstDifference({ a: 1 }, { a: 1, b: 2 }), "(value): keys [a] vs [a, b]");
  });
});
