/**
 * The LP solving surface of gridgym: build an LpModel, create a Solver, solve.
 *
 * `solve` returns only optimal points that pass an independent check of every bound and row
 * (verify.ts): a backend's "optimal" status is never trusted on its own. Every other outcome
 * throws SolverError with reason infeasible, unbounded, timeout, verification or backend, and
 * a message naming the backend, the model size and the solver's status.
 */
import { ConfigError, describeValue, SolverError } from "../core/errors.js";
import { jslsTableauCells, solveWithJsls } from "./backends/jsls.js";
import { loadHighs, solveWithHighs } from "./backends/highs.js";
import type { LpModel } from "./model.js";
import { assertVerified } from "./verify.js";

export { LpModel } from "./model.js";
export { assertVerified, DEFAULT_VERIFY_TOL, verifySolution } from "./verify.js";
export type { Verification, ViolationReport } from "./verify.js";

export type BackendName = "highs" | "jsls";
export type BackendChoice = BackendName | "auto";

export interface LpSolution {
  /** c'x recomputed from x (not the backend's own figure). */
  objective: number;
  x: Float64Array;
  backend: BackendName;
  /** Wall time of the backend call, including translation of the model. */
  solveMs: number;
  /** Largest relative violation found by verifySolution (<= 1e-6). */
  maxViolation: number;
}

export interface SolveOptions {
  /** Wall-clock limit of one solve in seconds; default 10. */
  timeLimitS?: number;
}

export interface Solver {
  readonly choice: BackendChoice;
  solve(model: LpModel, opts?: SolveOptions): LpSolution;
  /** The backend `solve` would use for `model`. */
  pick(model: LpModel): BackendName;
}

export const DEFAULT_TIME_LIMIT_S = 10;

/**
 * `auto` uses javascript-lp-solver while its dense tableau has at most this many cells
 * ((columns + 1) x (constraints + 1), see jslsTableauCells), HiGHS above.
 * Measured with bench/lp-solve.ts (community LP, arbitrage + equal-throughput, Node 20.20,
 * 2 cores, median of 15 warm solves, ms highs / jsls):
 *    4 h    651 cells: 0.49 / 0.19      12 h   5307 cells: 0.54 / 0.25
 *   16 h   9315 cells: 0.52 / 0.41      20 h  14443 cells: 0.64 / 0.90
 *   24 h  20691 cells: 0.69 / 0.84      48 h  81699 cells: 1.21 / 3.74
 *   72 h 183027 cells: 1.75 / 14        168 h (0.9M cells): 3.9 / 121
 * HiGHS pays ~0.3-0.5 ms per call (copy into Wasm, presolve) however small the model; the
 * dense tableau catches up between 9k and 14k cells (runs vary: 20 h went to jsls once) and
 * grows much faster beyond. Cold, jsls is ~10x slower until the JIT settles, so err low.
 */
export const AUTO_JSLS_MAX_TABLEAU_CELLS = 12000;

/** The `auto` rule: javascript-lp-solver for small models, HiGHS for the rest. */
export function chooseBackend(model: LpModel): BackendName {
  return jslsTableauCells(model) <= AUTO_JSLS_MAX_TABLEAU_CELLS ? "jsls" : "highs";
}

const BACKENDS: readonly BackendChoice[] = ["auto", "highs", "jsls"];

/**
 * A solver for one backend choice. HiGHS is loaded (once per thread) when the choice may use
 * it, so `solve` stays synchronous.
 */
export async function createSolver(opts: { backend?: BackendChoice } = {}): Promise<Solver> {
  const choice = opts.backend ?? "auto";
  if (!BACKENDS.includes(choice)) {
    throw new ConfigError("solver options", [{ path: "backend", expected: `one of ${BACKENDS.map((b) => `"${b}"`).join(", ")}`, received: describeValue(choice) }]);
  }
  const highs = choice === "jsls" ? null : await loadHighs();

  const pick = (model: LpModel): BackendName => (choice === "auto" ? chooseBackend(model) : choice);

  const solve = (model: LpModel, solveOpts: SolveOptions = {}): LpSolution => {
    const timeLimitS = solveOpts.timeLimitS ?? DEFAULT_TIME_LIMIT_S;
    if (typeof timeLimitS !== "number" || !(timeLimitS > 0) || !Number.isFinite(timeLimitS)) {
      throw new ConfigError("solve options", [{ path: "timeLimitS", expected: "a finite number > 0", received: describeValue(timeLimitS) }]);
    }
    const backend = pick(model);
    const t0 = performance.now();
    let x: Float64Array;
    if (backend === "highs") {
      if (highs === null) throw new SolverError("backend", "highs: runtime expected to be loaded, got none");
      x = solveWithHighs(highs, model, timeLimitS);
    } else {
      x = solveWithJsls(model, timeLimitS);
    }
    const solveMs = performance.now() - t0;
    const check = assertVerified(model, x, `${backend} returned optimal for model (${model.describeSize()})`);
    return { objective: check.objective, x, backend, solveMs, maxViolation: check.maxViolation };
  };

  return { choice, solve, pick };
}
