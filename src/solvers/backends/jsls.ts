/**
 * LP backend on javascript-lp-solver: pure JavaScript, no start-up cost, a dense simplex
 * tableau. Fast for small models; memory and time grow with (columns x rows), so the `auto`
 * choice in ../index.ts sends larger models to HiGHS.
 *
 * Translation to its JSON model: every column with a finite lower bound is shifted to
 * y = x - lb >= 0 (the solver's default domain), so only finite upper bounds and free rows
 * need extra constraints; columns without a lower bound are "unrestricted". Internal names
 * (c<j>, r<i>, u<j>) avoid clashing with the keys of its result object (feasible, result, ...).
 *
 * The solver checks its `timeout` only between branch-and-cut nodes, never inside the LP
 * simplex, so a pure LP cannot be interrupted: the time limit is enforced by measuring the
 * solve and discarding a late answer as "timeout".
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

/** Largest dense tableau attempted (cells of 8 bytes: 1 GiB); beyond it the solve cannot finish in time anyway. */
const MAX_TABLEAU_CELLS = 2 ** 27;

type JslsConstraint = { min?: number; max?: number; equal?: number };

/** Number of cells of the dense tableau javascript-lp-solver would allocate for `model`. */
export function jslsTableauCells(model: LpModel): number {
  let constraints = 0;
  const colUpper = model.colUpper;
  for (let j = 0; j < model.numVars; j++) if (colUpper[j]! < Infinity) constraints++;
  const rowLower = model.rowLower;
  const rowUpper = model.rowUpper;
  for (let i = 0; i < model.numRows; i++) {
    if (rowLower[i] === rowUpper[i]) constraints += 2;
    else constraints += (rowLower[i]! > -Infinity ? 1 : 0) + (rowUpper[i]! < Infinity ? 1 : 0);
  }
  return (model.numVars + 1) * (constraints + 1);
}

/** Solves `model` and returns x, or throws SolverError (infeasible, unbounded, timeout, backend). */
export function solveWithJsls(model: LpModel, timeLimitS: number): Float64Array {
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

  const variables: Record<string, Record<string, number>> = {};
  const constraints: Record<string, JslsConstraint> = {};
  const unrestricted: Record<string, 1> = {};
  const coefsOf: Record<string, number>[] = new Array(n);
  for (let j = 0; j < n; j++) {
    const coefs: Record<string, number> = { [OBJECTIVE_KEY]: colCost[j]! };
    coefsOf[j] = coefs;
    variables[`c${j}`] = coefs;
    const lb = colLower[j]!;
    const ub = colUpper[j]!;
    if (lb === -Infinity) unrestricted[`c${j}`] = 1;
    if (ub < Infinity) {
      coefs[`u${j}`] = 1;
      constraints[`u${j}`] = { max: lb === -Infinity ? ub : ub - lb };
    }
  }
  for (let i = 0; i < model.numRows; i++) {
    let shift = 0;
    for (let k = starts[i]!; k < starts[i + 1]!; k++) {
      const lb = colLower[indices[k]!]!;
      if (lb !== -Infinity) shift += values[k]! * lb;
    }
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
    for (let k = starts[i]!; k < starts[i + 1]!; k++) coefsOf[indices[k]!]![name] = values[k]!;
  }

  const t0 = performance.now();
  let result: Record<string, unknown>;
  try {
    result = jsls.Solve({
      optimize: OBJECTIVE_KEY,
      opType: "min",
      constraints,
      variables,
      unrestricted,
      options: { timeout: Math.max(1, Math.round(timeLimitS * 1000)) },
    }) as Record<string, unknown>;
  } catch (err) {
    throw new SolverError("backend", `jsls: solve of model (${size}) threw: ${err instanceof Error ? err.message : String(err)}`);
  }
  const elapsedS = (performance.now() - t0) / 1000;
  if (elapsedS > timeLimitS) {
    throw new SolverError("timeout",
      `jsls: model (${size}) expected a solve within ${timeLimitS} s, got ${elapsedS.toFixed(2)} s ` +
      `(javascript-lp-solver cannot interrupt its simplex; the late answer was discarded)`);
  }
  if (result.feasible !== true) {
    throw new SolverError("infeasible", `jsls: model (${size}) is infeasible (status: feasible=${String(result.feasible)})`);
  }
  if (result.bounded === false) {
    throw new SolverError("unbounded", `jsls: model (${size}) is unbounded (status: bounded=false)`);
  }
  const x = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const v = result[`c${j}`];
    const y = typeof v === "number" ? v : 0;
    const lb = colLower[j]!;
    x[j] = lb === -Infinity ? y : lb + y;
  }
  return x;
}
