/**
 * Hub LP benchmark (SPEC section 2): the cost-objective dispatch of one Table 3 hub on the
 * synthetic day of src/data/hub-profiles.ts, on both solver backends: one half-hour step as its
 * own model (what a hub agent solves each step), the 48-step day as one model, and the Method 2
 * re-dispatch of one step with both purchased inputs pinned 3.455 % of peak load above the optimum
 * (src/planning/hub-lp.ts trySolveHubStep, what a hub solves per deviation request).
 * Run: npx tsx bench/hub-lp.ts. Prints numbers, never pass/fail.
 */
import { parseHubConfig } from "../src/physics/energy-hub.js";
import { createSolver, type BackendName } from "../src/solvers/index.js";
import { buildHubLp, trySolveHubStep } from "../src/planning/hub-lp.js";
import { hubInputsKw } from "../src/physics/energy-hub.js";
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
for (const backend of ["highs", "jsls", "simplex"] as BackendName[]) {
  const solver = await createSolver({ backend });
  const perStep: number[] = [];
  const perDay: number[] = [];
  const perRedispatch: number[] = [];
  const optimaKw = steps.map((step) => {
    const { model, decode } = buildHubLp(hub, [step], "cost");
    return hubInputsKw(hub, decode(solver.solve(model).x)[0]!.deviceInputKw);
  });
  let feasible = 0;
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
    feasible = 0;
    steps.forEach((step, t) => {
      const p = optimaKw[t]!;
      const el = p[0]! + 3.42;
      const gas = p[1]! + 6.08;
      const d = trySolveHubStep(solver, { ...hub, allowHeatDump: true }, step, "cost", {
        inputBoundsKw: { electricity: { minKw: el, maxKw: el }, gas: { minKw: gas, maxKw: gas } },
      });
      if (d !== null) feasible++;
    });
    const t3 = performance.now();
    if (r >= WARMUP) {
      perStep.push((t1 - t0) / steps.length);
      perDay.push(t2 - t1);
      perRedispatch.push((t3 - t2) / steps.length);
    }
  }
  const size = buildHubLp(hub, steps, "cost").model.describeSize();
  console.log(`${backend.padEnd(5)}  per step (build + solve + decode): ${median(perStep).toFixed(3)} ms` +
    `  | 48 steps one by one: ${(48 * median(perStep)).toFixed(2)} ms  | day as one model (${size}): ${median(perDay).toFixed(2)} ms` +
    `  | Method 2 re-dispatch per step: ${median(perRedispatch).toFixed(3)} ms (${feasible}/48 feasible)`);
}
