/**
 * The forward pass that chooses actions: plain JS on the host copy of the weights against the
 * wasm backend (one upload, fused products, one read-back), for 1 to 256 rows of a 57-64-64-3
 * ReLU MLP (DQN's on CommunityBattery-v0 with 3 action levels). Sets DEVICE_FORWARD_ROWS in
 * agents/networks.ts. Prints microseconds per call, asserts nothing.
 *
 *   npx tsx bench/forward-pass.ts
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../agents/backend.js";
import { Mlp, forwardDevice } from "../agents/networks.js";
import { Rng } from "../src/core/rng.js";

console.log(`backend ${await initBackend("wasm")}; microseconds per forward pass (two alternating runs each)`);
const net = new Mlp({ sizes: [57, 64, 64, 3], activation: "relu" }, new Rng(1, "bench"));
for (const rows of [1, 2, 4, 8, 16, 64, 256]) {
  const x = Float32Array.from({ length: rows * 57 }, (_, i) => Math.sin(i));
  const times: Record<string, number[]> = { host: [], device: [] };
  for (const mode of ["host", "device", "host", "device"] as const) {
    const f = mode === "host"
      ? () => net.forwardHost(x, rows)[0]!
      : () => tf.tidy(() => (forwardDevice(net, tf.tensor2d(x, [rows, 57])).dataSync() as Float32Array)[0]!);
    let sink = 0;
    for (let i = 0; i < 300; i++) sink += f();
    const reps = Math.max(200, 20_000 / rows);
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) sink += f();
    times[mode]!.push(((performance.now() - t0) * 1000) / reps);
    if (Number.isNaN(sink)) console.log("unexpected NaN");
  }
  const fmt = (a: number[]) => a.map((t) => t.toFixed(0).padStart(6)).join(" ");
  console.log(`  ${String(rows).padStart(3)} rows   host ${fmt(times.host!)}   device ${fmt(times.device!)}`);
}
