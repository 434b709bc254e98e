/**
 * LP benchmark: the community LP (SPEC 1a-1i: arbitrage, equal-throughput) at 4 to 8760 hours
 * on all three backends in the same run, and the crossover sweep behind the `auto` rule
 * (AUTO_SIMPLEX_MAX_ROWS, AUTO_JSLS_MAX_TABLEAU_CELLS).
 * The simplex column solves from the slack basis every time (no warm-start handle: a solve is
 * cold unless the caller passes one, and a repeated solve with one would restart from its own
 * optimum in 0 iterations); the explicit warm start is measured where it matters, per MPC
 * decision (bench/mpc-decision.ts).
 * Run: npx tsx bench/lp-solve.ts. Prints numbers, never pass/fail.
 *
 * Inputs are synthetic but daily-shaped (evening load peak, midday PV, two price peaks) with
 * seeded noise, so every run solves the same models.
 */
import { Rng } from "../src/core/rng.js";
import { SolverError } from "../src/core/errors.js";
import {
  assertVerified, AUTO_JSLS_MAX_TABLEAU_CELLS, AUTO_SIMPLEX_MAX_ROWS, chooseBackend, createSolver, type BackendName, type LpModel, type Solver,
} from "../src/solvers/index.js";
import { jslsTableauCells } from "../src/solvers/backends/jsls.js";
import { simplexStats, solveWithSimplex } from "../src/solvers/backends/simplex.js";
import { buildCommunityLp, type CommunityLpInput } from "../src/planning/storage-lp.js";

/** Beyond this a jsls solve is not repeated, and at 8760 h it is not attempted. */
const JSLS_SKIP_S = 60;

function communityInput(hours: number): CommunityLpInput {
  const rng = new Rng(42, "bench-lp");
  const loadKw = new Float64Array(hours);
  const pvKw = new Float64Array(hours);
  const priceEurPerKwh = new Float64Array(hours);
  for (let t = 0; t < hours; t++) {
    const h = t % 24;
    const day = Math.floor(t / 24);
    const season = 1 + 0.3 * Math.cos((2 * Math.PI * day) / 365);
    loadKw[t] = season * (250 + 120 * Math.exp(-((h - 19) ** 2) / 8) + 60 * Math.exp(-((h - 8) ** 2) / 4)) * (1 + 0.1 * rng.normal());
    pvKw[t] = Math.max(0, (2 - season) * 450 * Math.sin((Math.PI * (h - 6)) / 12)) * (h >= 6 && h <= 18 ? rng.uniform(0.3, 1) : 0);
    priceEurPerKwh[t] = 0.09 + 0.05 * Math.exp(-((h - 8) ** 2) / 3) + 0.07 * Math.exp(-((h - 19) ** 2) / 4) - 0.03 * Math.exp(-((h - 13) ** 2) / 6) + 0.01 * rng.normal();
  }
  return {
    loadKw, pvKw, priceEurPerKwh, dtHours: 1,
    capacityKwh: 1200, maxPowerKw: 600, efficiency: 0.95, initialEnergyKwh: 600,
    objective: "arbitrage", terminal: { kind: "equal-throughput" },
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function timeBuild(hours: number, runs: number): { model: LpModel; ms: number } {
  const input = communityInput(hours);
  const times: number[] = [];
  let model: LpModel | null = null;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    model = buildCommunityLp(input).model;
    times.push(performance.now() - t0);
  }
  return { model: model!, ms: median(times) };
}

type SolveTiming = { ms: number; objective: number } | { skipped: string };

/**
 * Median of `runs` timed solves after `warmups` untimed ones: javascript-lp-solver needs ~20
 * solves of a small model before the JIT settles (24 h: 13 ms cold, ~1 ms warm).
 */
function timeSolve(solver: Solver, model: LpModel, runs: number, warmups: number): SolveTiming {
  const times: number[] = [];
  let objective = NaN;
  for (let r = -warmups; r < runs; r++) {
    try {
      const t0 = performance.now();
      const sol = solver.solve(model, { timeLimitS: 600 });
      const ms = performance.now() - t0;
      if (r >= 0 || ms > JSLS_SKIP_S * 1000) times.push(ms);
      objective = sol.objective;
    } catch (err) {
      if (err instanceof SolverError) return { skipped: `${err.reason}: ${err.message}` };
      throw err;
    }
    if (times[times.length - 1]! > JSLS_SKIP_S * 1000) break;
  }
  return { ms: median(times), objective };
}

function fmtMs(t: SolveTiming): string {
  return "ms" in t ? t.ms.toFixed(t.ms < 10 ? 2 : 0) : "skipped";
}

const pad = (s: string, n: number): string => s.padStart(n);

/** The simplex backend as createSolver runs it without a warm-start handle (solve, then verify): from the slack basis. */
const coldSimplex: Solver = {
  choice: "simplex",
  pick: () => "simplex",
  solve(model, o = {}) {
    const t0 = performance.now();
    const x = solveWithSimplex(model, { timeLimitS: o.timeLimitS ?? 10 });
    const solveMs = performance.now() - t0;
    const check = assertVerified(model, x, "simplex");
    return { objective: check.objective, x, backend: "simplex", solveMs, maxViolation: check.maxViolation };
  },
};

const solvers: Record<BackendName, Solver> = {
  highs: await createSolver({ backend: "highs" }),
  jsls: await createSolver({ backend: "jsls" }),
  simplex: coldSimplex,
};
// Warm every backend (JIT, Wasm instantiation) before timing anything.
for (const s of Object.values(solvers)) s.solve(timeBuild(24, 1).model);

console.log(`LP solve benchmark, community LP (arbitrage, equal-throughput), Node ${process.version}`);
console.log("");
console.log([pad("hours", 6), pad("columns", 8), pad("rows", 7), pad("nonzeros", 9), pad("build ms", 9),
  pad("simplex ms", 11), pad("iters", 6), pad("jsls ms", 9), pad("highs ms", 9), pad("auto", 8), pad("objective EUR", 14)].join(" "));
const notes: string[] = [];
for (const hours of [4, 12, 24, 48, 168, 8760]) {
  const { model, ms: buildMs } = timeBuild(hours, 5);
  const highs = timeSolve(solvers.highs, model, hours >= 8760 ? 3 : 15, hours >= 8760 ? 1 : 20);
  let jsls: SolveTiming;
  if (hours >= 8760) {
    const gib = (jslsTableauCells(model) * 8) / 2 ** 30;
    jsls = { skipped: `javascript-lp-solver would allocate a dense tableau of ${gib.toFixed(1)} GiB and run far beyond ${JSLS_SKIP_S} s` };
  } else {
    jsls = timeSolve(solvers.jsls, model, hours >= 168 ? 5 : 15, hours >= 168 ? 2 : 20);
  }
  const simplex = timeSolve(solvers.simplex, model, 15, hours >= 168 ? 3 : 20);
  const iterations = "ms" in simplex ? String(simplexStats.iterations) : "-";
  for (const [name, t] of [["highs", highs], ["jsls", jsls], ["simplex", simplex]] as const) {
    if ("skipped" in t) notes.push(`${hours} h, ${name} skipped: ${t.skipped}`);
    else if (name !== "highs" && "ms" in highs) {
      const rel = Math.abs(highs.objective - t.objective) / Math.max(1, Math.abs(highs.objective));
      notes.push(`${hours} h: objective ${name} ${t.objective.toFixed(4)} vs highs ${highs.objective.toFixed(4)} (relative difference ${rel.toExponential(1)})`);
    }
  }
  const objective = "ms" in highs ? highs.objective.toFixed(2) : "-";
  console.log([pad(String(hours), 6), pad(String(model.numVars), 8), pad(String(model.numRows), 7), pad(String(model.numNonzeros), 9),
    pad(buildMs.toFixed(buildMs < 10 ? 2 : 0), 9), pad(fmtMs(simplex), 11), pad(iterations, 6), pad(fmtMs(jsls), 9), pad(fmtMs(highs), 9),
    pad(chooseBackend(model), 8), pad(objective, 14)].join(" "));
}
for (const n of notes) console.log(`  ${n}`);

console.log("");
console.log(`Crossover sweep (median of 15 warm solves each; auto: simplex up to ${AUTO_SIMPLEX_MAX_ROWS} rows, ` +
  `then jsls while tableau cells <= ${AUTO_JSLS_MAX_TABLEAU_CELLS}, else highs)`);
console.log([pad("hours", 6), pad("columns", 8), pad("rows", 6), pad("tableau cells", 14), pad("simplex ms", 11), pad("jsls ms", 9),
  pad("highs ms", 9), pad("fastest", 8), pad("auto", 8)].join(" "));
for (const hours of [1, 2, 4, 6, 8, 12, 16, 20, 24, 32, 48, 64, 72, 96, 120, 168]) {
  const { model } = timeBuild(hours, 1);
  const timings: [BackendName, SolveTiming][] = [
    ["simplex", timeSolve(solvers.simplex, model, 15, 20)],
    ["jsls", hours <= 72 ? timeSolve(solvers.jsls, model, 15, 20) : { skipped: "beyond 72 h" }],
    ["highs", timeSolve(solvers.highs, model, 15, 20)],
  ];
  let fastest = "-";
  let best = Infinity;
  for (const [name, t] of timings) if ("ms" in t && t.ms < best) { best = t.ms; fastest = name; }
  console.log([pad(String(hours), 6), pad(String(model.numVars), 8), pad(String(model.numRows), 6), pad(String(jslsTableauCells(model)), 14),
    pad(fmtMs(timings[0]![1]), 11), pad(fmtMs(timings[1]![1]), 9), pad(fmtMs(timings[2]![1]), 9), pad(fastest, 8), pad(chooseBackend(model), 8)].join(" "));
}
