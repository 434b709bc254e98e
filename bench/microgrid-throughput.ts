/**
 * Env throughput of Microgrid-v0: steps per second with uniformly random (pre-sampled) set-points,
 * resets included, every tick negotiated by Contract Net on the message bus. Rows: forecasting
 * off (current value repeated), the persistence forecaster of src/forecast (empirical error
 * quantiles), and the negotiation transcript on. Prints numbers, asserts nothing.
 *
 *   npx tsx bench/microgrid-throughput.ts [--steps N]
 */
import "../envs/microgrid/index.js";
import type { Env } from "../src/core/env.js";
import { make } from "../src/core/registry.js";
import { Rng } from "../src/core/rng.js";

const stepsArg = process.argv.indexOf("--steps");
const STEPS = stepsArg > 0 ? Number(process.argv[stepsArg + 1]) : 1_000_000;

function run(env: Env<Float32Array, Float32Array>, steps: number): number {
  const rng = new Rng(1, "bench-actions");
  const pool = Array.from({ length: 4096 }, () => env.actionSpace.sample(rng));
  env.reset({ seed: 0 });
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    const r = env.step(pool[i & 4095]!);
    sink += r.reward;
    if (r.terminated || r.truncated) env.reset();
  }
  const s = (performance.now() - t0) / 1000;
  if (Number.isNaN(sink)) console.log("unexpected NaN reward");
  return steps / s;
}

const cases: [string, object, number][] = [
  ["negotiation on, forecasting off", { forecast: { model: "off" } }, STEPS],
  ["negotiation on, forecasting off, record=false", { forecast: { model: "off" }, record: false }, STEPS],
  ["negotiation on, persistence forecaster", { forecast: { model: "persistence" } }, Math.floor(STEPS / 10)],
  ["negotiation on, transcript on, forecasting off", { forecast: { model: "off" }, transcript: true }, Math.floor(STEPS / 10)],
];
console.log(`Microgrid-v0 throughput (336-tick episodes, resets included), node ${process.version}`);
for (const [label, config, steps] of cases) {
  const env = make<Float32Array, Float32Array>("Microgrid-v0", config);
  run(env, Math.min(steps, 100_000)); // warm-up: let the JIT settle
  console.log(`  ${label.padEnd(50)} ${Math.round(run(env, steps)).toLocaleString().padStart(12)} steps/s`);
}
