import { strict as assert } from "node:assert";
import { ReplayBuffer } from "../../agents/replay-buffer.js";
import { Rng } from "../../src/core/rng.js";

function filled(capacity: number, additions: number, seed: number): ReplayBuffer {
  const b = new ReplayBuffer(capacity, 2, new Rng(seed, "replay"));
  for (let i = 0; i < additions; i++) b.add([i, -i], i % 3, i, [i + 1, -i - 1], i % 4 === 3);
  return b;
}

describe("ReplayBuffer", () => {
  it("keeps the last `capacity` transitions, overwriting the oldest first", () => {
    const b = filled(3, 5, 0);
    assert.equal(b.size, 3);
    assert.equal(b.position, 2);
    // transitions 3 and 4 overwrote slots 0 and 1; transition 2 is still in slot 2
    assert.deepEqual(Array.from(b.rewards), [3, 4, 2]);
    assert.deepEqual(Array.from(b.observations), [3, -3, 4, -4, 2, -2]);
    assert.deepEqual(Array.from(b.nextObservations), [4, -4, 5, -5, 3, -3]);
    assert.deepEqual(Array.from(b.terminated), [1, 0, 0]);
  });

  it("grows one transition per addition until full", () => {
    const b = filled(10, 4, 0);
    assert.equal(b.size, 4);
    assert.equal(b.position, 4);
  });

  it("samples only stored transitions, each row consistent across its arrays", () => {
    const b = filled(4, 9, 1);
    const batch = b.sample(64);
    for (let r = 0; r < 64; r++) {
      const reward = batch.rewards[r]!;
      assert.ok([5, 6, 7, 8].includes(reward), `reward ${reward} was overwritten`);
      assert.equal(batch.observations[2 * r], reward);
      assert.equal(batch.nextObservations[2 * r], reward + 1);
      assert.equal(batch.actions[r], reward % 3);
      assert.equal(batch.terminated[r], reward % 4 === 3 ? 1 : 0);
    }
  });

  it("draws the same batches from the same seed and different ones from another seed", () => {
    const a = Array.from(filled(100, 100, 7).sample(32).rewards);
    const b = Array.from(filled(100, 100, 7).sample(32).rewards);
    const c = Array.from(filled(100, 100, 8).sample(32).rewards);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it("applies the transform to sampled observations and next observations", () => {
    const b = filled(2, 2, 0);
    const batch = b.sample(4, (src, out, offset) => { out[offset] = src[0]! * 10; out[offset + 1] = 0; });
    for (let r = 0; r < 4; r++) {
      assert.equal(batch.observations[2 * r], batch.rewards[r]! * 10);
      assert.equal(batch.nextObservations[2 * r], (batch.rewards[r]! + 1) * 10);
    }
  });

  it("rejects a non-positive capacity and sampling from an empty buffer, naming the field", () => {
    assert.throws(() => new ReplayBuffer(0, 2, new Rng(0)), /capacity: expected a positive integer, got 0/);
    assert.throws(() => new ReplayBuffer(3, 2, new Rng(0)).sample(1), /size: expected at least one stored transition, got 0/);
  });
});
