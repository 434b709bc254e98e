/**
 * Vector env throughput: env steps per second (N per batch step, autoresets included) of
 * SyncVectorEnv and AsyncVectorEnv on 2 workers, at N = 4, 8 and 16, on CommunityBattery-v0,
 * Microgrid-v0 and EnergyHub-v0 (default configs), with random actions pre-sampled from the
 * action space. Prints numbers, asserts nothing.
 *
 * The two run interleaved, ROUNDS slices each of about `--seconds` (default 0.5), and each
 * prints the median of its slices: a load that comes and goes on a shared machine then touches
 * both alike. The async figure's ceiling is 2x on 2 idle cores, less the per-step handshake
 * (a notify and a wake-up per worker), which dominates for cheap envs.
 *
 *   npx tsx bench/vector-env.ts [--seconds S]
 */
import "../envs/index.js";
import { AsyncVectorEnv } from "../src/core/async-vector.js";
import type { Env } from "../src/core/env.js";
import { make } from "../src/core/registry.js";
import { Rng } from "../src/core/rng.js";
import { SyncVectorEnv, type VectorEnv } from "../src/core/vector.js";

const secondsArg = process.argv.indexOf("--seconds");
const SLICE_S = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 0.5;
const ROUNDS = 3;
const WORKERS = 2;
const IDS = ["CommunityBattery-v0", "Microgrid-v0", "EnergyHub-v0"];
const SIZES = [4, 8, 16];
// the workers import the env modules in the form this file runs in: sources under tsx, else compiled
const ENVS_MODULE = new URL(import.meta.url.endsWith(".ts") ? "../envs/index.ts" : "../envs/index.js", import.meta.url);

/** 256 batches of actions, each env's sampled from the action space. */
function actionPool(vec: VectorEnv): Float32Array[] {
  const rng = new Rng(1, "bench-actions");
  return Array.from({ length: 256 }, () => {
    const batch = new Float32Array(vec.numEnvs * vec.actionSize);
    for (let i = 0; i < vec.numEnvs; i++) {
      const a = vec.singleActionSpace.sample(rng);
      if (typeof a === "number") batch[i] = a;
      else batch.set(a, i * vec.actionSize);
    }
    return batch;
  });
}

let sink = 0;

/** Env steps per second over batch steps until `seconds` have passed. */
function slice(vec: VectorEnv, pool: Float32Array[], seconds: number): number {
  const t0 = performance.now();
  let steps = 0;
  for (;;) {
    for (let k = 0; k < 16; k++, steps++) sink += vec.step(pool[steps & 255]!).rewards[0]!;
    const s = (performance.now() - t0) / 1000;
    if (s >= seconds) return (steps * vec.numEnvs) / s;
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number): string => Math.round(x).toLocaleString().padStart(11);

console.log(`vector env throughput, env steps/s (median of ${ROUNDS} slices of ${SLICE_S} s), async on ${WORKERS} workers, node ${process.version}`);
console.log(`  ${"env".padEnd(20)} ${"N".padStart(3)} ${"sync".padStart(11)} ${"async".padStart(11)} ${"async/sync".padStart(10)}`);
for (const id of IDS) {
  for (const n of SIZES) {
    const sync = new SyncVectorEnv(Array.from({ length: n }, () => () => make(id) as Env<ArrayLike<number>, unknown>));
    const async = new AsyncVectorEnv({ id, numEnvs: n, workers: WORKERS, modules: [ENVS_MODULE] });
    const pool = actionPool(sync);
    sync.reset({ seed: 0 });
    async.reset({ seed: 0 });
    // warm-up: let the JIT settle in every thread
    slice(sync, pool, SLICE_S / 2);
    slice(async, pool, SLICE_S / 2);
    const rates: [number[], number[]] = [[], []];
    for (let r = 0; r < ROUNDS; r++) {
      rates[0].push(slice(sync, pool, SLICE_S));
      rates[1].push(slice(async, pool, SLICE_S));
    }
    const [s, a] = [median(rates[0]), median(rates[1])];
    console.log(`  ${id.padEnd(20)} ${String(n).padStart(3)} ${fmt(s)} ${fmt(a)} ${(a / s).toFixed(2).padStart(10)}`);
    sync.close();
    async.close();
  }
}
if (Number.isNaN(sink)) console.log("unexpected NaN reward");
