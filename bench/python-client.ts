/**
 * Python client throughput: CommunityBattery-v0 steps/s through python/gridgym (one env, and a
 * vector env of N = 16 stepped in one message) beside the same loops in Node in the same run,
 * and their ratios. Targets (issue 16): >= 50,000 single and >= 500,000 vectorised env-steps/s
 * through the client. Zero actions, resets included, median of 3 slices. The pipe's round trip
 * is two process wake-ups, so on a loaded machine the figures are noisy and mostly scheduling.
 * The floor beside them: a bare ping-pong of frames of a step's request and reply sizes between
 * python3 and bench/pipe-echo.ts (no env, no client), the most round trips/s the pipe allows here;
 * a step through the client costs that round trip plus the env step and both sides' framing.
 * Prints numbers, asserts nothing.
 *
 *   npx tsx bench/python-client.ts [--seconds S]      (GRIDGYM_PYTHON picks the python3)
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import "../envs/index.js";
import type { Env } from "../src/core/env.js";
import { make } from "../src/core/registry.js";
import { SyncVectorEnv } from "../src/core/vector.js";

const secondsArg = process.argv.indexOf("--seconds");
const SLICE_S = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 1;
const ID = "CommunityBattery-v0";
const ROOT = join(import.meta.dirname, "..");

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

function nodeSingle(): number {
  const env = make(ID);
  env.reset({ seed: 0 });
  let steps = 0;
  const start = performance.now();
  while (performance.now() - start < SLICE_S * 1000) {
    for (let k = 0; k < 200; k++) {
      const r = env.step(new Float32Array(1));
      if (r.terminated || r.truncated) env.reset();
    }
    steps += 200;
  }
  env.close();
  return steps / ((performance.now() - start) / 1000);
}

function nodeVector(n: number): number {
  const vec = new SyncVectorEnv(Array.from({ length: n }, () => () => make(ID) as Env<ArrayLike<number>, unknown>));
  vec.reset({ seed: 0 });
  const actions = new Float32Array(n);
  let batches = 0;
  const start = performance.now();
  while (performance.now() - start < SLICE_S * 1000) {
    for (let k = 0; k < 50; k++) vec.step(actions);
    batches += 50;
  }
  vec.close();
  return (n * batches) / ((performance.now() - start) / 1000);
}

function pickPython(): string {
  for (const c of [process.env.GRIDGYM_PYTHON, "/usr/bin/python3", "python3"]) {
    if (c && spawnSync(c, ["-c", "import numpy"]).status === 0) return c;
  }
  throw new Error("no python3 that imports numpy (set GRIDGYM_PYTHON)");
}

const python = pickPython();
const r = spawnSync(python, [join(ROOT, "bench", "python-client.py"), String(SLICE_S)], {
  encoding: "utf8",
  env: { ...process.env, GRIDGYM_NODE_ENTRY: process.env.GRIDGYM_NODE_ENTRY ?? join(ROOT, "training", "pipe-server.ts") },
});
if (r.status !== 0) throw new Error(`bench/python-client.py failed:\n${r.stderr}`);
const py = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as {
  single: number;
  vector16: number;
  floor_single: number;
  floor_vector16: number;
  sizes: { single: [number, number]; vector: [number, number] };
};
nodeSingle();
const single = median([nodeSingle(), nodeSingle(), nodeSingle()]);
const vector16 = median([nodeVector(16), nodeVector(16), nodeVector(16)]);
const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
console.log(`${ID}, env-steps/s (median of 3 slices of ${SLICE_S} s)`);
console.log(`  single env: Python client ${fmt(py.single)}, Node ${fmt(single)}, ratio ${(py.single / single).toFixed(3)} (target >= 50,000)`);
console.log(`  vector N=16: Python client ${fmt(py.vector16)}, Node ${fmt(vector16)}, ratio ${(py.vector16 / vector16).toFixed(3)} (target >= 500,000)`);
const [sq, sr] = py.sizes.single;
const [vq, vr] = py.sizes.vector;
console.log(`floor: bare python3 <-> node ping-pong over pipes, no env (round trips/s)`);
console.log(`  single-step sizes (${sq} B request, ${sr} B reply): ${fmt(py.floor_single)}; the client reaches ${(py.single / py.floor_single).toFixed(2)} of it`);
console.log(`  vector-step sizes (${vq} B request, ${vr} B reply): ${fmt(py.floor_vector16)} = ${fmt(16 * py.floor_vector16)} env-steps/s; the client reaches ${(py.vector16 / (16 * py.floor_vector16)).toFixed(2)} of it`);
