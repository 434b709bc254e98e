/**
 * LP backend on javascript-lp-solver: pure JavaScript, no start-up cost, a dense simplex
 * tableau. Fast for small models; memory and time grow with (columns x rows), so the `auto`
 * choice in ../index.ts sends larger models to HiGHS.
 *
 * Translation to its JSON model: every column is mapped onto the solver's default domain
 * y >= 0: x = lb + y when lb is finite (plus a row y <= ub - lb when ub is finite too),
 * x = ub - y when only ub is finite, and x = y - z for a free column. Its own "unrestricted"
 * option is not used: in 1.0.3 it returned feasible but non-optimal points (e.g. objective 0
 * instead of -1 on the two-hour arbitrage test in test/solvers/community-lp.test.ts).
 * Internal names (c<j>, n<j>, r<i>, u<j>) avoid clashing with the keys of its result object
 * (feasible, result, bounded).
 *
 * The solver checks its `timeout` only between branch-and-cut nodes, never inside the LP
 * simplex, so the time limit is enforced here: every pivot of its tableau (the unit of its
 * simplex work, O(cells)) and every 256th coefficient its model loader sets first check the
 * deadline of the solve in progress and abort it past the limit. What cannot be interrupted is
 * its presolve pass (one sweep over the coefficients) and one pivot; a late answer is discarded.
 */
import jslsDefault from "javascript-lp-solver";
import type { SolverAPI } from "javascript-lp-solver";
import { SolverError } from "../../core/errors.js";
import type { LpModel } from "../model.js";

/**
 * The package's typings are read as CommonJS under NodeNext (the solver would be
 * `default.default`), while its ESM build exports the solver itself as `default`.
 */
const jsls = ((jslsDefault as unknown as { default?: SolverAPI }).default ?? jslsDefault) as unknown as SolverAPI;

const OBJECTIVE_KEY = "_cost";

/** Thrown inside the solver's pivot past the deadline; caught in solveWithJsls only. */
class DeadlinePassed extends Error {}

/** performance.now() deadline of the solve in progress (Infinity when none: the pivot runs as shipped). */
let deadlineMs = Infinity;

/** Calls of the wrapped methods since the clock was last read: the model loader's run every 256th. */
let calls = 0;

/** Wraps `proto[key]` so that a call past the deadline aborts the solve (`every`: read the clock every n-th call). */
function withDeadline(proto: Record<string, unknown>, key: string, every: number): void {
  const original = proto[key] as (this: unknown, ...args: unknown[]) => unknown;
  proto[key] = function timed(this: unknown, ...args: unknown[]): unknown {
    if (++calls >= every) {
      calls = 0;
      if (performance.now() > deadlineMs) throw new DeadlinePassed();
    }
    return original.apply(this, args);
  };
}

{
  const api = jsls as unknown as { Tableau: { prototype: Record<string, unknown> }; Model: { prototype: Record<string, unknown> } };
  // a pivot is O(tableau cells): read the clock at every one
  withDeadline(api.Tableau.prototype, "pivot", 1);
  // loading the model sets one coefficient per call
  withDeadline(api.Model.prototype, "updateConstraintCoefficient", 256);
}

/** Largest dense tableau attempted (cells of 8 bytes: 1 GiB); beyond it the solve cannot finish in time anyway. */
const MAX_TABLEAU_CELLS = 2 ** 27;

type JslsConstraint = { min?: number; max?: number; equal?: number };

/** Number of cells of the dense tableau javascript-lp-solver would allocate for `model`. */
export function jslsTableauCells(model: LpModel): number {
  let constraints = 0;
  let columns = model.numVars;
  const colLower = model.colLower;
  const colUpper = model.colUpper;
  for (let j = 0; j < model.numVars; j++) {
    const lbFinite = colLower[j]! > -Infinity;
    const ubFinite = colUpper[j]! < Infinity;
    if (lbFinite && ubFinite) constraints++;
    else if (!lbFinite && !ubFinite) columns++;
  }
  const rowLower = model.rowLower;
  const rowUpper = model.rowUpper;
  for (let i = 0; i < model.numRows; i++) {
    if (rowLower[i] === rowUpper[i]) constraints += 2;
    else constraints += (rowLower[i]! > -Infinity ? 1 : 0) + (rowUpper[i]! < Infinity ? 1 : 0);
  }
  return (columns + 1) * (constraints + 1);
}

/** Solves `model` and returns x, or throws SolverError (infeasible, unbounded, timeout, backend). */
export function solveWithJsls(model: LpModel, timeLimitS: number): Float64Array {
  const t0 = performance.now();
  const size = model.describeSize();
  const cells = jslsTableauCells(model);
  if (cells > MAX_TABLEAU_CELLS) {
    throw new SolverError("backend",
      `jsls: model (${size}) expected a dense tableau of <= ${MAX_TABLEAU_CELLS} cells, got ${cells} ` +
      `(${(cells * 8 / 2 ** 30).toFixed(1)} GiB); use the highs backend`);
  }
  const n = model.numVars;
  const colLower = model.colLower;
  const colUpper = model.colUpper;
  const colCost = model.colCost;
  const starts = model.rowStarts;
  const indices = model.rowIndices;
  const values = model.rowValues;

  // x[j] = offset[j] + sign[j] * y[j] with y[j] >= 0; a free column is x = y - z, z >= 0 as well.
  const offset = new Float64Array(n);
  const sign = new Float64Array(n);
  const variables: Record<string, Record<string, number>> = {};
  const constraints: Record<string, JslsConstraint> = {};
  const coefsOf: Record<string, number>[] = new Array(n);
  const negOf: (Record<string, number> | null)[] = new Array(n).fill(null);
  for (let j = 0; j < n; j++) {
    const lb = colLower[j]!;
    const ub = colUpper[j]!;
    const free = lb === -Infinity && ub === Infinity;
    offset[j] = lb > -Infinity ? lb : free ? 0 : ub;
    sign[j] = lb > -Infinity || free ? 1 : -1;
    const coefs: Record<string, number> = { [OBJECTIVE_KEY]: sign[j]! * colCost[j]! };
    coefsOf[j] = coefs;
    variables[`c${j}`] = coefs;
    if (free) {
      const neg: Record<string, number> = { [OBJECTIVE_KEY]: -colCost[j]! };
      negOf[j] = neg;
      variables[`n${j}`] = neg;
    } else if (lb > -Infinity && ub < Infinity) {
      coefs[`u${j}`] = 1;
      constraints[`u${j}`] = { max: ub - lb };
    }
  }
  for (let i = 0; i < model.numRows; i++) {
    let shift = 0;
    for (let k = starts[i]!; k < starts[i + 1]!; k++) shift += values[k]! * offset[indices[k]!]!;
    const lb = model.rowLower[i]! - shift;
    const ub = model.rowUpper[i]! - shift;
    if (starts[i] === starts[i + 1]) {
      if (lb > 0 || ub < 0) {
        throw new SolverError("infeasible",
          `jsls: model (${size}) is infeasible: row ${model.rowName(i)} has no terms and bounds ${model.rowLower[i]}..${model.rowUpper[i]} exclude 0`);
      }
      continue;
    }
    if (lb === -Infinity && ub === Infinity) continue;
    const name = `r${i}`;
    constraints[name] = lb === ub ? { equal: lb }
      : lb === -Infinity ? { max: ub }
      : ub === Infinity ? { min: lb }
      : { min: lb, max: ub };
    for (let k = starts[i]!; k < starts[i + 1]!; k++) {
      const j = indices[k]!;
      coefsOf[j]![name] = sign[j]! * values[k]!;
      const neg = negOf[j];
      if (neg) neg[name] = -values[k]!;
    }
  }

  let result: Record<string, unknown>;
  const timeout = (): SolverError => new SolverError("timeout",
    `jsls: model (${size}) expected a solve within ${timeLimitS} s, got ${((performance.now() - t0) / 1000).toFixed(2)} s (stopped at the limit)`);
  deadlineMs = t0 + timeLimitS * 1000;
  try {
    result = jsls.Solve({
      optimize: OBJECTIVE_KEY,
      opType: "min",
      constraints,
      variables,
      options: { timeout: Math.max(1, Math.round(timeLimitS * 1000)) },
    }) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof DeadlinePassed) throw timeout();
    throw new SolverError("backend", `jsls: solve of model (${size}) threw: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    deadlineMs = Infinity;
  }
  if ((performance.now() - t0) / 1000 > timeLimitS) throw timeout();
  if (result.feasible !== true) {
    throw new SolverError("infeasible", `jsls: model (${size}) is infeasible (status: feasible=${String(result.feasible)})`);
  }
  if (result.bounded === false) {
    throw new SolverError("unbounded", `jsls: model (${size}) is unbounded (status: bounded=false)`);
  }
  const x = new Float64Array(n);
  const valueOf = (key: string): number => {
    const v = result[key];
    return typeof v === "number" ? v : 0;
  };
  for (let j = 0; j < n; j++) {
    x[j] = offset[j]! + sign[j]! * valueOf(`c${j}`) - (negOf[j] ? valueOf(`n${j}`) : 0);
  }
  return x;
}
