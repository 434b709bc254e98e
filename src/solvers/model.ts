/**
 * One LP model builder for every backend: minimise c'x subject to rowLower <= A x <= rowUpper
 * and colLower <= x <= colUpper.
 *
 * Baselines build models of ~50k columns and ~25k rows once per MPC step, so storage is a set
 * of growable typed arrays (bounds, costs, and the matrix in compressed sparse rows) and every
 * add is amortised O(its nonzeros). Backends read the arrays directly, without copying names.
 *
 * Names are checked once, when added: unique per axis (columns and rows are separate name
 * spaces, as in the CPLEX LP format) and safe to write in that format, so a model can always
 * be exported for debugging with another solver.
 */
import { ConfigError, describeValue } from "../core/errors.js";

const OWNER = "LP model";

/**
 * A name the CPLEX LP format reads back as the same name: a letter or underscore first, then
 * letters, digits, `_` and `.`; at most 255 characters. `e`/`E` followed by a digit is refused
 * because LP readers may take it as the exponent of the coefficient before it.
 */
const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.]{0,254}$/;
const EXPONENT_LIKE = /^[eE][0-9]/;
/** LP-format keywords a reader would not take as a name, compared case-insensitively. */
const RESERVED = new Set([
  "min", "max", "minimize", "maximize", "minimise", "maximise", "minimum", "maximum",
  "st", "s.t.", "subject", "such", "bound", "bounds", "free", "inf", "infinity",
  "gen", "general", "generals", "bin", "binary", "binaries", "semi", "semis",
  "semi-continuous", "sos", "end",
]);

function checkName(kind: "columns" | "rows", name: string, taken: Map<string, number>): void {
  if (typeof name !== "string" || !NAME_PATTERN.test(name) || EXPONENT_LIKE.test(name) ||
      RESERVED.has(name.toLowerCase())) {
    throw new ConfigError(OWNER, [{
      path: `${kind}.name`,
      expected: "an LP-format-safe name ([A-Za-z_][A-Za-z0-9_.]*, <= 255 chars, not e<digit>..., not a keyword)",
      received: describeValue(name),
    }]);
  }
  if (taken.has(name)) {
    throw new ConfigError(OWNER, [{
      path: `${kind}.${name}`,
      expected: `a unique name (already used by ${kind === "columns" ? "column" : "row"} ${taken.get(name)})`,
      received: describeValue(name),
    }]);
  }
}

function checkBounds(path: string, lb: number, ub: number): void {
  const issues = [];
  if (Number.isNaN(lb) || lb === Infinity) {
    issues.push({ path: `${path}.lb`, expected: "a number < Infinity (may be -Infinity)", received: describeValue(lb) });
  }
  if (Number.isNaN(ub) || ub === -Infinity) {
    issues.push({ path: `${path}.ub`, expected: "a number > -Infinity (may be Infinity)", received: describeValue(ub) });
  }
  if (issues.length === 0 && lb > ub) {
    issues.push({ path: `${path}.ub`, expected: `a number >= lb (${lb})`, received: describeValue(ub) });
  }
  if (issues.length > 0) throw new ConfigError(OWNER, issues);
}

function checkCost(path: string, cost: number): void {
  if (!Number.isFinite(cost)) {
    throw new ConfigError(OWNER, [{ path: `${path}.cost`, expected: "a finite number", received: describeValue(cost) }]);
  }
}

function grownF64(a: Float64Array<ArrayBuffer>, need: number): Float64Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Float64Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

function grownI32(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/**
 * A minimisation LP. Columns and rows are only ever appended; indices are stable.
 *
 * The typed-array getters return views of the internal buffers, valid until the next add
 * (growth reallocates); callers must not write to them.
 */
export class LpModel {
  #numVars = 0;
  #numRows = 0;
  #numNonzeros = 0;

  #colNames: string[] = [];
  #colIndex = new Map<string, number>();
  #colLower = new Float64Array(64);
  #colUpper = new Float64Array(64);
  #colCost = new Float64Array(64);
  /** Per column, the addRow call that last listed it: detects duplicates in O(row length). */
  #seenInRow = new Int32Array(64);
  #addRowCalls = 0;

  #rowNames: string[] = [];
  #rowIndex = new Map<string, number>();
  #rowLower = new Float64Array(64);
  #rowUpper = new Float64Array(64);
  #rowStarts = new Int32Array(65);
  #indices = new Int32Array(256);
  #values = new Float64Array(256);

  /** Number of columns (variables) added so far. */
  get numVars(): number { return this.#numVars; }
  /** Number of rows (constraints) added so far. */
  get numRows(): number { return this.#numRows; }
  /** Number of stored nonzero coefficients over all rows. */
  get numNonzeros(): number { return this.#numNonzeros; }

  /** Adds column `name` with bounds lb..ub (lb may be -Infinity, ub Infinity) and objective cost; returns its index. */
  addVar(name: string, lb = 0, ub = Infinity, cost = 0): number {
    checkName("columns", name, this.#colIndex);
    checkBounds(`columns.${name}`, lb, ub);
    checkCost(`columns.${name}`, cost);
    const j = this.#numVars;
    const need = j + 1;
    this.#colLower = grownF64(this.#colLower, need);
    this.#colUpper = grownF64(this.#colUpper, need);
    this.#colCost = grownF64(this.#colCost, need);
    this.#seenInRow = grownI32(this.#seenInRow, need);
    this.#colLower[j] = lb;
    this.#colUpper[j] = ub;
    this.#colCost[j] = cost;
    this.#colNames.push(name);
    this.#colIndex.set(name, j);
    this.#numVars = need;
    return j;
  }

  /**
   * Adds row `name`: lb <= sum coefs[k] * x[vars[k]] <= ub (lb === ub for an equality, ±Infinity
   * for a missing side); returns its index. Zero coefficients are not stored; a column listed
   * twice is refused rather than summed, since it is almost always a model-building bug.
   */
  addRow(name: string, vars: ArrayLike<number>, coefs: ArrayLike<number>, lb: number, ub: number): number {
    checkName("rows", name, this.#rowIndex);
    const path = `rows.${name}`;
    checkBounds(path, lb, ub);
    if (vars.length !== coefs.length) {
      throw new ConfigError(OWNER, [{
        path: `${path}.coefs`, expected: `length ${vars.length} (same as vars)`, received: `length ${coefs.length}`,
      }]);
    }
    const i = this.#numRows;
    const start = this.#numNonzeros;
    this.#indices = grownI32(this.#indices, start + vars.length);
    this.#values = grownF64(this.#values, start + vars.length);
    const seen = this.#seenInRow;
    const stamp = ++this.#addRowCalls;
    let k = start;
    for (let n = 0; n < vars.length; n++) {
      const j = vars[n]!;
      const a = coefs[n]!;
      if (!Number.isInteger(j) || j < 0 || j >= this.#numVars) {
        throw new ConfigError(OWNER, [{
          path: `${path}.vars[${n}]`, expected: `a column index in [0, ${this.#numVars})`, received: describeValue(j),
        }]);
      }
      if (!Number.isFinite(a)) {
        throw new ConfigError(OWNER, [{ path: `${path}.coefs[${n}]`, expected: "a finite number", received: describeValue(a) }]);
      }
      if (seen[j] === stamp) {
        throw new ConfigError(OWNER, [{
          path: `${path}.vars[${n}]`, expected: `each column at most once per row`, received: `column ${j} (${this.#colNames[j]}) again`,
        }]);
      }
      seen[j] = stamp;
      if (a === 0) continue;
      this.#indices[k] = j;
      this.#values[k] = a;
      k++;
    }
    this.#rowLower = grownF64(this.#rowLower, i + 1);
    this.#rowUpper = grownF64(this.#rowUpper, i + 1);
    this.#rowStarts = grownI32(this.#rowStarts, i + 2);
    this.#rowLower[i] = lb;
    this.#rowUpper[i] = ub;
    this.#rowStarts[i + 1] = k;
    this.#rowNames.push(name);
    this.#rowIndex.set(name, i);
    this.#numNonzeros = k;
    this.#numRows = i + 1;
    return i;
  }

  /** Replaces the objective coefficient of column `col`. */
  setCost(col: number, cost: number): void {
    if (!Number.isInteger(col) || col < 0 || col >= this.#numVars) {
      throw new ConfigError(OWNER, [{ path: "setCost.col", expected: `a column index in [0, ${this.#numVars})`, received: describeValue(col) }]);
    }
    checkCost(`columns.${this.#colNames[col]}`, cost);
    this.#colCost[col] = cost;
  }

  /**
   * Replaces the bounds of column `col` (same rules as addVar): with setRowBounds, a kept
   * model re-solved for a step whose variable bounds follow the data (the hub LP's load shed).
   */
  setColBounds(col: number, lb: number, ub: number): void {
    if (!Number.isInteger(col) || col < 0 || col >= this.#numVars) {
      throw new ConfigError(OWNER, [{ path: "setColBounds.col", expected: `a column index in [0, ${this.#numVars})`, received: describeValue(col) }]);
    }
    checkBounds(`columns.${this.#colNames[col]}`, lb, ub);
    this.#colLower[col] = lb;
    this.#colUpper[col] = ub;
  }

  /**
   * Replaces the bounds of row `row` (same rules as addRow). With setCost, this lets a caller
   * that re-solves one structure with new data (rolling-horizon MPC) keep the model, so the
   * names, the matrix and a backend's warm start are reused.
   */
  setRowBounds(row: number, lb: number, ub: number): void {
    if (!Number.isInteger(row) || row < 0 || row >= this.#numRows) {
      throw new ConfigError(OWNER, [{ path: "setRowBounds.row", expected: `a row index in [0, ${this.#numRows})`, received: describeValue(row) }]);
    }
    checkBounds(`rows.${this.#rowNames[row]}`, lb, ub);
    this.#rowLower[row] = lb;
    this.#rowUpper[row] = ub;
  }

  /** The name of column `j`. */
  colName(j: number): string { return this.#colNames[j]!; }
  /** The name of row `i`. */
  rowName(i: number): string { return this.#rowNames[i]!; }
  /** Index of the column called `name`, or -1. */
  colIndexOf(name: string): number { return this.#colIndex.get(name) ?? -1; }
  /** Index of the row called `name`, or -1. */
  rowIndexOf(name: string): number { return this.#rowIndex.get(name) ?? -1; }

  /** Lower bound of each column, length numVars (a view of the model's storage, not a copy). */
  get colLower(): Float64Array { return this.#colLower.subarray(0, this.#numVars); }
  /** Upper bound of each column, length numVars (a view of the model's storage, not a copy). */
  get colUpper(): Float64Array { return this.#colUpper.subarray(0, this.#numVars); }
  /** Objective cost of each column, length numVars (a view of the model's storage, not a copy). */
  get colCost(): Float64Array { return this.#colCost.subarray(0, this.#numVars); }
  /** Lower bound of each row's activity, length numRows (a view of the model's storage, not a copy). */
  get rowLower(): Float64Array { return this.#rowLower.subarray(0, this.#numRows); }
  /** Upper bound of each row's activity, length numRows (a view of the model's storage, not a copy). */
  get rowUpper(): Float64Array { return this.#rowUpper.subarray(0, this.#numRows); }
  /** CSR offsets, length numRows + 1: row i holds entries rowStarts[i] .. rowStarts[i + 1] - 1. */
  get rowStarts(): Int32Array { return this.#rowStarts.subarray(0, this.#numRows + 1); }
  /** CSR column index of each stored entry, length numNonzeros. */
  get rowIndices(): Int32Array { return this.#indices.subarray(0, this.#numNonzeros); }
  /** CSR coefficient of each stored entry, length numNonzeros. */
  get rowValues(): Float64Array { return this.#values.subarray(0, this.#numNonzeros); }

  /** Objective c'x at `x`. */
  objectiveAt(x: ArrayLike<number>): number {
    const c = this.#colCost;
    let sum = 0;
    for (let j = 0; j < this.#numVars; j++) sum += c[j]! * x[j]!;
    return sum;
  }

  /** "12 columns, 7 rows, 30 nonzeros": for error messages. */
  describeSize(): string {
    return `${this.#numVars} columns, ${this.#numRows} rows, ${this.#numNonzeros} nonzeros`;
  }
}
