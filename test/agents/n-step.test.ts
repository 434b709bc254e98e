/**
 * n-step folding (agents/n-step.ts): the rewards and spans handed to the replay buffer, checked
 * against sums written out by hand, and per env / per episode separation.
 */
import { strict as assert } from "node:assert";
import { NStepQueue } from "../../agents/n-step.js";

interface Out { obs: number; action: number; reward: number; next: number; terminated: boolean; steps: number; }

function queue(n: number, numEnvs: number, gamma: number): { q: NStepQueue; out: Out[] } {
  const out: Out[] = [];
  const q = new NStepQueue(n, numEnvs, 1, gamma, (o, a, r, next, terminated, steps) => { out.push({ obs: o[0]!, action: a, reward: r, next: next[0]!, terminated, steps }); });
  return { q, out };
}
const v = (x: number): Float32Array => Float32Array.of(x);

describe("NStepQueue", () => {
  it("with n = 1 hands every transition on as it arrives", () => {
    const { q, out } = queue(1, 1, 0.9);
    q.push(0, v(0), 2, 1.5, v(1), false, false);
    q.push(0, v(1), 0, -2, v(2), true, true);
    assert.deepEqual(out, [
      { obs: 0, action: 2, reward: 1.5, next: 1, terminated: false, steps: 1 },
      { obs: 1, action: 0, reward: -2, next: 2, terminated: true, steps: 1 },
    ]);
  });

  it("with n = 3 folds three rewards with gamma and bootstraps from three steps on", () => {
    const { q, out } = queue(3, 1, 0.5);
    q.push(0, v(0), 0, 1, v(1), false, false);
    q.push(0, v(1), 1, 2, v(2), false, false);
    assert.equal(out.length, 0);
    assert.equal(q.pending(0), 2);
    q.push(0, v(2), 2, 4, v(3), false, false);
    q.push(0, v(3), 0, 8, v(4), false, false);
    assert.deepEqual(out, [
      { obs: 0, action: 0, reward: 1 + 0.5 * 2 + 0.25 * 4, next: 3, terminated: false, steps: 3 },
      { obs: 1, action: 1, reward: 2 + 0.5 * 4 + 0.25 * 8, next: 4, terminated: false, steps: 3 },
    ]);
  });

  it("flushes at an episode's end with shorter spans, terminated only when the episode terminated", () => {
    for (const terminated of [true, false]) {
      const { q, out } = queue(3, 1, 0.5);
      q.push(0, v(0), 0, 1, v(1), false, false);
      q.push(0, v(1), 0, 2, v(2), terminated, true);
      assert.deepEqual(out, [
        { obs: 0, action: 0, reward: 1 + 0.5 * 2, next: 2, terminated, steps: 2 },
        { obs: 1, action: 0, reward: 2, next: 2, terminated, steps: 1 },
      ]);
      assert.equal(q.pending(0), 0);
      // the next episode starts afresh: nothing of the last one is folded into it
      q.push(0, v(10), 1, 100, v(11), false, false);
      q.push(0, v(11), 1, 100, v(12), false, true);
      assert.deepEqual(out.slice(2).map((o) => [o.obs, o.reward, o.steps]), [[10, 150, 2], [11, 100, 1]]);
    }
  });

  it("keeps each env's queue apart", () => {
    const { q, out } = queue(2, 2, 1);
    q.push(0, v(0), 0, 1, v(1), false, false);
    q.push(1, v(100), 0, 10, v(101), false, false);
    q.push(1, v(101), 0, 20, v(102), false, false);
    q.push(0, v(1), 0, 2, v(2), false, false);
    assert.deepEqual(out.map((o) => [o.obs, o.reward, o.next]), [[100, 30, 102], [0, 3, 2]]);
  });

  it("refuses n below 1, naming it", () => {
    assert.throws(() => queue(0, 1, 0.9), /n: expected an integer >= 1/);
  });
});
