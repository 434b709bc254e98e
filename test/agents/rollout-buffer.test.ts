import { strict as assert } from "node:assert";
import { RolloutBuffer } from "../../agents/rollout-buffer.js";
import { Rng } from "../../src/core/rng.js";

function close(actual: ArrayLike<number>, expected: number[], tol = 1e-6): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i]! - e) < tol, `[${i}]: ${actual[i]} != ${e}`));
}

describe("RolloutBuffer", () => {
  it("computes GAE advantages and returns as a hand calculation does, cutting at episode ends", () => {
    // gamma 0.9, lambda 0.8; the episode ends after step 1, the rollout goes on after step 2
    const b = new RolloutBuffer(3, 1, 1);
    b.add([0], [0], [1], [0], [0.5], [-1]);
    b.add([1], [0], [0], [1], [0.4], [-1]);
    b.add([2], [0], [2], [0], [0.3], [-1]);
    b.computeReturnsAndAdvantages(0.6, 0.9, 0.8);
    // t=2: 2 + 0.9*0.6 - 0.3 = 2.24
    // t=1: 0 - 0.4 = -0.4 (done: no bootstrap, no carry)
    // t=0: delta 1 + 0.9*0.4 - 0.5 = 0.86; A = 0.86 + 0.9*0.8*(-0.4) = 0.572
    close(b.advantages, [0.572, -0.4, 2.24]);
    close(b.returns, [1.072, 0, 2.54]);
  });

  it("with lambda 1 gives discounted n-step returns bootstrapped from the last value", () => {
    const b = new RolloutBuffer(2, 1, 1);
    b.add([0], [0], [1], [0], [0], [0]);
    b.add([0], [0], [1], [0], [0], [0]);
    b.computeReturnsAndAdvantages(10, 0.5, 1);
    close(b.returns, [1 + 0.5 * (1 + 0.5 * 10), 1 + 0.5 * 10]);
  });

  it("cuts a seeded permutation of every stored step into minibatches", () => {
    const b = new RolloutBuffer(10, 1, 1);
    for (let i = 0; i < 10; i++) b.add([i], [0], [0], [0], [0], [0]);
    const batches = b.minibatchIndices(new Rng(3, "mb"), 4);
    assert.deepEqual(batches.map((x) => x.length), [4, 4, 2]);
    assert.deepEqual(batches.flatMap((x) => Array.from(x)).sort((p, q) => p - q), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const again = b.minibatchIndices(new Rng(3, "mb"), 4).map((x) => Array.from(x));
    assert.deepEqual(batches.map((x) => Array.from(x)), again);
  });

  it("runs GAE along each env's own time line in a T x N rollout", () => {
    // 2 envs, 2 steps, rows step-major: env 0 ends after step 0, env 1 never ends
    const b = new RolloutBuffer(2, 1, 1, 2);
    b.add([0, 0], [0, 0], [1, 2], [1, 0], [0.5, 0.1], [0, 0]);
    b.add([0, 0], [0, 0], [3, 4], [0, 0], [0.2, 0.3], [0, 0]);
    assert.equal(b.size, 4);
    b.computeReturnsAndAdvantages([10, 20], 0.5, 1);
    // env 0: t=1 3 + 0.5*10 = 8; t=0 done, 1. env 1: t=1 4 + 0.5*20 = 14; t=0 2 + 0.5*14 = 9
    close(b.returns, [1, 9, 8, 14]);
  });

  it("refuses a step beyond nSteps until reset", () => {
    const b = new RolloutBuffer(1, 1, 1);
    b.add([0], [0], [0], [0], [0], [0]);
    assert.ok(b.full);
    assert.throws(() => b.add([0], [0], [0], [0], [0], [0]), /size: expected at most nSteps \(1\) steps before reset\(\), got 2/);
    b.reset();
    assert.equal(b.size, 0);
  });
});
