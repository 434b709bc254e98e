/**
 * The LP solving surface of gridgym: build an LpModel, create a Solver, solve.
 *
 * `solve` returns only optimal points that pass an independent check of every bound and row
 * (verify.ts) and carry a proof of optimality: a backend's "optimal" status is never trusted on
 * its own. The simplex certifies its points with duals; HiGHS's are certified with its row duals
 * (assertOptimal); jsls gives no duals, so its point is cross-checked against a certified solve by
 * HiGHS or the simplex (the certified point stands when jsls's is worse). An infeasible or
 * unbounded verdict is confirmed by a second backend before it is thrown (syncSolver, which has no
 * HiGHS, confirms a simplex "infeasible" with the simplex itself; an infeasible verdict is always
 * confirmed on the model relaxed by the verification tolerance, so that one tolerance, DEFAULT_VERIFY_TOL, holds for
 * every backend: a model feasible within it is solved, never called infeasible). Every other
 * outcome throws SolverError with reason infeasible, unbounded, timeout, verification or backend,
 * and a message naming the backend, the model size and the solver's status. createSolver loads
 * HiGHS for every choice where it can, as the second backend.
 *
 * Backends: "simplex" (ours, backends/simplex.ts: dense bounded-variable primal simplex for
 * small models; it also proves optimality with a dual certificate before returning), "jsls"
 * (javascript-lp-solver),
 * "highs" (HiGHS in Wasm). Under `auto`, a simplex failure other than a timeout or a verdict
 * (numerical trouble, a failed certificate) is re-solved by HiGHS, whose proved answer stands.
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
import { SIMPLEX_MAX_ROWS, SimplexWarmStart, certifyOptimality, solveWithSimplex } from "./backends/simplex.js";
import { LpModel } from "./model.js";
import { DEFAULT_VERIFY_TOL, assertVerified, verifySolution } from "./verify.js";

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

/**
 * Relative tolerance of the optimality checks of points from other backends than our simplex
 * (HiGHS's duals, a cross-checked objective): the one tolerance of verify.ts, DEFAULT_VERIFY_TOL.
 */
export const OPTIMALITY_TOL = DEFAULT_VERIFY_TOL;

/**
 * Throws SolverError("verification") unless row duals `y` prove `x` optimal for `model` within
 * OPTIMALITY_TOL (dual feasibility and duality gap, certifyOptimality); how every HiGHS point is
 * checked. A feasible point that is not optimal fails it whatever duals come with it.
 */
export function assertOptimal(model: LpModel, x: ArrayLike<number>, y: ArrayLike<number>, context: string): void {
  if (y.length !== model.numRows) throw new SolverError("verification", `solver: ${context}: expected ${model.numRows} row duals, got ${y.length}`);
  const cert = certifyOptimality(model, x, y, OPTIMALITY_TOL, OPTIMALITY_TOL);
  if (!cert.ok) throw new SolverError("verification", `solver: ${context}: optimality expected to follow from the duals, got ${cert.failure}`);
}

/** A point a backend returned together with what proved it optimal. */
interface Proved {
  x: Float64Array;
  backend: BackendName;
}

/**
 * The backends one Solver may call, each returning only points it has proved optimal (or
 * throwing SolverError): the simplex certifies its own with duals; a HiGHS point is certified with
 * HiGHS's row duals (certifyOptimality at OPTIMALITY_TOL); a jsls point, which comes without duals,
 * is cross-checked against a certified solve by HiGHS (when loaded) or the simplex, and the
 * certified point stands when jsls's objective is worse by more than OPTIMALITY_TOL.
 */
class Backends {
  constructor(readonly highs: Highs | null) {}

  run(name: BackendName, model: LpModel, timeLimitS: number, warmStart?: WarmStart): Proved {
    if (name === "simplex") return { x: solveWithSimplex(model, { timeLimitS, warmStart }), backend: "simplex" };
    if (name === "highs") return { x: this.#highs(model, timeLimitS), backend: "highs" };
    return this.#jsls(model, timeLimitS);
  }

  /**
   * The backend to confirm `name`'s `reason` verdict on `model`, or null when none can take it: another
   * backend, except that without HiGHS (syncSolver) a simplex "infeasible" is confirmed by the simplex
   * itself on the relaxed model (confirmVerdict): jsls there halved EnergyHub-v0's step throughput
   * (its feasibility probes end in such verdicts) for no other gain than a second algorithm.
   */
  confirmer(name: BackendName, model: LpModel, reason: SolverError["reason"]): BackendName | null {
    const simplexFits = model.numRows <= SIMPLEX_MAX_ROWS;
    const order: BackendName[] = name === "simplex" ? ["highs", reason === "infeasible" ? "simplex" : "jsls"] : name === "highs" ? ["simplex", "jsls"] : ["highs", "simplex"];
    return order.find((b) => (b === "highs" ? this.highs !== null : b === "simplex" ? simplexFits : true)) ?? null;
  }

  #highs(model: LpModel, timeLimitS: number): Float64Array {
    if (this.highs === null) throw new SolverError("backend", "highs: runtime expected to be loaded, got none");
    const duals: { rowDual: Float64Array | null } = { rowDual: null };
    const x = solveWithHighs(this.highs, model, timeLimitS, duals);
    if (duals.rowDual === null) {
      throw new SolverError("verification", `highs: optimal point of model (${model.describeSize()}) came without row duals to check it by`);
    }
    assertOptimal(model, x, duals.rowDual, `highs returned optimal for model (${model.describeSize()})`);
    return x;
  }

  #jsls(model: LpModel, timeLimitS: number): Proved {
    const t0 = performance.now();
    const x = solveWithJsls(model, timeLimitS);
    assertVerified(model, x, `jsls returned optimal for model (${model.describeSize()})`);
    const by = this.highs !== null ? "highs" : model.numRows <= SIMPLEX_MAX_ROWS ? "simplex" : null;
    if (by === null) {
      throw new SolverError("verification", `jsls: optimality of its point for model (${model.describeSize()}) expected a cross-check by highs or the simplex, got neither (too many rows for the simplex, highs not loaded)`);
    }
    const left = timeLimitS - (performance.now() - t0) / 1000;
    if (!(left > 0)) throw new SolverError("timeout", `jsls: model (${model.describeSize()}) expected a solve and its cross-check within ${timeLimitS} s`);
    let check: Proved;
    try {
      check = this.run(by, model, left);
    } catch (err) {
      if (!(err instanceof SolverError)) throw err;
      throw new SolverError(err.reason === "timeout" ? "timeout" : "verification", `jsls: optimality of its point for model (${model.describeSize()}) expected a cross-check by ${by}, which failed: ${err.message}`);
    }
    const mine = model.objectiveAt(x);
    const best = model.objectiveAt(check.x);
    return mine - best <= OPTIMALITY_TOL * Math.max(1, Math.abs(best)) ? { x, backend: "jsls" } : check;
  }
}

/** The relaxation of `model` by the verification tolerance: every finite bound moved out by tol x max(1, |bound|). */
function relaxed(model: LpModel, tol: number): LpModel {
  const out = new LpModel();
  const widen = (b: number, dir: -1 | 1): number => (Number.isFinite(b) ? b + dir * tol * Math.max(1, Math.abs(b)) : b);
  for (let j = 0; j < model.numVars; j++) {
    out.addVar(model.colName(j), widen(model.colLower[j]!, -1), widen(model.colUpper[j]!, 1), model.colCost[j]!);
  }
  const starts = model.rowStarts;
  for (let i = 0; i < model.numRows; i++) {
    const a = starts[i]!;
    const b = starts[i + 1]!;
    // plain arrays, as model builders pass them (a typed array here would make addRow polymorphic)
    out.addRow(model.rowName(i), Array.from(model.rowIndices.subarray(a, b)), Array.from(model.rowValues.subarray(a, b)), widen(model.rowLower[i]!, -1), widen(model.rowUpper[i]!, 1));
  }
  return out;
}

/**
 * Confirms an infeasible or unbounded verdict of `primary` with another backend (Backends.confirmer)
 * before it stands. An infeasible verdict is tested on the model relaxed by the verification tolerance (one
 * tolerance for every backend: a model feasible within it is not infeasible); a point the other
 * backend proves optimal there that also verifies on the model itself is returned instead of the
 * verdict. The verdict stands when the other backend agrees; a disagreement, or no backend to ask,
 * is a "backend" error naming both answers.
 */
function confirmVerdict(backends: Backends, primary: BackendName, verdict: SolverError, model: LpModel, deadlineMs: number): Proved {
  const other = backends.confirmer(primary, model, verdict.reason);
  const left = (deadlineMs - performance.now()) / 1000;
  if (other === null || !(left > 0)) {
    throw new SolverError("backend", `${verdict.message}; expected a second backend to confirm it, got ${other === null ? "none that can take the model" : "no time left"}`);
  }
  const target = verdict.reason === "infeasible" ? relaxed(model, DEFAULT_VERIFY_TOL) : model;
  let found: Proved;
  try {
    found = backends.run(other, target, left);
  } catch (err) {
    if (!(err instanceof SolverError)) throw err;
    if (err.reason === verdict.reason) throw new SolverError(verdict.reason, `${verdict.message} (confirmed by ${other})`);
    throw new SolverError("backend", `${verdict.message}, but ${other} answered: ${err.message}`);
  }
  if (verifySolution(model, found.x).ok) return found;
  throw new SolverError(verdict.reason, `${verdict.message} (confirmed by ${other}: its optimum within the tolerance still breaks the model itself)`);
}

/**
 * The one solve path of every Solver: check the options, run the picked backend (the simplex
 * with the caller's warm-start handle), let another backend answer when the simplex fails for
 * a reason other than a timeout or a verdict (where `fallback` is set), confirm every infeasible
 * or unbounded verdict with a second backend, and verify the point returned.
 */
function verifiedSolver(choice: BackendChoice, pick: (model: LpModel) => BackendName, backends: Backends, fallback: BackendName | null): Solver {
  const solve = (model: LpModel, solveOpts: SolveOptions = {}): LpSolution => {
    const timeLimitS = solveOpts.timeLimitS ?? DEFAULT_TIME_LIMIT_S;
    if (typeof timeLimitS !== "number" || !(timeLimitS > 0) || !Number.isFinite(timeLimitS)) {
      throw new ConfigError("solve options", [{ path: "timeLimitS", expected: "a finite number > 0", received: describeValue(timeLimitS) }]);
    }
    const warmStart = warmStartOf(solveOpts);
    const backend = pick(model);
    const t0 = performance.now();
    const deadlineMs = t0 + timeLimitS * 1000;
    let found: Proved;
    try {
      found = backends.run(backend, model, timeLimitS, warmStart);
    } catch (err) {
      if (!(err instanceof SolverError) || err.reason === "timeout") throw err;
      if (err.reason === "infeasible" || err.reason === "unbounded") {
        found = confirmVerdict(backends, backend, err, model, deadlineMs);
      } else {
        // numerical trouble or a failed certificate of the simplex: the fallback's proved answer stands
        if (backend !== "simplex" || fallback === null) throw err;
        const left = (deadlineMs - performance.now()) / 1000;
        if (!(left > 0)) throw new SolverError("timeout", `simplex: model (${model.describeSize()}) expected a solve within ${timeLimitS} s (${err.message})`);
        try {
          found = backends.run(fallback, model, left);
        } catch (inner) {
          if (!(inner instanceof SolverError) || (inner.reason !== "infeasible" && inner.reason !== "unbounded")) throw inner;
          found = confirmVerdict(backends, fallback, inner, model, deadlineMs);
        }
      }
    }
    const solveMs = performance.now() - t0;
    const check = assertVerified(model, found.x, `${found.backend} returned optimal for model (${model.describeSize()})`);
    return { objective: check.objective, x: found.x, backend: found.backend, solveMs, maxViolation: check.maxViolation };
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
  // every choice loads HiGHS where it can: it confirms verdicts and cross-checks jsls
  const highs = await loadHighs().catch(() => null);
  if (highs === null && (choice === "highs" || choice === "auto")) await loadHighs();
  const pick = (model: LpModel): BackendName => (choice === "auto" ? chooseBackend(model) : choice);
  return verifiedSolver(choice, pick, new Backends(highs), choice === "auto" && highs !== null ? "highs" : null);
}

/**
 * A synchronous Solver with no Wasm to load, for code that must build one without awaiting
 * (an env constructed by make()): our simplex, and javascript-lp-solver where the simplex fails
 * for any reason but a timeout (its answer then stands, verified like every other).
 */
export function syncSolver(): Solver {
  return verifiedSolver("simplex", () => "simplex", new Backends(null), "jsls");
}
