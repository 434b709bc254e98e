/**
 * MPC decision latency on CommunityBattery-v0: wall time per re-plan (LP build + solve +
 * verification) for a 24-hour horizon, on each LP backend. Prints numbers, asserts nothing.
 *
 *   npx tsx bench/mpc-decision.ts
 *
 * Reference: pymgrid's MPC takes about 1.4 ms per 24-hour decision on this machine class.
 */
import "../envs/index.js";
import { MpcPolicy } from "../baselines/mpc.js";
import { make } from "../src/core/registry.js";
import { createSolver, type BackendChoice } from "../src/solvers/index.js";
import { runEpisode } from "../training/evaluate.js";

const PYMGRID_MS_PER_DECISION = 1.4;

console.log(`MPC decision latency, CommunityBattery-v0 (28-day episodes, re-plan every hour), node ${process.version}`);
for (const horizonHours of [24, 25]) {
  for (const backend of ["simplex", "jsls", "highs", "auto"] as BackendChoice[]) {
    const solver = await createSolver({ backend });
    const env = make("CommunityBattery-v0", { days: 28 });
    runEpisode(env, new MpcPolicy(solver, { horizonHours }), 0); // warm-up
    const policy = new MpcPolicy(solver, { horizonHours });
    const t0 = performance.now();
    runEpisode(env, policy, 1);
    const ms = performance.now() - t0;
    const perDecision = ms / policy.solves;
    console.log(`  horizon ${horizonHours} h, ${backend.padEnd(5)}: ${perDecision.toFixed(3)} ms per decision (solver ${(policy.solveMs / policy.solves).toFixed(3)} ms), ${(PYMGRID_MS_PER_DECISION / perDecision).toFixed(1)}x pymgrid`);
  }
}
