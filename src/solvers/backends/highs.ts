/**
 * LP backend on HiGHS compiled to WebAssembly (npm "highs"): a sparse dual simplex with
 * presolve, fast from a few hundred columns up to the 8760-hour models of the baselines.
 *
 * The model goes in as structured CSR arrays (highs-js persistent API, `createModel(ModelData)`)
 * rather than CPLEX LP text through `highs.solve(text)`: doubles pass bit-exact, free columns
 * are plain -Infinity bounds, no LP-reader line limits apply, and it is faster. Measured on the
 * 8760-hour community LP (35040 columns): LP text is 3.0 MB, 93 ms to write plus 1490 ms in
 * `highs.solve`; the arrays solve in 600 ms.
 *
 * The Wasm runtime loads asynchronously once per thread (a module-level lazy promise); solving
 * is synchronous. A HiGHS runtime is not re-entrant, so a solve started while another is on
 * the stack (e.g. from a callback) is refused with SolverError("backend").
 */
import highsDefault from "highs";
import type { Highs, Model as HighsModel } from "highs";
import { SolverError } from "../../core/errors.js";
import type { LpModel } from "../model.js";

type Loader = () => Promise<Highs>;
/**
 * The package's typings are read as CommonJS under NodeNext (the loader would be
 * `default.default`), while its ESM build exports the loader itself as `default`.
 */
const highsLoader = ((highsDefault as unknown as { default?: Loader }).default ?? highsDefault) as unknown as Loader;

let loading: Promise<Highs> | null = null;
let busy = false;

/** The thread's HiGHS runtime, loaded on first call; a failed load is retried on the next call. */
export function loadHighs(): Promise<Highs> {
  if (loading !== null) return loading;
  const pending = highsLoader().catch((err: unknown) => {
    loading = null;
    throw new SolverError("backend", `highs: wasm runtime expected to load, got ${err instanceof Error ? err.message : String(err)}`);
  });
  loading = pending;
  return pending;
}

function statusName(highs: Highs, code: number): string {
  for (const [name, value] of Object.entries(highs.constants.modelStatus)) if (value === code) return name;
  return `code ${code}`;
}

/**
 * Solves `model` and returns x, or throws SolverError (infeasible, unbounded, timeout, backend).
 * With `duals`, an optimal solve also leaves HiGHS's row duals there (for the optimality check of
 * ../index.ts).
 */
export function solveWithHighs(highs: Highs, model: LpModel, timeLimitS: number, duals?: { rowDual: Float64Array | null }): Float64Array {
  const size = model.describeSize();
  if (busy) {
    throw new SolverError("backend", `highs: solve of model (${size}) expected no solve in progress on this thread, got a re-entrant call`);
  }
  busy = true;
  let hm: HighsModel | null = null;
  try {
    hm = highs.createModel({
      numCols: model.numVars,
      numRows: model.numRows,
      colCost: model.colCost,
      colLower: model.colLower,
      colUpper: model.colUpper,
      rowLower: model.rowLower,
      rowUpper: model.rowUpper,
      matrix: {
        format: "csr",
        numRows: model.numRows,
        numCols: model.numVars,
        starts: model.rowStarts,
        indices: model.rowIndices,
        values: model.rowValues,
      },
    });
    hm.options.set({ output_flag: false, time_limit: timeLimitS });
    const S = highs.constants.modelStatus;
    let status: number = hm.run().modelStatus;
    if (status === S.unboundedOrInfeasible) {
      // Presolve proved "infeasible or unbounded" without saying which; the simplex on the
      // original model tells them apart.
      hm.options.set({ presolve: "off" });
      hm.clearSolver();
      status = hm.run().modelStatus;
    }
    const text = statusName(highs, status);
    switch (status) {
      case S.optimal: {
        const solution = hm.getSolution();
        if (duals !== undefined) duals.rowDual = Float64Array.from(solution.rowDual);
        return Float64Array.from(solution.colValue);
      }
      case S.empty:
        if (model.numVars === 0) {
          if (duals !== undefined) duals.rowDual = new Float64Array(model.numRows);
          return new Float64Array(0);
        }
        break;
      case S.infeasible:
        throw new SolverError("infeasible", `highs: model (${size}) is infeasible (status: ${text})`);
      case S.unbounded:
        throw new SolverError("unbounded", `highs: model (${size}) is unbounded (status: ${text})`);
      case S.unboundedOrInfeasible:
        throw new SolverError("infeasible", `highs: model (${size}) is infeasible or unbounded, HiGHS could not tell which (status: ${text})`);
      case S.timeLimit:
        throw new SolverError("timeout", `highs: model (${size}) expected a solve within ${timeLimitS} s, got status ${text}`);
    }
    throw new SolverError("backend", `highs: model (${size}) expected status optimal, got ${text}`);
  } catch (err) {
    if (err instanceof SolverError) throw err;
    throw new SolverError("backend", `highs: solve of model (${size}) threw: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    hm?.dispose();
    busy = false;
  }
}
