/**
 * The LP solving surface of gridgym: build an LpModel, create a Solver, solve.
 *
 * `solve` returns only optimal points that pass an independent check of every bound and row
 * (verify.ts): a backend's "optimal" status is never trusted on its own. Every other outcome
 * throws SolverError with reason infeasible, unbounded, timeout, verification or backend, and
 * a message naming the backend, the model size and the solver's status.
 *
 * Backends: "simplex" (ours, backends/simplex.ts: dense bounded-variable primal simplex for
 * small models; it also proves optimality with a dual certificate before returning), "jsls"
 * (javascript-lp-solver),
 * "highs" (HiGHS in Wasm). Under `auto`, a simplex failure other than a timeout (numerical
 * trouble, a failed certificate, and also infeasible/unbounded verdicts) is re-solved by HiGHS,
 * whose verdict stands.
 *
 * Determinism: a solve is a pure function of the model (same model, bit-identical x, whatever
 * was solved before in the thread), unless the caller passes its own warm-start handle
 * (SolveOptions.warmStart, from createWarmStart()): then the simplex starts from the last
 * optimal basis that handle saw for a model of the same size, and the result depends on the
 * model and that handle's own history. Own one per episode and clear it on reset.
 */
import { ConfigError, describeValue, SolverError } from "../core/errors.js";
import { jslsTableauCells, solveWithJsls } from "./backends/jsls.js";
import type { Highs } from "highs";
import { loadHighs, solveWithHighs } from "./backends/highs.js";
import { SimplexWarmStart, solveWithSimplex } from "./backends/simplex.js";
import type { LpModel } from "./model.js";
import { assertVerified } from "./verify.js";

export { LpModel } from "./model.js";
export { assertVerified, DEFAULT_VERIFY_TOL, verifySolution } from "./verify.js";
export type { Verification, ViolationReport } from "./verify.js";

/**
 * The LP backends: "highs" (HiGHS in Wasm), "jsls" (javascript-lp-solver), "simplex" (ours, dense bounded-
 * variable primal simplex).
 */
export type BackendName = "highs" | "jsls" | "simplex";
/** A backend, or "auto": picked per model by size (chooseBackend). */
export type BackendChoice = BackendName | "auto";

/** An optimal point of an LpModel that passed verification. */
export interface LpSolution {
  /** c'x recomputed from x (not the backend's own figure). */
  objective: number;
  /** The optimal point, one value per column. */
  x: Float64Array;
  /** The backend that produced `x` (the fallback backend when the simplex failed and the fallback answered). */
  backend: BackendName;
  /** Wall time of the backend call, including translation of the model. */
  solveMs: number;
  /** Largest relative violation found by verifySolution (<= 1e-6). */
  maxViolation: number;
}

/** Options of one solve. */
export interface SolveOptions {
  /** Wall-clock limit of one solve in seconds; default 10. */
  timeLimitS?: number;
  /**
   * The caller's warm-start handle (createWarmStart()): the simplex backend starts from the last
   * optimal basis this handle saw for a model of the same size and saves this solve's; other
   * backends ignore it. Without one, the solve is cold: a function of the model alone.
   */
  warmStart?: WarmStart;
}

/**
 * A warm-start handle owned by one caller (e.g. one rolling-horizon MPC policy): results of
 * solves given it depend only on the models and on the solves made before with it. clear()
 * forgets its bases (call it on every episode reset, so each episode starts cold).
 */
export type WarmStart = SimplexWarmStart;

/** A new, empty warm-start handle (its first solve of each model size is cold). */
export function createWarmStart(): WarmStart {
  return new SimplexWarmStart();
}

function warmStartOf(solveOpts: SolveOptions): WarmStart | undefined {
  const ws = solveOpts.warmStart;
  if (ws !== undefined && !(ws instanceof SimplexWarmStart)) {
    throw new ConfigError("solve options", [{ path: "warmStart", expected: "a handle from createWarmStart(), or undefined", received: describeValue(ws) }]);
  }
  return ws;
}

/** A verified LP solver for one backend choice (from createSolver or syncSolver). */
export interface Solver {
  /** The backend choice the solver was built for. */
  readonly choice: BackendChoice;
  /** Solves `model` and verifies the point; throws SolverError for any outcome but a verified optimum. */
  solve(model: LpModel, opts?: SolveOptions): LpSolution;
  /** The backend `solve` would use for `model`. */
  pick(model: LpModel): BackendName;
}

/** Time limit of a solve when SolveOptions.timeLimitS is not given, in seconds. */
export const DEFAULT_TIME_LIMIT_S = 10;

/**
 * `auto` picks, by model size: our simplex (backends/simplex.ts) up to AUTO_SIMPLEX_MAX_ROWS
 * rows, then javascript-lp-solver while its dense tableau has at most
 * AUTO_JSLS_MAX_TABLEAU_CELLS cells ((columns + 1) x (constraints + 1), see jslsTableauCells),
 * HiGHS above.
 * Measured with bench/lp-solve.ts, all three in the same run (community LP, arbitrage +
 * equal-throughput, Node 20.20, 2 shared cores, median of 15 warm solves, simplex from the
 * slack basis every time, solve + verification; ms simplex / jsls / highs):
 *    1 h   3 rows: 0.03 / 0.05 / 0.39      16 h  33 rows: 0.12 / 0.76 / 0.95
 *    4 h   9 rows: 0.06 / 0.16 / 0.49      24 h  49 rows: 0.16 / 1.46 / 1.14
 *    8 h  17 rows: 0.04 / 0.24 / 0.70      32 h  65 rows: 0.52 / 2.22 / 1.24
 *   12 h  25 rows: 0.08 / 0.43 / 0.64      48 h  97 rows: 1.14 / 5.03 / 1.89
 *   64 h 129 rows: 1.68 / 13 / 2.37        72 h 145 rows: 1.57 / 21 / 2.49
 *   96 h 193 rows: 3.95 / - / 2.32        168 h 337 rows: 13 / (202) / 6.2
 * From the slack basis the simplex needs ~0.8-1.1 m iterations, each cheap while B^-1 stays
 * sparse, but phase 1 prices with O(m^2) duals and B^-1 is refactorised in O(m^3) every 100
 * pivots, so HiGHS (~0.4 ms fixed cost per call) wins between 145 and 193 rows: the cut is at
 * 160. A warm start (explicit, SolveOptions.warmStart: the same model size solved again with the
 * caller's handle, as in rolling-horizon MPC) needs far fewer iterations (~17 per 24-hour MPC
 * decision). jsls is slower than the simplex wherever
 * the simplex is chosen; it keeps models of more than 160 rows whose tableau is small (few
 * columns), where it beat HiGHS before (ms highs / jsls, an earlier run):
 *    4 h    651 cells: 0.49 / 0.19      12 h   5307 cells: 0.54 / 0.25
 *   16 h   9315 cells: 0.52 / 0.41      20 h  14443 cells: 0.64 / 0.90
 *   24 h  20691 cells: 0.69 / 0.84      48 h  81699 cells: 1.21 / 3.74
 *   72 h 183027 cells: 1.75 / 14        168 h (0.9M cells): 3.9 / 121
 * HiGHS pays ~0.3-0.5 ms per call (copy into Wasm, presolve) however small the model; the
 * dense tableau catches up between 9k and 14k cells and grows much faster beyond. Cold, jsls
 * is ~10x slower until the JIT settles, so err low.
 */
export const AUTO_JSLS_MAX_TABLEAU_CELLS = 12000;

/** `auto` uses the simplex backend up to this many rows (table above AUTO_JSLS_MAX_TABLEAU_CELLS). */
export const AUTO_SIMPLEX_MAX_ROWS = 160;

/** The `auto` rule: our simplex for small models, then javascript-lp-solver, HiGHS for the rest. */
export function chooseBackend(model: LpModel): BackendName {
  if (model.numRows <= AUTO_SIMPLEX_MAX_ROWS) return "simplex";
  return jslsTableauCells(model) <= AUTO_JSLS_MAX_TABLEAU_CELLS ? "jsls" : "highs";
}

const BACKENDS: readonly BackendChoice[] = ["auto", "highs", "jsls", "simplex"];

/** The backend a simplex failure (other than a timeout) falls back to; its answer then stands. */
interface Fallback {
  name: BackendName;
  run(model: LpModel, timeLimitS: number): Float64Array;
}

/**
 * The one solve path of every Solver: check the options, run the picked backend (the simplex
 * with the caller's warm-start handle, falling back where a fallback is given), then verify.
 */
function verifiedSolver(choice: BackendChoice, pick: (model: LpModel) => BackendName, highs: Highs | null, fallback: Fallback | null): Solver {
  const solve = (model: LpModel, solveOpts: SolveOptions = {}): LpSolution => {
    const timeLimitS = solveOpts.timeLimitS ?? DEFAULT_TIME_LIMIT_S;
    if (typeof timeLimitS !== "number" || !(timeLimitS > 0) || !Number.isFinite(timeLimitS)) {
      throw new ConfigError("solve options", [{ path: "timeLimitS", expected: "a finite number > 0", received: describeValue(timeLimitS) }]);
    }
    const warmStart = warmStartOf(solveOpts);
    let backend = pick(model);
    const t0 = performance.now();
    let x: Float64Array;
    if (backend === "simplex") {
      try {
        x = solveWithSimplex(model, { timeLimitS, warmStart });
      } catch (err) {
        // any simplex failure but a timeout (numerical trouble, a failed optimality certificate,
        // and also infeasible/unbounded, which the fallback then confirms) goes to the fallback
        if (fallback === null || !(err instanceof SolverError) || err.reason === "timeout") throw err;
        backend = fallback.name;
        const left = timeLimitS - (performance.now() - t0) / 1000;
        if (!(left > 0)) throw new SolverError("timeout", `simplex: model (${model.describeSize()}) expected a solve within ${timeLimitS} s (${err.message})`);
        x = fallback.run(model, left);
      }
    } else if (backend === "highs") {
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

/**
 * A solver for one backend choice. HiGHS is loaded (once per thread) when the choice may use
 * it, so `solve` stays synchronous. Under `auto` a simplex failure goes to HiGHS.
 */
export async function createSolver(opts: { backend?: BackendChoice } = {}): Promise<Solver> {
  const choice = opts.backend ?? "auto";
  if (!BACKENDS.includes(choice)) {
    throw new ConfigError("solver options", [{ path: "backend", expected: `one of ${BACKENDS.map((b) => `"${b}"`).join(", ")}`, received: describeValue(choice) }]);
  }
  const highs = choice === "jsls" || choice === "simplex" ? null : await loadHighs();
  const pick = (model: LpModel): BackendName => (choice === "auto" ? chooseBackend(model) : choice);
  const fallback = choice === "auto" && highs !== null ? { name: "highs" as const, run: (model: LpModel, left: number) => solveWithHighs(highs, model, left) } : null;
  return verifiedSolver(choice, pick, highs, fallback);
}

/**
 * A synchronous Solver with no Wasm to load, for code that must build one without awaiting
 * (an env constructed by make()): our simplex, and javascript-lp-solver where the simplex fails
 * for any reason but a timeout (its answer then stands, verified like every other).
 */
export function syncSolver(): Solver {
  return verifiedSolver("simplex", () => "simplex", null, { name: "jsls", run: solveWithJsls });
}
