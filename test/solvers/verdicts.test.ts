import { strict as assert } from "node:assert";
import fc from "fast-check";
import { SolverError } from "../../src/core/errors.js";
import { loadHighs, solveWithHighs } from "../../src/solvers/backends/highs.js";
import { solveWithJsls } from "../../src/solvers/backends/jsls.js";
import { LpModel, assertOptimal, createSolver, syncSolver, verifySolution, type Solver } from "../../src/solvers/index.js";

/** A random LP feasible by construction: rows are bounded around A x0 for a point x0 inside the box. */
interface RandomLp {
  model: LpModel;
  x0: Float64Array;
}

const lpArb = fc.record({
  n: fc.integer({ min: 1, max: 7 }),
  m: fc.integer({ min: 1, max: 7 }),
  seedValues: fc.array(fc.integer({ min: -9, max: 9 }), { minLength: 7 * 7 + 7 * 6, maxLength: 7 * 7 + 7 * 6 }),
  kinds: fc.array(fc.constantFrom("eq", "le", "ge", "range", "free-lb"), { minLength: 7, maxLength: 7 }),
}).map(({ n, m, seedValues, kinds }): RandomLp => {
  let k = 0;
  const next = (): number => seedValues[k++ % seedValues.length]!;
  const model = new LpModel();
  const x0 = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const lb = next() / 3;
    const width = Math.abs(next()) / 2 + 0.5;
    x0[j] = lb + width * ((Math.abs(next()) % 10) / 10);
    model.addVar(`x${j}`, lb, lb + width, next() / 4);
  }
  for (let i = 0; i < m; i++) {
    const vars: number[] = [];
    const coefs: number[] = [];
    let act = 0;
    for (let j = 0; j < n; j++) {
      const a = next() / 2;
      if (a === 0) continue;
      vars.push(j);
      coefs.push(a);
      act += a * x0[j]!;
    }
    const kind = kinds[i % kinds.length]!;
    const slack = Math.abs(next()) / 4;
    const lb = kind === "le" || kind === "free-lb" ? -Infinity : kind === "eq" ? act : act - slack;
    const ub = kind === "ge" ? Infinity : kind === "eq" ? act : act + slack;
    model.addRow(`r${i}`, vars, coefs, lb, ub);
  }
  return { model, x0 };
});

function outcome(solver: Solver, model: LpModel): { objective: number } | SolverError {
  try {
    return solver.solve(model);
  } catch (err) {
    if (err instanceof SolverError) return err;
    throw err;
  }
}

describe("LP verdicts are verified on every backend (issue 15, finding 14)", function () {
  this.timeout(60_000);
  let solvers: Record<string, Solver>;
  before(async () => {
    solvers = {
      auto: await createSolver(),
      simplex: await createSolver({ backend: "simplex" }),
      jsls: await createSolver({ backend: "jsls" }),
      highs: await createSolver({ backend: "highs" }),
      sync: syncSolver(),
    };
  });

  it("no backend calls any of 200 random feasible LPs infeasible, and all agree on the optimum", () => {
    fc.assert(
      fc.property(lpArb, ({ model, x0 }) => {
        assert.ok(verifySolution(model, x0).ok, "the construction is feasible");
        const objectives: Record<string, number> = {};
        for (const [name, solver] of Object.entries(solvers)) {
          const r = outcome(solver, model);
          assert.ok(!(r instanceof SolverError), `${name}: ${r instanceof SolverError ? r.message : ""}`);
          objectives[name] = r.objective;
        }
        const values = Object.values(objectives);
        const best = Math.min(...values);
        for (const [name, v] of Object.entries(objectives)) {
          assert.ok(v - best <= 1e-6 * Math.max(1, Math.abs(best)), `${name}: objective ${v}, best ${best} (${JSON.stringify(objectives)})`);
        }
      }),
      { numRuns: 200, seed: 14 },
    );
  });

  it("a feasible but suboptimal point does not pass the optimality check, whatever duals come with it", async () => {
    const highs = await loadHighs();
    let checked = 0;
    fc.assert(
      fc.property(lpArb, fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 7, maxLength: 7 }), ({ model, x0 }, junkDuals) => {
        const duals: { rowDual: Float64Array | null } = { rowDual: null };
        const x = solveWithHighs(highs, model, 5, duals);
        assertOptimal(model, x, duals.rowDual!, "highs");
        const optimum = model.objectiveAt(x);
        if (model.objectiveAt(x0) - optimum <= 1e-4 * Math.max(1, Math.abs(optimum))) return;
        checked++;
        for (const y of [duals.rowDual!, Float64Array.from({ length: model.numRows }, (_, i) => junkDuals[i]!), new Float64Array(model.numRows)]) {
          assert.throws(() => assertOptimal(model, x0, y, "x0"), (e: unknown) => e instanceof SolverError && e.reason === "verification");
        }
      }),
      { numRuns: 200, seed: 15 },
    );
    assert.ok(checked > 50, `only ${checked} suboptimal points checked`);
  });

  it("a row violated by 1e-7 gets the same answer from every backend: optimal within the one tolerance", () => {
    const model = new LpModel();
    const x = model.addVar("x", 0, 1, 1);
    model.addRow("need", [x], [1], 1 + 1e-7, Infinity);
    for (const [name, solver] of Object.entries(solvers)) {
      const r = outcome(solver, model);
      assert.ok(!(r instanceof SolverError), `${name}: ${r instanceof SolverError ? r.message : ""}`);
      assert.ok(Math.abs(r.objective - 1) < 1e-6, `${name}: ${r.objective}`);
    }
    // beyond the tolerance it is infeasible to every backend, each verdict confirmed by another
    model.setRowBounds(0, 1.001, Infinity);
    for (const [name, solver] of Object.entries(solvers)) {
      const r = outcome(solver, model);
      assert.ok(r instanceof SolverError && r.reason === "infeasible", `${name}: ${r instanceof SolverError ? r.message : "solved"}`);
      assert.match(r.message, /confirmed by (simplex|jsls|highs)/);
    }
  });

  it("an unbounded verdict is confirmed by a second backend", () => {
    const model = new LpModel();
    const a = model.addVar("a", 0, Infinity, -1);
    const b = model.addVar("b", -Infinity, Infinity);
    model.addRow("link", [a, b], [1, -2], -1, 1);
    for (const [name, solver] of Object.entries(solvers)) {
      const r = outcome(solver, model);
      assert.ok(r instanceof SolverError && r.reason === "unbounded", `${name}: ${r instanceof SolverError ? r.message : "solved"}`);
      assert.match(r.message, /confirmed by/);
    }
  });

  it("jsls stops at its time limit instead of finishing a long solve", () => {
    // a dense 600 x 600 LP: loading it into javascript-lp-solver and pivoting its tableau takes a while
    const model = new LpModel();
    const n = 600;
    for (let j = 0; j < n; j++) model.addVar(`x${j}`, 0, 100, -1 - (j % 7));
    for (let i = 0; i < n; i++) {
      const vars = Array.from({ length: n }, (_, j) => j);
      model.addRow(`r${i}`, vars, vars.map((j) => 1 + ((i * 31 + j * 17) % 13)), -Infinity, 1000 + i);
    }
    solveWithJsls(model, 100);
    let t0 = performance.now();
    solveWithJsls(model, 100);
    const full = performance.now() - t0;
    t0 = performance.now();
    assert.throws(() => solveWithJsls(model, 0.005), (e: unknown) => e instanceof SolverError && e.reason === "timeout");
    const limited = performance.now() - t0;
    // measured on the same machine in the same run (the load of other processes cancels): the limit
    // plus our translation of the model, its presolve sweep and one pivot, far less than the whole solve
    assert.ok(limited < 0.5 * full, `stopped after ${limited.toFixed(0)} ms against a 5 ms limit; the whole solve takes ${full.toFixed(0)} ms`);
  });
});
