/**
 * MPC decision latency on CommunityBattery-v0: wall time per re-plan (LP build or in-place
 * rewrite + solve + verification, plus the env step around it) for a 24- and a 25-hour
 * horizon, on each LP backend, measured in the same run (rounds interleaved across backends,
 * median of ROUNDS 28-day episodes after a warm-up episode each). Prints numbers, asserts nothing.
 *
 *   npx tsx bench/mpc-decision.ts
 *
 * Reference: pymgrid's MPC takes about 1.4 ms per 24-hour decision on this machine class; the
 * last column is that time divided by ours.
 */
import "../envs/index.js";
import { MpcPolicy } from "../baselines/mpc.js";
import { make } from "../src/core/registry.js";
import { simplexStats } from "../src/solvers/backends/simplex.js";
import { createSolver, type BackendChoice, type Solver } from "../src/solvers/index.js";
import { runEpisode } from "../training/evaluate.js";

const PYMGRID_MS_PER_DECISION = 1.4;
const ROUNDS = 5;
const BACKENDS: BackendChoice[] = ["simplex", "jsls", "highs", "auto"];

/** Counts the simplex iterations of the solves that go through it. */
function counting(solver: Solver, counter: { iterations: number; simplexSolves: number }): Solver {
  return {
    choice: solver.choice,
    pick: solver.pick,
    solve(model, opts) {
      const sol = solver.solve(model, opts);
      if (sol.backend === "simplex") {
        counter.iterations += simplexStats.iterations;
        counter.simplexSolves++;
      }
      return sol;
    },
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

console.log(`MPC decision latency, CommunityBattery-v0 (28-day episodes, re-plan every hour), node ${process.version}, ` +
  `median of ${ROUNDS} episodes per backend, backends interleaved`);
console.log(["horizon", "backend", "ms/decision", "solver ms", "simplex iters", "pymgrid / ours"].map((s, i) => s.padStart(i === 1 ? 8 : 14)).join(" "));
for (const horizonHours of [24, 25]) {
  const env = make("CommunityBattery-v0", { days: 28 });
  const solvers = new Map<BackendChoice, Solver>();
  for (const backend of BACKENDS) {
    const solver = await createSolver({ backend });
    solvers.set(backend, solver);
    runEpisode(env, new MpcPolicy(solver, { horizonHours }), 0); // warm-up
  }
  const perDecision = new Map<BackendChoice, number[]>();
  const solverMs = new Map<BackendChoice, number[]>();
  const counters = new Map<BackendChoice, { iterations: number; simplexSolves: number }>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const backend of BACKENDS) {
      const counter = counters.get(backend) ?? { iterations: 0, simplexSolves: 0 };
      counters.set(backend, counter);
      const policy = new MpcPolicy(counting(solvers.get(backend)!, counter), { horizonHours });
      const t0 = performance.now();
      runEpisode(env, policy, 1);
      const ms = performance.now() - t0;
      (perDecision.get(backend) ?? perDecision.set(backend, []).get(backend)!).push(ms / policy.solves);
      (solverMs.get(backend) ?? solverMs.set(backend, []).get(backend)!).push(policy.solveMs / policy.solves);
    }
  }
  for (const backend of BACKENDS) {
    const ms = median(perDecision.get(backend)!);
    const c = counters.get(backend)!;
    const iters = c.simplexSolves > 0 ? (c.iterations / c.simplexSolves).toFixed(1) : "-";
    console.log([`${horizonHours} h`.padStart(14), backend.padStart(8), ms.toFixed(3).padStart(14), median(solverMs.get(backend)!).toFixed(3).padStart(14),
      iters.padStart(14), `${(PYMGRID_MS_PER_DECISION / ms).toFixed(1)}x`.padStart(14)].join(" "));
  }
}
