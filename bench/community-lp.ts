/**
 * Community frameworks benchmark (issue #6): the centralised LP (every household asset and the
 * community battery, 24 h) at 20, 50 and 100 households on both backends in the same run, and
 * ADMM (distributed, HiGHS for the local LPs) time and iterations to converge at 5, 20 and 50.
 * Run: npx tsx bench/community-lp.ts. Prints numbers, never pass/fail.
 *
 * Households are drawn with the default mix (seed 1) on measured Fontana load and PV, day 100
 * of the data year on 2023 Belgian prices, grid fee 0.05 EUR/kWh, SPEC community battery.
 * Times are per solve (`Solver.solve`: translation into the backend, solve, verification of
 * every row), median of warm runs; model building is reported separately.
 */
import {
  buildHouseholdProfiles, communityBatterySpec, parseCommunityHouseholdsConfig, resolveHouseholds,
} from "../envs/community/households.js";
import { buildCentralLp, communityInputFromProfiles, solveCentral, type CommunityCentralInput } from "../baselines/community/central.js";
import { solveAdmm } from "../baselines/community/admm.js";
import { SolverError } from "../src/core/errors.js";
import { createSolver, type BackendName } from "../src/solvers/index.js";

const WARMUP = 2;
const REPEATS = 7;
/** javascript-lp-solver is given this long per solve; beyond it the size is reported as capped. */
const JSLS_CAP_S = 60;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function community(households: number, communityBattery = true): CommunityCentralInput {
  const cfg = parseCommunityHouseholdsConfig({ households, ...(communityBattery ? {} : { communityBattery: null }) });
  const specs = resolveHouseholds(cfg, 1);
  const profiles = buildHouseholdProfiles(specs, { startDay: 100, days: 1, priceYear: 2023 });
  return communityInputFromProfiles(profiles, specs, communityBatterySpec(cfg), { tariff: { gridFeeEurPerKwh: 0.05 } });
}

console.log(`community frameworks, Node ${process.version}; centralised LP: median of ${REPEATS} warm solves (${WARMUP} warm-up)`);
const solvers = { highs: await createSolver({ backend: "highs" }), jsls: await createSolver({ backend: "jsls" }) };
// warm both backends (Wasm instantiation, JIT) on a small community before timing anything
for (let r = 0; r < 5; r++) for (const s of Object.values(solvers)) solveCentral(s, community(5));
for (const n of [20, 50, 100]) {
  const input = community(n);
  const t0 = performance.now();
  const { model } = buildCentralLp(input);
  const buildMs = performance.now() - t0;
  const ms: Partial<Record<BackendName, number>> = {};
  const cost: Partial<Record<BackendName, number>> = {};
  for (const backend of ["highs", "jsls"] as const) {
    const times: number[] = [];
    let capped = false;
    const first = performance.now();
    for (let r = 0; r < WARMUP + REPEATS; r++) {
      try {
        const s = solveCentral(solvers[backend], input, { timeLimitS: backend === "jsls" ? JSLS_CAP_S : 10 });
        if (r >= WARMUP || times.length === 0) times.push(s.solveMs);
        cost[backend] = s.communityCostEur;
      } catch (e) {
        if (e instanceof SolverError && e.reason === "timeout") { capped = true; break; }
        throw e;
      }
      // a slow backend is timed on fewer solves so the bench stays within minutes
      if (performance.now() - first > 20_000) break;
    }
    if (capped) console.log(`  ${n} households  ${backend.padEnd(5)}  > ${JSLS_CAP_S} s (capped: no solution within the limit)`);
    else ms[backend] = median(times);
    if (!capped) {
      console.log(`  ${n} households  ${backend.padEnd(5)}  ${ms[backend]!.toFixed(1).padStart(8)} ms per solve  (${times.length} timed)  community cost ${cost[backend]!.toFixed(4)} EUR`);
    }
  }
  const ratio = ms.highs !== undefined && ms.jsls !== undefined ? `${(ms.jsls / ms.highs).toFixed(1)}x` : "n/a";
  console.log(`  ${n} households  model ${model.describeSize()}, build ${buildMs.toFixed(1)} ms; jsls / highs = ${ratio}`);
}

console.log("ADMM (distributed; local LPs on HiGHS; default config: rho 0.01 per-agent, residual tolerance 0.01 kW per entry, certified gap <= 0.5 % + 0.01 EUR)");
for (const n of [5, 20, 50]) {
  const input = community(n);
  const central = solveCentral(solvers.highs, input);
  const t0 = performance.now();
  const a = solveAdmm(solvers.highs, input);
  const ms = performance.now() - t0;
  const last = a.history.at(-1)!;
  const gap = (100 * (a.communityCostEur - central.communityCostEur)) / Math.abs(central.communityCostEur);
  console.log(`  ${n} households + community battery: ${a.converged ? "converged" : "NOT converged"} in ${a.iterations} iterations, ${(ms / 1000).toFixed(2)} s ` +
    `(${a.solves} local LPs, ${(a.solveMs / a.solves).toFixed(2)} ms each); residuals primal ${last.primalKw.toFixed(4)} kW, dual ${last.dual.toExponential(2)}; ` +
    `cost ${a.communityCostEur.toFixed(4)} vs centralised ${central.communityCostEur.toFixed(4)} EUR (gap ${gap.toFixed(3)} %, certified lower bound ${a.lowerBoundEur.toFixed(4)})`);
}
