/**
 * Independent check of a point returned by any LP backend: no solver status is trusted.
 *
 * Rule (relative violation, compared with `tol`, default 1e-6):
 *   column j:  v = max(lb - x, x - ub, 0) / max(1, |violated bound|)
 *   row i:     a = sum_k A[i,k] x[k];
 *              v = max(lb - a, a - ub, 0) / max(1, |violated bound|, sum_k |A[i,k] x[k]|)
 * The row scale includes the sum of absolute terms so that cancellation between large terms
 * (e.g. energy balances of 1e4 kWh that net to zero) is judged against the size of the terms,
 * not against a bound of 0. A non-finite x[j] is an infinite violation.
 */
import { SolverError } from "../core/errors.js";
import type { LpModel } from "./model.js";

/** The worst violated column bound or row of a point, as verifySolution reports it. */
export interface ViolationReport {
  /** Whether a column's bounds or a row's activity bounds are violated. */
  kind: "column" | "row";
  /** Index of the column or row. */
  index: number;
  /** Name of the column or row. */
  name: string;
  /** Its lower bound. */
  lb: number;
  /** Its upper bound. */
  ub: number;
  /** Column value or row activity. */
  value: number;
  /** Violation divided by its scale, as compared with the tolerance. */
  relative: number;
}

/** How far a point is from satisfying an LpModel. */
export interface Verification {
  /** Largest relative violation over all columns and rows (0 when every one holds exactly). */
  maxViolation: number;
  /** The column or row with that violation; null when nothing is violated. */
  worst: ViolationReport | null;
  /** c'x recomputed from the point. */
  objective: number;
  /** Whether maxViolation <= tol. */
  ok: boolean;
}

/**
 * Default tolerance on the relative violation of a bound or row (verifySolution, assertVerified, and every
 * solve).
 */
export const DEFAULT_VERIFY_TOL = 1e-6;

/**
 * Measures how far `x` is from satisfying `model` (see the file header for the exact rule).
 * Throws SolverError("verification") only when x has the wrong length.
 */
export function verifySolution(model: LpModel, x: ArrayLike<number>, tol = DEFAULT_VERIFY_TOL): Verification {
  if (x.length !== model.numVars) {
    throw new SolverError("verification", `solver: x expected length ${model.numVars} (${model.describeSize()}), got ${x.length}`);
  }
  let maxViolation = 0;
  let worst: ViolationReport | null = null;

  const colLower = model.colLower;
  const colUpper = model.colUpper;
  for (let j = 0; j < model.numVars; j++) {
    const v = x[j]!;
    const lb = colLower[j]!;
    const ub = colUpper[j]!;
    let rel: number;
    if (!Number.isFinite(v)) rel = Infinity;
    else if (v < lb) rel = (lb - v) / Math.max(1, Math.abs(lb));
    else if (v > ub) rel = (v - ub) / Math.max(1, Math.abs(ub));
    else continue;
    if (rel > maxViolation || worst === null) {
      maxViolation = rel;
      worst = { kind: "column", index: j, name: model.colName(j), lb, ub, value: v, relative: rel };
    }
  }

  const rowLower = model.rowLower;
  const rowUpper = model.rowUpper;
  const starts = model.rowStarts;
  const indices = model.rowIndices;
  const values = model.rowValues;
  for (let i = 0; i < model.numRows; i++) {
    let activity = 0;
    let absTerms = 0;
    for (let k = starts[i]!; k < starts[i + 1]!; k++) {
      const term = values[k]! * x[indices[k]!]!;
      activity += term;
      absTerms += Math.abs(term);
    }
    const lb = rowLower[i]!;
    const ub = rowUpper[i]!;
    let rel: number;
    if (!Number.isFinite(activity)) rel = Infinity;
    else if (activity < lb) rel = (lb - activity) / Math.max(1, Math.abs(lb), absTerms);
    else if (activity > ub) rel = (activity - ub) / Math.max(1, Math.abs(ub), absTerms);
    else continue;
    if (rel > maxViolation || worst === null) {
      maxViolation = rel;
      worst = { kind: "row", index: i, name: model.rowName(i), lb, ub, value: activity, relative: rel };
    }
  }

  return { maxViolation, worst, objective: model.objectiveAt(x), ok: maxViolation <= tol };
}

/**
 * Verifies `x` and throws SolverError("verification") naming the worst column or row, its
 * bounds and its value when the violation exceeds `tol`. `context` says who produced the
 * point (e.g. "jsls returned optimal for 12 columns, 7 rows").
 */
export function assertVerified(model: LpModel, x: ArrayLike<number>, context: string, tol = DEFAULT_VERIFY_TOL): Verification {
  const result = verifySolution(model, x, tol);
  if (!result.ok) {
    const w = result.worst!;
    const what = `${w.kind} ${w.name} (#${w.index}) expected ${w.lb} <= ${w.kind === "row" ? "activity" : "value"} <= ${w.ub}, ` +
      `got ${w.value} (relative violation ${w.relative.toExponential(2)} > tol ${tol})`;
    throw new SolverError("verification", `solver: ${context}: ${what}`);
  }
  return result;
}
