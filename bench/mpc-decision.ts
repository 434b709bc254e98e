/**
 * MPC decision latency on CommunityBattery-v0: wall time per re-plan (LP build or in-place
 * rewrite + solve + verification, plus the env step around it) for a 24- and a 25-hour
 * horizon, on each LP backend, measured in the same run (rounds interleaved across backends,
 * median of ROUNDS 28-day episodes after a warm-up episode each). The simplex rows run twice:
 * "warm" as MpcPolicy does (its own warm-start handle, cleared at each reset: each re-plan starts
 * from the last one's basis), "cold" with the handle withheld (every solve from the slack basis,
 * as any solve without a handle). jsls and HiGHS ignore the handle. Prints numbers, asserts nothing.
 *
 *   npx tsx bench/mpc-decision.ts
 *
 * Reference: pymgrid's MPC takes about 1.4 ms per 24-hour decision on this machine class; the
 * last column is that time divided by ours.
 */
import "../envs/index.js";
import { MpcPolicy } from "../baselines/storage/mpc.js";
import { make } from "../src/core/registry.js";
import { simplexStats } from "../src/solvers/backends/simplex.js";
import { createSolver, type BackendChoice, type Solver } from "../src/solvers/index.js";
import { runEpisode } from "../training/evaluate.js";

const PYMGRID_MS_PER_DECISION = 1.4;
const ROUNDS = 5;
/** Rows of the table: a backend, and whether the policy's warm-start handle reaches the solver. */
const VARIANTS: { label: string; backend: BackendChoice; warm: boolean }[] = [
  { label: "simplex warm", backend: "simplex", warm: true },
  { label: "simplex cold", backend: "simplex", warm: false },
  { label: "jsls", backend: "jsls", warm: true },
  { label: "highs", backend: "highs", warm: true },
  { label: "auto warm", backend: "auto", warm: true },
  { label: "auto cold", backend: "auto", warm: false },
];

/** Counts the simplex iterations of the solves that go through it; `warm` false withholds the warm-start handle. */
function counting(solver: Solver, counter: { iterations: number; simplexSolves: number }, warm: boolean): Solver {
  return {
    choice: solver.choice,
    pick: solver.pick,
    solve(model, opts) {
      const sol = solver.solve(model, warm ? opts : { ...opts, warmStart: undefined });
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
console.log(["horizon", "backend", "ms/decision", "solver ms", "simplex iters", "pymgrid / ours"].map((s, i) => s.padStart(i === 1 ? 13 : 14)).join(" "));
for (const horizonHours of [24, 25]) {
  const env = make("CommunityBattery-v0", { days: 28 });
  const solvers = new Map<BackendChoice, Solver>();
  for (const { backend, warm } of VARIANTS) {
    const solver = solvers.get(backend) ?? (await createSolver({ backend }));
    solvers.set(backend, solver);
    runEpisode(env, new MpcPolicy(counting(solver, { iterations: 0, simplexSolves: 0 }, warm), { horizonHours }), 0); // warm-up
  }
  const perDecision = new Map<string, number[]>();
  const solverMs = new Map<string, number[]>();
  const counters = new Map<string, { iterations: number; simplexSolves: number }>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const { label, backend, warm } of VARIANTS) {
      const counter = counters.get(label) ?? { iterations: 0, simplexSolves: 0 };
      counters.set(label, counter);
      const policy = new MpcPolicy(counting(solvers.get(backend)!, counter, warm), { horizonHours });
      const t0 = performance.now();
      runEpisode(env, policy, 1);
      const ms = performance.now() - t0;
      (perDecision.get(label) ?? perDecision.set(label, []).get(label)!).push(ms / policy.solves);
      (solverMs.get(label) ?? solverMs.set(label, []).get(label)!).push(policy.solveMs / policy.solves);
    }
  }
  for (const { label } of VARIANTS) {
    const ms = median(perDecision.get(label)!);
    const c = counters.get(label)!;
    const iters = c.simplexSolves > 0 ? (c.iterations / c.simplexSolves).toFixed(1) : "-";
    console.log([`${horizonHours} h`.padStart(14), label.padStart(13), ms.toFixed(3).padStart(14), median(solverMs.get(label)!).toFixed(3).padStart(14),
      iters.padStart(14), `${(PYMGRID_MS_PER_DECISION / ms).toFixed(1)}x`.padStart(14)].join(" "));
  }
}
