/**
 * Env throughput: steps per second with uniformly random actions, resets included. Prints
 * numbers, asserts nothing.
 *
 *   npx tsx bench/env-throughput.ts [--steps N]            CommunityBattery-v0, with and without recording
 *   npx tsx bench/env-throughput.ts --all [--seconds S] [--only PREFIX]   every registered id (or those
 *                                                          starting with PREFIX), record=false, S seconds each
 *
 * Actions are pre-sampled into a pool (so the figure is the env's cost, not the sampler's);
 * in the single-env mode a second row samples every action from the action space in the loop.
 * `--all` runs each id (parallel envs with one action per agent) for a fixed time after a
 * warm-up, so slow envs and fast ones both give a figure; the action check sits on every one of
 * these steps. Reference peers measured on this machine class: CityLearn ~970 steps/s,
 * python-microgrid ~750 steps/s.
 */
import "../envs/index.js";
import type { Env, ParallelEnv } from "../src/core/env.js";
import { list, make, makeParallel } from "../src/core/registry.js";
import { Rng } from "../src/core/rng.js";

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const STEPS = Number(arg("--steps") ?? 5_000_000);
const SECONDS = Number(arg("--seconds") ?? 3);
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

/** Steps per second of `step` over `seconds` of wall time (checked every 64 steps). */
function timed(seconds: number, step: () => void): number {
  let n = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  for (;;) {
    for (let i = 0; i < 64; i++) step();
    n += 64;
    const now = performance.now();
    if (now >= end) return n / ((now - t0) / 1000);
  }
}

function single(id: string, seconds: number): number {
  const env = make<unknown, unknown>(id, id.startsWith("MicrogridDiscrete") ? { microgrid: { record: false } } : { record: false });
  const rng = new Rng(1, "bench-actions");
  const pool = Array.from({ length: 1024 }, () => env.actionSpace.sample(rng));
  env.reset({ seed: 0 });
  let i = 0;
  const step = (): void => {
    const r = env.step(pool[i++ & 1023]);
    if (r.terminated || r.truncated) env.reset();
  };
  timed(Math.min(1, seconds / 3), step);
  return timed(seconds, step);
}

function parallel(id: string, seconds: number): number {
  const env: ParallelEnv<unknown, unknown> = makeParallel(id, { record: false });
  const rng = new Rng(1, "bench-actions");
  env.reset({ seed: 0 });
  const agents = [...env.possibleAgents];
  const pool = Array.from({ length: 256 }, () => Object.fromEntries(agents.map((a) => [a, env.actionSpace(a).sample(rng)])));
  let i = 0;
  const step = (): void => {
    env.step(pool[i++ & 255]!);
    if (env.agents.length === 0) env.reset();
  };
  timed(Math.min(1, seconds / 3), step);
  return timed(seconds, step);
}

if (process.argv.includes("--all")) {
  console.log(`step throughput per env id (record=false, default config otherwise, ${SECONDS} s each after a warm-up, resets included), node ${process.version}`);
  for (const s of list().filter((e) => e.id.startsWith(arg("--only") ?? ""))) {
    const sps = s.kind === "env" ? single(s.id, SECONDS) : parallel(s.id, SECONDS);
    console.log(`  ${s.id.padEnd(26)} ${Math.round(sps).toLocaleString().padStart(12)} steps/s`);
  }
} else {
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
}
