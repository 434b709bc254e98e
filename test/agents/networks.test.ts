import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../agents/backend.js";
import { Mlp } from "../../agents/networks.js";
import { Rng } from "../../src/core/rng.js";

describe("Mlp", () => {
  before(async () => { await initBackend("auto"); });

  for (const activation of ["relu", "tanh"] as const) {
    it(`host forward pass (${activation}) matches the tfjs forward pass`, () => {
      const net = new Mlp({ sizes: [5, 8, 8, 3], activation }, new Rng(1, "init"));
      const rng = new Rng(2, "x");
      const x = Float32Array.from({ length: 4 * 5 }, () => rng.normal());
      const host = Array.from(net.forwardHost(x, 4));
      const dev = tf.tidy(() => Array.from(net.apply(tf.tensor2d(x, [4, 5])).dataSync()));
      host.forEach((h, i) => assert.ok(Math.abs(h - dev[i]!) < 1e-5, `[${i}] ${h} vs ${dev[i]}`));
      net.dispose();
    });
  }

  it("the same seed gives the same initial weights; another seed other weights", () => {
    const a = new Mlp({ sizes: [3, 4, 2], activation: "relu" }, new Rng(5, "init"));
    const b = new Mlp({ sizes: [3, 4, 2], activation: "relu" }, new Rng(5, "init"));
    const c = new Mlp({ sizes: [3, 4, 2], activation: "relu" }, new Rng(6, "init"));
    assert.deepEqual(a.getWeights(), b.getWeights());
    assert.notDeepEqual(a.getWeights(), c.getWeights());
    assert.equal(a.parameterCount, 3 * 4 + 4 + 4 * 2 + 2);
    for (const n of [a, b, c]) n.dispose();
  });
});

describe("initBackend", () => {
  it("falls back from tensorflow (tfjs-node absent here) and says which backend runs", async () => {
    const name = await initBackend("tensorflow");
    assert.ok(["tensorflow", "wasm"].includes(name), name);
    assert.equal(tf.getBackend(), name);
  });

  it("runs on cpu when asked, and back on the auto choice afterwards", async () => {
    assert.equal(await initBackend("cpu"), "cpu");
    assert.equal(tf.getBackend(), "cpu");
    const auto = await initBackend("auto");
    assert.notEqual(auto, "cpu");
  });
});
