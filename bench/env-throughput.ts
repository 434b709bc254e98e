/**
 * Env throughput of CommunityBattery-v0: steps per second with uniformly random actions,
 * with and without trajectory recording, resets included. Prints numbers, asserts nothing.
 *
 *   npx tsx bench/env-throughput.ts [--steps N]
 *
 * Actions are pre-sampled into a pool (so the figure is the env's cost, not the sampler's);
 * a second row samples every action from the action space in the loop. Reference peers
 * measured on this machine class: CityLearn ~970 steps/s, python-microgrid ~750 steps/s.
 */
import "../envs/index.js";
import type { Env } from "../src/core/env.js";
import { make } from "../src/core/registry.js";
import { Rng } from "../src/core/rng.js";

const stepsArg = process.argv.indexOf("--steps");
const STEPS = stepsArg > 0 ? Number(process.argv[stepsArg + 1]) : 5_000_000;
const CITYLEARN_STEPS_PER_S = 970;

function run(env: Env<Float32Array, Float32Array>, steps: number, sampleInLoop: boolean): number {
  const rng = new Rng(1, "bench-actions");
  const pool = Array.from({ length: 4096 }, () => env.actionSpace.sample(rng));
  env.reset({ seed: 0 });
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    const a = sampleInLoop ? env.actionSpace.sample(rng) : pool[i & 4095]!;
    const r = env.step(a);
    sink += r.reward;
    if (r.terminated || r.truncated) env.reset();
  }
  const s = (performance.now() - t0) / 1000;
  if (Number.isNaN(sink)) console.log("unexpected NaN reward");
  return steps / s;
}

const rows: [string, number][] = [];
for (const record of [false, true]) {
  const env = make<Float32Array, Float32Array>("CommunityBattery-v0", { record });
  run(env, Math.min(STEPS, 200_000), false); // warm-up: let the JIT settle
  rows.push([`record=${record}, pooled actions`, run(env, STEPS, false)]);
  rows.push([`record=${record}, actions sampled in loop`, run(env, Math.floor(STEPS / 2), true)]);
}
console.log(`CommunityBattery-v0 throughput (${STEPS.toLocaleString()} steps, 168-step episodes, resets included), node ${process.version}`);
for (const [label, sps] of rows) {
  console.log(`  ${label.padEnd(40)} ${Math.round(sps).toLocaleString().padStart(12)} steps/s   ${(sps / CITYLEARN_STEPS_PER_S).toFixed(0).padStart(6)}x CityLearn`);
}
