/**
 * LP backend of our own for small models: a dense bounded-variable primal simplex over typed
 * arrays, with an optimality certificate checked before any point is returned.
 *
 * Standard form. Every row i gets a slack s_i = a_i'x with rowLower_i <= s_i <= rowUpper_i, so
 * the constraints are [A | -I] (x, s) = 0 and every variable (structural or slack) has only
 * bounds. Column k < n is structural column k; column n + i is the slack of row i.
 *
 * Algorithm.
 * - Basis inverse: B^-1 kept explicitly as a dense m x m Float64Array, updated by a rank-one
 *   (product-form, Gauss-Jordan) pivot per basis change that visits only the nonzeros of the
 *   pivot row and of alpha = B^-1 a_q (energy LPs keep B^-1 sparse: ~5 of 49 entries per row
 *   on the 24-hour MPC LP), and recomputed from scratch (Gauss-Jordan with partial pivoting,
 *   same sparsity skip) every REFACTOR_EVERY basis changes, when a verdict (infeasible, or a
 *   failed certificate) might be drift, and on a warm start whose matrix changed. Basic values
 *   are recomputed from the nonbasic ones at every refactorisation and before any verdict.
 * - Start: the slack basis (B = -I) followed by a crash that pivots every free column into the
 *   basis (replacing the slack of an equality row where it can); nonbasic columns sit at a
 *   finite bound (lower first), free ones at 0. Only with an explicit warm-start handle
 *   (SimplexWarmStart, owned by the caller) does a solve start from the last optimal basis that
 *   handle saw for a model of the same size, when its B is nonsingular (rolling-horizon MPC
 *   re-solves the same structure with new data; when the matrix is bit-identical, B^-1 itself
 *   is kept, no refactorisation).
 * - Phase 1 minimises the sum of bound violations of the basic variables (composite method, no
 *   artificials): costs -1 / +1 on basics below / above their bounds, recomputed every
 *   iteration. Its ratio test stops an infeasible basic at the bound it violates (never
 *   beyond), so each step is a descent step of the piecewise-linear phase 1 objective. Phase 2
 *   starts once every basic is within FEAS_TOL.
 * - Pricing: Dantzig (largest |d_j| among columns that may move: at lower with d_j < 0, at
 *   upper with d_j > 0, free nonbasic with d_j != 0; fixed columns never enter). Duals y are
 *   computed from B^-1 in phase 1 (its costs change every step) and at the start of phase 2,
 *   together with the reduced costs d = c - [A | -I]'y; in phase 2 both are then updated per
 *   pivot from the pivot row of the new B^-1 (y += d_q row_p, d_j -= d_q row_p a_j, visiting
 *   only that row's nonzeros and the model rows they name), and recomputed from scratch after
 *   a refactorisation. The certificate is computed from the model, not from d, so updated
 *   duals that pass it are a proof; when they fail, y and d are recomputed from B^-1 and
 *   pricing resumes, then B^-1 itself, so drift never reaches a verdict.
 * - Ratio test: Harris two-pass with FEAS_TOL (largest |alpha| among the rows whose exact ratio
 *   is within the relaxed minimum), bound flips of the entering column when its range is the
 *   shortest step. After DEGENERATE_RUN consecutive degenerate steps, Bland's rule (smallest
 *   index enters, smallest index leaves among exact ties, textbook ratio test) until a step
 *   makes progress: anti-cycling.
 * - Outcomes: phase 1 optimal with a violation left -> SolverError "infeasible"; phase 2 ratio
 *   test without a limit -> "unbounded"; MAX_ITERATIONS or the time limit -> "timeout";
 *   a singular basis or a failed certificate after a fresh refactorisation -> "verification"
 *   or "backend" (createSolver's `auto` then falls back to HiGHS).
 *
 * Certificate (certifyOptimality). A verifier of x alone cannot tell "feasible" from
 * "optimal", so at the final basis the row duals y are turned into reduced costs
 * d = c - A'y over the MODEL (not the solver's internal state), and:
 *   dual feasibility: d_j > tol needs a finite lower bound, d_j < -tol a finite upper bound; the
 *     same for rows with y_i (y_i > tol: rowLower finite, y_i < -tol: rowUpper finite);
 *   complementary slackness, measured as the duality gap c'x - D(y), where D(y) is the dual
 *     objective (each d_j / y_i times the bound its sign points to); gap = sum d_j (x_j - bound_j)
 *     + sum y_i (a_i'x - bound_i) must be <= GAP_TOL relative to max(1, sum |c_j x_j|).
 * With x primal feasible (verify.ts checks that independently), the two together prove x is
 * optimal to within the gap. A point whose certificate fails is never returned.
 *
 * Tolerances: FEAS_TOL 1e-9 (absolute, times 1 + |bound|) for primal bounds in the ratio test
 * and phase detection; DUAL_TOL 1e-9 (times max(1, max |c|)) for pricing; PIVOT_TOL 1e-9 for
 * pivot elements; certificate: dual tolerance 1e-9 x max(1, |c|max, |y|max), GAP_TOL 1e-9.
 *
 * Determinism. A solve without a handle is a pure function of the model: the same model gives a
 * bit-identical x whatever was solved before in the thread. The per-thread workspaces below are
 * only preallocated arrays; every value a solve reads is written by that solve first (load,
 * coldStart), and no basis is kept in them. A solve with a handle depends on the model and on
 * the solves made before with that handle (and nothing else): the handle keeps its own
 * workspaces, untouched by any other solve, and clear() makes its next solves cold again.
 *
 * Memory: one workspace per model size (columns, rows), preallocated on first use and reused by
 * later solves of the same size (at most WORKSPACES sizes of at most CACHED_MAX_ROWS rows are
 * kept, per thread, and as many per warm-start handle; a larger model gets a transient one and
 * always starts cold); no allocation inside the iteration loop. Intended for up to a few hundred rows (auto: up to AUTO_SIMPLEX_MAX_ROWS in
 * ../index.ts): memory is 2 m^2 doubles, time per iteration O(m^2) at worst, far less while
 * B^-1 stays sparse; refactorisation O(m^3) at worst.
 */
import { SolverError } from "../../core/errors.js";
import type { LpModel } from "../model.js";

const FEAS_TOL = 1e-9;
const DUAL_TOL = 1e-9;
const PIVOT_TOL = 1e-9;
const SINGULAR_TOL = 1e-11;
const GAP_TOL = 1e-9;
const REFACTOR_EVERY = 100;
const DEGENERATE_RUN = 30;
export const SIMPLEX_MAX_ITERATIONS = 50000;
/** Rows beyond which the dense B^-1 (m^2 doubles, twice) is refused. */
export const SIMPLEX_MAX_ROWS = 2000;
const WORKSPACES = 8;
const CACHED_MAX_ROWS = 400;

const BASIC = 0;
const AT_LOWER = 1;
const AT_UPPER = 2;
const AT_ZERO = 3; // nonbasic free column

export interface SimplexOptions {
  timeLimitS: number;
  /** Basis changes and bound flips allowed; default SIMPLEX_MAX_ITERATIONS. */
  maxIterations?: number;
  /**
   * The caller's warm-start handle: start from the last optimal basis it saw for a model of this
   * size, and save this solve's. Without one (the default) the solve is cold and depends on the
   * model alone.
   */
  warmStart?: SimplexWarmStart;
}

/** Counters of the last solveWithSimplex call on this thread (for benchmarks and tests). */
export const simplexStats = { iterations: 0, phase1Iterations: 0, refactors: 0, warmStarted: false };

export interface OptimalityCertificate {
  ok: boolean;
  /** c'x - D(y): >= 0 up to rounding, 0 at an optimum. */
  gap: number;
  /** gap / max(1, sum |c_j x_j|). */
  relativeGap: number;
  /** Reduced costs d = c - A'y at x. */
  reducedCosts: Float64Array;
  /** Why it failed, naming the column or row; null when ok. */
  failure: string | null;
}

/**
 * Checks that (x, y) prove optimality of x for `model` (see the file header): dual feasibility
 * of y (reduced costs within `dualTol` x scale of their sign) and a duality gap within `gapTol`.
 * Does not check primal feasibility of x (verify.ts does). The defaults are the simplex's own; a
 * backend whose duals come from other tolerances (HiGHS) is checked with wider ones.
 */
export function certifyOptimality(model: LpModel, x: ArrayLike<number>, y: ArrayLike<number>, gapTol = GAP_TOL, dualTol = DUAL_TOL): OptimalityCertificate {
  const n = model.numVars;
  const m = model.numRows;
  const c = model.colCost;
  const lb = model.colLower;
  const ub = model.colUpper;
  const rl = model.rowLower;
  const ru = model.rowUpper;
  const starts = model.rowStarts;
  const idx = model.rowIndices;
  const val = model.rowValues;
  const d = new Float64Array(n);
  let scale = 1;
  let objScale = 1;
  for (let j = 0; j < n; j++) {
    d[j] = c[j]!;
    scale = Math.max(scale, Math.abs(c[j]!));
    objScale += Math.abs(c[j]! * x[j]!);
  }
  for (let i = 0; i < m; i++) {
    const yi = y[i]!;
    scale = Math.max(scale, Math.abs(yi));
    if (yi === 0) continue;
    for (let k = starts[i]!; k < starts[i + 1]!; k++) d[idx[k]!] -= yi * val[k]!;
  }
  const tol = dualTol * scale;
  let gap = 0;
  let failure: string | null = null;
  for (let j = 0; j < n && failure === null; j++) {
    const dj = d[j]!;
    if (!Number.isFinite(dj)) failure = `column ${model.colName(j)}: reduced cost ${dj}`;
    else if (dj > tol) {
      if (lb[j] === -Infinity) failure = `column ${model.colName(j)}: reduced cost ${dj} > 0 but no lower bound (dual infeasible)`;
      else gap += dj * (x[j]! - lb[j]!);
    } else if (dj < -tol) {
      if (ub[j] === Infinity) failure = `column ${model.colName(j)}: reduced cost ${dj} < 0 but no upper bound (dual infeasible)`;
      else gap += dj * (x[j]! - ub[j]!);
    }
  }
  for (let i = 0; i < m && failure === null; i++) {
    const yi = y[i]!;
    if (!Number.isFinite(yi)) { failure = `row ${model.rowName(i)}: dual ${yi}`; break; }
    if (Math.abs(yi) <= tol) continue;
    let act = 0;
    for (let k = starts[i]!; k < starts[i + 1]!; k++) act += val[k]! * x[idx[k]!]!;
    if (yi > 0) {
      if (rl[i] === -Infinity) failure = `row ${model.rowName(i)}: dual ${yi} > 0 but no lower bound (dual infeasible)`;
      else gap += yi * (act - rl[i]!);
    } else {
      if (ru[i] === Infinity) failure = `row ${model.rowName(i)}: dual ${yi} < 0 but no upper bound (dual infeasible)`;
      else gap += yi * (act - ru[i]!);
    }
  }
  const relativeGap = Math.abs(gap) / objScale;
  if (failure === null && !(relativeGap <= gapTol)) {
    failure = `duality gap ${gap.toExponential(3)} (relative ${relativeGap.toExponential(2)} > ${gapTol}): complementary slackness fails`;
  }
  return { ok: failure === null, gap, relativeGap, reducedCosts: d, failure };
}

/** Preallocated arrays for one model size. */
class Workspace {
  readonly n: number;
  readonly m: number;
  readonly N: number;
  lo: Float64Array;
  up: Float64Array;
  /** lo - tol(lo) and up + tol(up): the bounds as the feasibility tests see them. */
  loT: Float64Array;
  upT: Float64Array;
  cost: Float64Array;
  x: Float64Array;
  d: Float64Array;
  stat: Int8Array;
  head: Int32Array;
  binv: Float64Array;
  work: Float64Array;
  cB: Float64Array;
  y: Float64Array;
  alpha: Float64Array;
  rhs: Float64Array;
  /** Positions r with alpha[r] != 0, alphaCount of them. */
  alphaNz: Int32Array;
  alphaCount = 0;
  /** The model's rows (CSR views), valid during one solve. */
  rowStarts: Int32Array = new Int32Array(1);
  rowIdx: Int32Array = new Int32Array(0);
  rowVal: Float64Array = new Float64Array(0);
  nzBuf: Int32Array;
  nzBuf2: Int32Array;
  colStart: Int32Array;
  colRow: Int32Array;
  colVal: Float64Array;
  fill: Int32Array;
  /** The last optimal basis (head and statuses), for warm starts. */
  savedHead: Int32Array;
  savedStat: Int8Array;
  hasSaved = false;
  /** The matrix of the model the saved basis belongs to: when the next model has the same A, B^-1 is reused as is. */
  savedStarts: Int32Array;
  savedIdx: Int32Array;
  savedVal: Float64Array;
  savedNnz = -1;
  /** Basis changes since B^-1 was last computed from scratch (carried across warm solves). */
  sinceRefactor = 0;

  constructor(n: number, m: number) {
    this.n = n;
    this.m = m;
    const N = n + m;
    this.N = N;
    this.lo = new Float64Array(N);
    this.up = new Float64Array(N);
    this.loT = new Float64Array(N);
    this.upT = new Float64Array(N);
    this.cost = new Float64Array(N);
    this.x = new Float64Array(N);
    this.d = new Float64Array(N);
    this.stat = new Int8Array(N);
    this.head = new Int32Array(m);
    this.binv = new Float64Array(m * m);
    this.work = new Float64Array(m * m);
    this.cB = new Float64Array(m);
    this.y = new Float64Array(m);
    this.alpha = new Float64Array(m);
    this.rhs = new Float64Array(m);
    this.nzBuf = new Int32Array(m);
    this.alphaNz = new Int32Array(m);
    this.nzBuf2 = new Int32Array(m);
    this.colStart = new Int32Array(n + 1);
    this.colRow = new Int32Array(16);
    this.colVal = new Float64Array(16);
    this.fill = new Int32Array(n);
    this.savedHead = new Int32Array(m);
    this.savedStat = new Int8Array(N);
    this.savedStarts = new Int32Array(m + 1);
    this.savedIdx = new Int32Array(16);
    this.savedVal = new Float64Array(16);
  }
}

/**
 * The workspace for this size from `cache`: kept up to WORKSPACES sizes of at most
 * CACHED_MAX_ROWS rows, the oldest dropped first; a larger model gets a fresh one that is
 * dropped after the solve (B^-1 of 2000 rows is 32 MB).
 */
function workspaceIn(cache: Map<string, Workspace>, n: number, m: number): Workspace {
  if (m > CACHED_MAX_ROWS) return new Workspace(n, m);
  const key = `${n}x${m}`;
  let ws = cache.get(key);
  if (ws === undefined) {
    if (cache.size >= WORKSPACES) cache.delete(cache.keys().next().value!);
    ws = new Workspace(n, m);
    cache.set(key, ws);
  }
  return ws;
}

/** Per-thread arrays for cold solves: never hold a basis (hasSaved stays false). */
const coldWorkspaces = new Map<string, Workspace>();

/**
 * An explicit warm start, owned by its caller (e.g. one per rolling-horizon MPC policy, cleared
 * at every episode reset): solves given this handle start from the last optimal basis it saw
 * for a model of the same size (and keep B^-1 when the matrix is bit-identical), so their
 * results depend on the model and on this handle's own solve history, nothing else. Models of
 * more than CACHED_MAX_ROWS rows always solve cold. Not for sharing between callers whose
 * results must not depend on each other.
 */
export class SimplexWarmStart {
  /** Forgets every saved basis: the next solves with this handle are cold (arrays are kept). */
  clear(): void {
    for (const ws of handleWorkspaces(this).values()) ws.hasSaved = false;
  }

  /** Whether a basis is saved for a model of this size (columns, rows). */
  hasBasis(numVars: number, numRows: number): boolean {
    return handleWorkspaces(this).get(`${numVars}x${numRows}`)?.hasSaved === true;
  }
}

/** Each handle's own workspaces (no other solve touches them). */
const handleCaches = new WeakMap<SimplexWarmStart, Map<string, Workspace>>();

function handleWorkspaces(handle: SimplexWarmStart): Map<string, Workspace> {
  let cache = handleCaches.get(handle);
  if (cache === undefined) {
    cache = new Map();
    handleCaches.set(handle, cache);
  }
  return cache;
}

/** Loads bounds, costs and the column-wise copy of A into the workspace. */
function load(ws: Workspace, model: LpModel): void {
  const { n, m } = ws;
  ws.lo.set(model.colLower);
  ws.up.set(model.colUpper);
  ws.cost.set(model.colCost);
  ws.lo.set(model.rowLower, n);
  ws.up.set(model.rowUpper, n);
  ws.cost.fill(0, n);
  for (let j = 0; j < n + m; j++) {
    ws.loT[j] = ws.lo[j]! - feasTol(ws.lo[j]!);
    ws.upT[j] = ws.up[j]! + feasTol(ws.up[j]!);
  }
  const nnz = model.numNonzeros;
  if (ws.colRow.length < nnz) {
    ws.colRow = new Int32Array(nnz * 2);
    ws.colVal = new Float64Array(nnz * 2);
  }
  const starts = model.rowStarts;
  const idx = model.rowIndices;
  const val = model.rowValues;
  ws.rowStarts = starts;
  ws.rowIdx = idx;
  ws.rowVal = val;
  const cs = ws.colStart;
  cs.fill(0);
  for (let k = 0; k < nnz; k++) cs[idx[k]! + 1]++;
  for (let j = 0; j < n; j++) cs[j + 1] += cs[j]!;
  const fill = ws.fill;
  fill.set(cs.subarray(0, n));
  const colRow = ws.colRow;
  const colVal = ws.colVal;
  for (let i = 0; i < m; i++) {
    for (let k = starts[i]!; k < starts[i + 1]!; k++) {
      const p = fill[idx[k]!]++;
      colRow[p] = i;
      colVal[p] = val[k]!;
    }
  }
}

/** Places nonbasic column j at the bound its status names (adjusted to the bounds that exist). */
function placeNonbasic(ws: Workspace, j: number, preferred: number): void {
  const lo = ws.lo[j]!;
  const up = ws.up[j]!;
  let s = preferred;
  if (s === AT_UPPER && up === Infinity) s = AT_LOWER;
  if (s === AT_LOWER && lo === -Infinity) s = AT_UPPER;
  if (s === AT_UPPER && up === Infinity) s = AT_ZERO;
  if (s === AT_ZERO && lo > -Infinity) s = AT_LOWER;
  if (s === AT_ZERO && up < Infinity) s = AT_UPPER;
  ws.stat[j] = s;
  ws.x[j] = s === AT_LOWER ? lo : s === AT_UPPER ? up : 0;
}

/** alpha = B^-1 a_j for column j of [A | -I], and the list of its nonzero positions. */
function ftran(ws: Workspace, j: number): void {
  const { n, m, binv, alpha, alphaNz } = ws;
  if (j >= n) {
    const i = j - n;
    for (let r = 0; r < m; r++) alpha[r] = -binv[r * m + i]!;
  } else {
    alpha.fill(0);
    const colRow = ws.colRow;
    const colVal = ws.colVal;
    for (let k = ws.colStart[j]!; k < ws.colStart[j + 1]!; k++) {
      const i = colRow[k]!;
      const v = colVal[k]!;
      for (let r = 0; r < m; r++) alpha[r] += binv[r * m + i]! * v;
    }
  }
  let count = 0;
  for (let r = 0; r < m; r++) if (alpha[r] !== 0) alphaNz[count++] = r;
  ws.alphaCount = count;
}

/** Recomputes the basic values from the nonbasic ones: x_B = -B^-1 (sum_nonbasic a_j x_j). */
function computeBasics(ws: Workspace): void {
  const { n, m, N, x, stat, binv, head } = ws;
  const rhs = ws.rhs; // w = sum over nonbasic a_j x_j
  rhs.fill(0);
  const colRow = ws.colRow;
  const colVal = ws.colVal;
  for (let j = 0; j < n; j++) {
    if (stat[j] === BASIC) continue;
    const xj = x[j]!;
    if (xj === 0) continue;
    for (let k = ws.colStart[j]!; k < ws.colStart[j + 1]!; k++) rhs[colRow[k]!] += colVal[k]! * xj;
  }
  for (let j = n; j < N; j++) if (stat[j] !== BASIC) rhs[j - n] -= x[j]!;
  for (let r = 0; r < m; r++) {
    let s = 0;
    const off = r * m;
    for (let i = 0; i < m; i++) s += binv[off + i]! * rhs[i]!;
    x[head[r]!] = -s;
  }
}

/** B^-1 from scratch by Gauss-Jordan with partial pivoting; false when B is singular. */
function refactor(ws: Workspace): boolean {
  const { n, m, head, binv, work, nzBuf } = ws;
  const nzw = ws.nzBuf2;
  work.fill(0);
  // work[i * m + r] = B[i][r] = entry of basic column head[r] in row i
  for (let r = 0; r < m; r++) {
    const j = head[r]!;
    if (j >= n) work[(j - n) * m + r] = -1;
    else for (let k = ws.colStart[j]!; k < ws.colStart[j + 1]!; k++) work[ws.colRow[k]! * m + r] = ws.colVal[k]!;
  }
  binv.fill(0);
  for (let i = 0; i < m; i++) binv[i * m + i] = 1;
  // Row-reduce [B | I] to [I | B^-1]: rows of the result are indexed by basis position r.
  for (let c = 0; c < m; c++) {
    let p = -1;
    let best = SINGULAR_TOL;
    for (let i = c; i < m; i++) {
      const a = Math.abs(work[i * m + c]!);
      if (a > best) { best = a; p = i; }
    }
    if (p < 0) return false;
    if (p !== c) {
      for (let k = 0; k < m; k++) {
        let t = work[p * m + k]!; work[p * m + k] = work[c * m + k]!; work[c * m + k] = t;
        t = binv[p * m + k]!; binv[p * m + k] = binv[c * m + k]!; binv[c * m + k] = t;
      }
    }
    const inv = 1 / work[c * m + c]!;
    const cOff = c * m;
    // Nonzeros of pivot row c: columns >= c of work (tagged +k), all columns of binv (-1-k).
    let nz = 0;
    for (let k = c; k < m; k++) if (work[cOff + k] !== 0) { work[cOff + k] *= inv; nzw[nz++] = k; }
    let nzb = 0;
    for (let k = 0; k < m; k++) if (binv[cOff + k] !== 0) { binv[cOff + k] *= inv; nzBuf[nzb++] = k; }
    for (let i = 0; i < m; i++) {
      if (i === c) continue;
      const off = i * m;
      const f = work[off + c]!;
      if (f === 0) continue;
      for (let t = 0; t < nz; t++) { const k = nzw[t]!; work[off + k] -= f * work[cOff + k]!; }
      for (let t = 0; t < nzb; t++) { const k = nzBuf[t]!; binv[off + k] -= f * binv[cOff + k]!; }
    }
  }
  return true;
}

/**
 * Basis change at position p with pivot alpha[p]: the product-form update of B^-1, row p
 * divided by alpha[p] and alpha[r] times it taken from every other row r. Only the nonzeros of
 * row p and of alpha are visited: on the MPC LPs both hold ~5 of 49 entries, so the O(m^2)
 * update costs O(m + nz(alpha) nz(row p)).
 */
function pivot(ws: Workspace, p: number): number {
  const { m, binv, alpha, nzBuf, alphaNz } = ws;
  const inv = 1 / alpha[p]!;
  const pOff = p * m;
  let nz = 0;
  for (let k = 0; k < m; k++) {
    const v = binv[pOff + k]!;
    if (v !== 0) {
      binv[pOff + k] = v * inv;
      nzBuf[nz++] = k;
    }
  }
  const count = ws.alphaCount;
  for (let c = 0; c < count; c++) {
    const r = alphaNz[c]!;
    if (r === p) continue;
    const f = alpha[r]!;
    const off = r * m;
    for (let t = 0; t < nz; t++) {
      const k = nzBuf[t]!;
      binv[off + k] -= f * binv[pOff + k]!;
    }
  }
  return nz;
}

/** Duals y = B^-T cB, from scratch (O(m^2)). */
function computeY(ws: Workspace): void {
  const { m, binv, cB, y } = ws;
  y.fill(0);
  for (let r = 0; r < m; r++) {
    const cr = cB[r]!;
    if (cr === 0) continue;
    const off = r * m;
    for (let i = 0; i < m; i++) y[i] += cr * binv[off + i]!;
  }
}

/** Reduced costs d = c - [A | -I]'y (c = 0 for the structurals in phase 1; basic entries ~0). */
function computeReducedCosts(ws: Workspace, phase1: boolean): void {
  const { n, N, y, d, cost } = ws;
  const colRow = ws.colRow;
  const colVal = ws.colVal;
  const cs = ws.colStart;
  for (let j = 0; j < n; j++) {
    let s = phase1 ? 0 : cost[j]!;
    for (let k = cs[j]!; k < cs[j + 1]!; k++) s -= colVal[k]! * y[colRow[k]!]!;
    d[j] = s;
  }
  for (let j = n; j < N; j++) d[j] = y[j - n]!; // c = 0, column -e_i
}

function feasTol(b: number): number {
  return FEAS_TOL * (1 + Math.abs(b));
}

/** Sets cB to the phase 1 costs; returns the number of infeasible basics. */
function phase1Costs(ws: Workspace): number {
  const { m, head, x, loT, upT, cB } = ws;
  let count = 0;
  for (let r = 0; r < m; r++) {
    const j = head[r]!;
    const v = x[j]!;
    if (v < loT[j]!) { cB[r] = -1; count++; }
    else if (v > upT[j]!) { cB[r] = 1; count++; }
    else cB[r] = 0;
  }
  return count;
}

/** Sets up the slack basis with free columns crashed into it. */
function coldStart(ws: Workspace): void {
  const { n, m, head, binv, stat } = ws;
  for (let j = 0; j < n; j++) placeNonbasic(ws, j, AT_LOWER);
  binv.fill(0);
  for (let i = 0; i < m; i++) {
    head[i] = n + i;
    stat[n + i] = BASIC;
    binv[i * m + i] = -1;
  }
  // Crash: free structural columns into the basis, each replacing the slack with the largest
  // |alpha| (fixed slacks first: equality rows need a structural basic anyway).
  for (let j = 0; j < n; j++) {
    if (ws.lo[j] !== -Infinity || ws.up[j] !== Infinity) continue;
    ftran(ws, j);
    let p = -1;
    let best = 1e-7;
    for (let pass = 0; pass < 2 && p < 0; pass++) {
      for (let r = 0; r < m; r++) {
        const h = head[r]!;
        if (h < n || (pass === 0 && ws.lo[h] !== ws.up[h])) continue;
        const a = Math.abs(ws.alpha[r]!);
        if (a > best) { best = a; p = r; }
      }
    }
    if (p < 0) continue;
    const leaving = head[p]!;
    pivot(ws, p);
    head[p] = j;
    stat[j] = BASIC;
    placeNonbasic(ws, leaving, AT_LOWER);
  }
  computeBasics(ws);
}

/** Whether `model` has the matrix of the saved basis (then B^-1 of that basis is still valid). */
function sameMatrix(ws: Workspace, model: LpModel): boolean {
  const nnz = model.numNonzeros;
  if (nnz !== ws.savedNnz) return false;
  const starts = model.rowStarts;
  const idx = model.rowIndices;
  const val = model.rowValues;
  const s0 = ws.savedStarts;
  const i0 = ws.savedIdx;
  const v0 = ws.savedVal;
  for (let i = 0; i <= ws.m; i++) if (starts[i] !== s0[i]) return false;
  for (let k = 0; k < nnz; k++) if (idx[k] !== i0[k] || val[k] !== v0[k]) return false;
  return true;
}

function saveBasis(ws: Workspace, model: LpModel): void {
  ws.savedHead.set(ws.head);
  ws.savedStat.set(ws.stat);
  const nnz = model.numNonzeros;
  if (ws.savedIdx.length < nnz) {
    ws.savedIdx = new Int32Array(nnz * 2);
    ws.savedVal = new Float64Array(nnz * 2);
  }
  ws.savedStarts.set(model.rowStarts);
  ws.savedIdx.set(model.rowIndices);
  ws.savedVal.set(model.rowValues);
  ws.savedNnz = nnz;
  ws.hasSaved = true;
}

/**
 * Tries the saved basis: B^-1 is kept when the matrix is unchanged (head and binv still hold
 * the last optimal basis), else recomputed; false (workspace left for a cold start) when singular.
 */
function warmStart(ws: Workspace, model: LpModel): boolean {
  const { N, m, head, stat } = ws;
  const keep = sameMatrix(ws, model);
  head.set(ws.savedHead);
  for (let j = 0; j < N; j++) stat[j] = AT_LOWER;
  for (let r = 0; r < m; r++) stat[head[r]!] = BASIC;
  if (!keep) {
    if (!refactor(ws)) return false;
    ws.sinceRefactor = 0;
    simplexStats.refactors++;
  }
  for (let j = 0; j < N; j++) if (stat[j] !== BASIC) placeNonbasic(ws, j, ws.savedStat[j]!);
  computeBasics(ws);
  return true;
}

function size(model: LpModel): string {
  return model.describeSize();
}

/**
 * Solves `model` and returns x, certified optimal (see the file header), or throws SolverError
 * (infeasible, unbounded, timeout, verification, backend).
 */
export function solveWithSimplex(model: LpModel, opts: SimplexOptions): Float64Array {
  const t0 = performance.now();
  const timeLimitMs = opts.timeLimitS * 1000;
  const maxIterations = opts.maxIterations ?? SIMPLEX_MAX_ITERATIONS;
  const n = model.numVars;
  const m = model.numRows;
  if (m > SIMPLEX_MAX_ROWS) {
    throw new SolverError("backend", `simplex: model (${size(model)}) expected <= ${SIMPLEX_MAX_ROWS} rows for a dense basis inverse, got ${m}; use the highs backend`);
  }
  const handle = opts.warmStart;
  if (handle !== undefined && !(handle instanceof SimplexWarmStart)) {
    throw new SolverError("backend", `simplex: warmStart expected a handle from createWarmStart(), got ${typeof handle}`);
  }
  const ws = workspaceIn(handle !== undefined ? handleWorkspaces(handle) : coldWorkspaces, n, m);
  load(ws, model);
  simplexStats.iterations = 0;
  simplexStats.phase1Iterations = 0;
  simplexStats.refactors = 0;
  simplexStats.warmStarted = false;

  if (handle !== undefined && ws.hasSaved && warmStart(ws, model)) {
    simplexStats.warmStarted = true;
  } else {
    coldStart(ws);
    ws.sinceRefactor = 0;
  }
  ws.hasSaved = false;

  const { N, lo, up, loT, upT, x, d, stat, head, alpha, alphaNz, cB, cost } = ws;
  let costScale = 1;
  for (let j = 0; j < n; j++) costScale = Math.max(costScale, Math.abs(cost[j]!));

  let iter = 0;
  let sinceRefactor = ws.sinceRefactor;
  let degenerate = 0;
  /** x_B recomputed from B^-1 since the last move; B^-1 recomputed since the last pivot. */
  let cleanValues = true;
  let cleanInverse = sinceRefactor === 0;
  /** Phase 2 duals of the current basis in ws.y (updated per pivot), and whether from scratch. */
  let yCurrent = false;
  let yFresh = false;
  let xs: Float64Array;
  for (;;) {
    if (iter >= maxIterations) {
      throw new SolverError("timeout", `simplex: model (${size(model)}) expected an optimum within ${maxIterations} iterations, got none (iteration cap)`);
    }
    if ((iter & 31) === 31 && performance.now() - t0 > timeLimitMs) {
      throw new SolverError("timeout", `simplex: model (${size(model)}) expected a solve within ${opts.timeLimitS} s, got ${((performance.now() - t0) / 1000).toFixed(3)} s after ${iter} iterations`);
    }
    if (sinceRefactor >= REFACTOR_EVERY) {
      if (!refactor(ws)) throw new SolverError("backend", `simplex: model (${size(model)}) basis became singular at iteration ${iter}`);
      computeBasics(ws);
      simplexStats.refactors++;
      sinceRefactor = 0;
      cleanInverse = true;
      cleanValues = true;
      yCurrent = false;
    }
    const infeasible = phase1Costs(ws);
    const phase1 = infeasible > 0;
    if (phase1) {
      computeY(ws);
      computeReducedCosts(ws, true);
      yCurrent = false;
    } else if (!yCurrent) {
      for (let r = 0; r < m; r++) cB[r] = cost[head[r]!]!;
      computeY(ws);
      computeReducedCosts(ws, false);
      yCurrent = true;
      yFresh = true;
    } // else y and d were updated with the last pivot

    // Pricing.
    const bland = degenerate >= DEGENERATE_RUN;
    const dtol = phase1 ? DUAL_TOL : DUAL_TOL * costScale;
    let q = -1;
    let bestGain = 0;
    for (let j = 0; j < N; j++) {
      const s = stat[j];
      if (s === BASIC) continue;
      const dj = d[j]!;
      let gain: number;
      if (s === AT_LOWER) {
        if (lo[j] === up[j] || dj >= -dtol) continue;
        gain = -dj;
      } else if (s === AT_UPPER) {
        if (lo[j] === up[j] || dj <= dtol) continue;
        gain = dj;
      } else {
        gain = Math.abs(dj);
        if (gain <= dtol) continue;
      }
      if (bland) { q = j; break; }
      if (gain > bestGain) { bestGain = gain; q = j; }
    }

    if (q < 0) {
      // No improving column: an optimum of the current phase. Make sure it is not drift: first
      // basic values recomputed from B^-1, then (if the verdict still fails) B^-1 itself.
      if (!cleanValues) {
        computeBasics(ws);
        cleanValues = true;
        continue;
      }
      if (phase1) {
        if (!cleanInverse) {
          if (!refactor(ws)) throw new SolverError("backend", `simplex: model (${size(model)}) final basis is singular`);
          computeBasics(ws);
          simplexStats.refactors++;
          sinceRefactor = 0;
          cleanInverse = true;
          continue;
        }
        let worst = 0;
        let worstJ = -1;
        for (let r = 0; r < m; r++) {
          const j = head[r]!;
          const v = Math.max(lo[j]! - x[j]!, x[j]! - up[j]!);
          if (v > worst) { worst = v; worstJ = j; }
        }
        const what = worstJ < 0 ? "" : worstJ < n ? `column ${model.colName(worstJ)}` : `row ${model.rowName(worstJ - n)}`;
        throw new SolverError("infeasible", `simplex: model (${size(model)}) is infeasible (phase 1 optimum leaves ${infeasible} bound violations, worst ${what} by ${worst.toExponential(2)})`);
      }
      // Certificate at the final basis, from the model itself: it does not trust the updated
      // y, so a y that passes is a proof; one that fails is recomputed from B^-1 (and pricing
      // resumes), then B^-1 itself, before the verdict.
      xs = x.slice(0, n);
      const cert = certifyOptimality(model, xs, ws.y);
      if (cert.ok) break;
      if (!yFresh) {
        yCurrent = false;
        continue;
      }
      if (!cleanInverse) {
        if (!refactor(ws)) throw new SolverError("backend", `simplex: model (${size(model)}) final basis is singular`);
        computeBasics(ws);
        simplexStats.refactors++;
        sinceRefactor = 0;
        cleanInverse = true;
        yCurrent = false;
        continue;
      }
      throw new SolverError("verification", `simplex: model (${size(model)}) optimality certificate failed: ${cert.failure}`);
    }

    // Ratio test along the direction of q.
    ftran(ws, q);
    const dir = d[q]! < 0 ? 1 : -1;
    const flip = up[q]! - lo[q]!; // Infinity when one side is open
    let thetaMax = Infinity;
    const alphaCount = ws.alphaCount;
    for (let c = 0; c < alphaCount; c++) {
      const r = alphaNz[c]!;
      const a = alpha[r]!;
      if (Math.abs(a) <= PIVOT_TOL) continue;
      const j = head[r]!;
      const delta = -dir * a;
      const v = x[j]!;
      let t: number;
      if (delta < 0) {
        if (v > upT[j]!) t = (v - up[j]!) / -delta;
        else if (lo[j]! > -Infinity && v >= loT[j]!) t = (bland ? v - lo[j]! : v - loT[j]!) / -delta;
        else continue;
      } else {
        if (v < loT[j]!) t = (lo[j]! - v) / delta;
        else if (up[j]! < Infinity && v <= upT[j]!) t = (bland ? up[j]! - v : upT[j]! - v) / delta;
        else continue;
      }
      if (t < thetaMax) thetaMax = t;
    }
    let p = -1;
    let pBound = 0;
    let theta = 0;
    if (flip < Infinity && flip <= thetaMax) {
      theta = flip;
    } else if (thetaMax === Infinity) {
      if (phase1) throw new SolverError("backend", `simplex: model (${size(model)}) phase 1 found no ratio limit (numerical trouble)`);
      throw new SolverError("unbounded", `simplex: model (${size(model)}) is unbounded (column ${q < n ? model.colName(q) : model.rowName(q - n)} improves without limit)`);
    } else {
      // Pass 2: among rows whose exact ratio is within thetaMax, the largest |alpha| (Bland:
      // the smallest basic index among the smallest exact ratios).
      let bestA = 0;
      let bestT = Infinity;
      for (let c = 0; c < alphaCount; c++) {
        const r = alphaNz[c]!;
        const a = alpha[r]!;
        if (Math.abs(a) <= PIVOT_TOL) continue;
        const j = head[r]!;
        const delta = -dir * a;
        const v = x[j]!;
        let t: number;
        let bound: number;
        if (delta < 0) {
          if (v > upT[j]!) bound = up[j]!;
          else if (lo[j]! > -Infinity && v >= loT[j]!) bound = lo[j]!;
          else continue;
          t = (v - bound) / -delta;
        } else {
          if (v < loT[j]!) bound = lo[j]!;
          else if (up[j]! < Infinity && v <= upT[j]!) bound = up[j]!;
          else continue;
          t = (bound - v) / delta;
        }
        if (t > thetaMax) continue;
        if (bland) {
          if (t < bestT - 1e-12 || (t <= bestT + 1e-12 && (p < 0 || j < head[p]!))) { bestT = t; p = r; pBound = bound; }
        } else if (Math.abs(a) > bestA) {
          bestA = Math.abs(a); p = r; pBound = bound; bestT = t;
        }
      }
      if (p < 0) throw new SolverError("backend", `simplex: model (${size(model)}) ratio test found no pivot (numerical trouble)`);
      theta = Math.max(0, bestT);
    }

    // Move.
    const step = dir * theta;
    if (step !== 0) {
      x[q] += step;
      for (let c = 0; c < alphaCount; c++) {
        const r = alphaNz[c]!;
        x[head[r]!] -= step * alpha[r]!;
      }
    }
    degenerate = theta <= 1e-12 ? degenerate + 1 : 0;
    iter++;
    cleanValues = false;
    if (phase1) simplexStats.phase1Iterations++;
    if (p < 0) {
      // Bound flip: q stays nonbasic at its other bound.
      stat[q] = dir > 0 ? AT_UPPER : AT_LOWER;
      x[q] = dir > 0 ? up[q]! : lo[q]!;
      continue;
    }
    const leaving = head[p]!;
    const dq = d[q]!;
    const rowNz = pivot(ws, p);
    if (yCurrent) {
      // Phase 2: y += (d_q / alpha_p) (row p of the old B^-1) = d_q (row p of the new one), and
      // d_j -= d_q (row p of the new B^-1) a_j, visiting only that row's nonzeros (nzBuf) and
      // the model rows they name.
      const y = ws.y;
      const binv = ws.binv;
      const nzBuf = ws.nzBuf;
      const rs = ws.rowStarts;
      const ri = ws.rowIdx;
      const rv = ws.rowVal;
      const off = p * m;
      for (let t = 0; t < rowNz; t++) {
        const i = nzBuf[t]!;
        const g = dq * binv[off + i]!;
        y[i] += g;
        d[n + i] += g;
        for (let k = rs[i]!; k < rs[i + 1]!; k++) d[ri[k]!] -= g * rv[k]!;
      }
      d[q] = 0;
      yFresh = false;
    }
    head[p] = q;
    stat[q] = BASIC;
    stat[leaving] = pBound === up[leaving] && lo[leaving] !== up[leaving] ? AT_UPPER : AT_LOWER;
    x[leaving] = pBound;
    sinceRefactor++;
    cleanInverse = false;
  }
  simplexStats.iterations = iter;
  ws.sinceRefactor = sinceRefactor;
  if (handle !== undefined && m <= CACHED_MAX_ROWS) saveBasis(ws, model);
  const elapsedMs = performance.now() - t0;
  if (elapsedMs > timeLimitMs) {
    throw new SolverError("timeout", `simplex: model (${size(model)}) expected a solve within ${opts.timeLimitS} s, got ${(elapsedMs / 1000).toFixed(3)} s`);
  }
  return xs;
}

/**
 * The point and row duals of a given basis, for tests of the certificate: `basic` lists m
 * column indices of [A | -I] (n + i is the slack of row i); every other column sits at its
 * lower bound (upper when `atUpper` names it, 0 when free).
 */
export function basisPoint(model: LpModel, basic: readonly number[], atUpper: readonly number[] = []): { x: Float64Array; y: Float64Array } {
  const n = model.numVars;
  const m = model.numRows;
  if (basic.length !== m) throw new SolverError("backend", `simplex: basis expected ${m} columns, got ${basic.length}`);
  const ws = new Workspace(n, m);
  load(ws, model);
  for (let j = 0; j < ws.N; j++) ws.stat[j] = AT_LOWER;
  basic.forEach((j, r) => { ws.head[r] = j; ws.stat[j] = BASIC; });
  if (!refactor(ws)) throw new SolverError("backend", `simplex: basis is singular`);
  const upper = new Set(atUpper);
  for (let j = 0; j < ws.N; j++) if (ws.stat[j] !== BASIC) placeNonbasic(ws, j, upper.has(j) ? AT_UPPER : AT_LOWER);
  computeBasics(ws);
  for (let r = 0; r < m; r++) ws.cB[r] = ws.cost[ws.head[r]!]!;
  computeY(ws);
  computeReducedCosts(ws, false);
  return { x: Float64Array.from(ws.x.subarray(0, n)), y: Float64Array.from(ws.y) };
}
