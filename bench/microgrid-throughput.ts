/**
 * Env throughput of Microgrid-v0: steps per second with uniformly random (pre-sampled) set-points,
 * resets included, every tick negotiated by Contract Net on the message bus. Rows: the default
 * config (the persistence forecaster of src/forecast, empirical error quantiles), forecasting off
 * (current value repeated), and the negotiation transcript on; then the default row as a share
 * of the forecasting-off row. Prints numbers, asserts nothing.
 *
 * The rows run interleaved, ROUNDS rounds of one slice each, and each row prints the median of
 * its rounds (min - max beside it): on a shared machine a load that comes and goes then touches
 * every row alike, so the rows compare within one run.
 *
 *   npx tsx bench/microgrid-throughput.ts [--steps N]
 */
import "../envs/microgrid/index.js";
import type { Env } from "../src/core/env.js";
import { make } from "../src/core/registry.js";
import { Rng } from "../src/core/rng.js";

const stepsArg = process.argv.indexOf("--steps");
const STEPS = stepsArg > 0 ? Number(process.argv[stepsArg + 1]) : 1_000_000;
const ROUNDS = 5;

/** Steps per second over `steps` steps, the env left where the last slice stopped. */
function run(env: Env<Float32Array, Float32Array>, pool: Float32Array[], steps: number): number {
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

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number): string => Math.round(x).toLocaleString("en-US");

const cases: [string, object, number][] = [
  ["default config (negotiation on, persistence forecaster)", {}, STEPS],
  ["negotiation on, forecasting off", { forecast: { model: "off" } }, STEPS],
  ["negotiation on, forecasting off, record=false", { forecast: { model: "off" }, record: false }, STEPS],
  ["negotiation on, transcript on, forecasting off", { forecast: { model: "off" }, transcript: true }, Math.floor(STEPS / 10)],
];
console.log(`Microgrid-v0 throughput (336-tick episodes, resets included), node ${process.version}, median of ${ROUNDS} interleaved rounds`);
const rows = cases.map(([label, config, steps]) => {
  const env = make<Float32Array, Float32Array>("Microgrid-v0", config);
  const rng = new Rng(1, "bench-actions");
  const pool = Array.from({ length: 4096 }, () => env.actionSpace.sample(rng));
  env.reset({ seed: 0 });
  run(env, pool, Math.min(steps, 100_000)); // warm-up: let the JIT settle
  return { label, env, pool, slice: Math.max(1, Math.floor(steps / ROUNDS)), rates: [] as number[] };
});
for (let round = 0; round < ROUNDS; round++) for (const row of rows) row.rates.push(run(row.env, row.pool, row.slice));
for (const row of rows) {
  console.log(`  ${row.label.padEnd(58)} ${fmt(median(row.rates)).padStart(10)} steps/s   (${fmt(Math.min(...row.rates))} - ${fmt(Math.max(...row.rates))})`);
}
console.log(`  default config / forecasting off: ${((100 * median(rows[0]!.rates)) / median(rows[1]!.rates)).toFixed(0)} %`);
