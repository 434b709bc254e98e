/**
 * Hub LP benchmark (SPEC section 2): the cost-objective dispatch of one Table 3 hub on the
 * synthetic day of src/data/hub-profiles.ts, on both solver backends: one half-hour step as its
 * own model (what a hub agent solves each step), and the 48-step day as one model.
 * Run: npx tsx bench/hub-lp.ts. Prints numbers, never pass/fail.
 */
import { parseHubConfig } from "../src/physics/energy-hub.js";
import { createSolver, type BackendName } from "../src/solvers/index.js";
import { buildHubLp } from "../baselines/hub-lp.js";
import { hubDaySteps } from "../training/reproduce-hub.js";

const WARMUP = 3;
const REPEATS = 15;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const hub = parseHubConfig({});
const steps = hubDaySteps();
console.log(`hub LP, cost objective, Node ${process.version}; median of ${REPEATS} warm runs`);
for (const backend of ["highs", "jsls"] as BackendName[]) {
  const solver = await createSolver({ backend });
  const perStep: number[] = [];
  const perDay: number[] = [];
  for (let r = 0; r < WARMUP + REPEATS; r++) {
    const t0 = performance.now();
    for (const step of steps) {
      const { model, decode } = buildHubLp(hub, [step], "cost");
      decode(solver.solve(model).x);
    }
    const t1 = performance.now();
    const { model, decode } = buildHubLp(hub, steps, "cost");
    decode(solver.solve(model).x);
    const t2 = performance.now();
    if (r >= WARMUP) {
      perStep.push((t1 - t0) / steps.length);
      perDay.push(t2 - t1);
    }
  }
  const size = buildHubLp(hub, steps, "cost").model.describeSize();
  console.log(`${backend.padEnd(5)}  per step (build + solve + decode): ${median(perStep).toFixed(3)} ms` +
    `  | 48 steps one by one: ${(48 * median(perStep)).toFixed(2)} ms  | day as one model (${size}): ${median(perDay).toFixed(2)} ms`);
}
