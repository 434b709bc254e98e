import { strict as assert } from "node:assert";
import { ConfigError, SolverError } from "../../src/core/errors.js";
import { Rng } from "../../src/core/rng.js";
import {
  AUTO_JSLS_MAX_TABLEAU_CELLS, AUTO_SIMPLEX_MAX_ROWS, chooseBackend, createSolver, LpModel, verifySolution, type BackendName, type Solver,
} from "../../src/solvers/index.js";
import { loadHighs, solveWithHighs } from "../../src/solvers/backends/highs.js";
import { jslsTableauCells } from "../../src/solvers/backends/jsls.js";
import { buildCommunityLp } from "../../src/planning/storage-lp.js";
import type { Highs } from "highs";

const round2 = (v: number): number => Math.round(v * 100) / 100;

/**
 * A random LP that is feasible by construction (row bounds placed around A x0 for a point x0
 * inside the column bounds) and bounded (a column's bound is finite on the side its cost pushes
 * towards). Mixes equalities, one- and two-sided rows, free and fixed columns.
 */
function randomFeasibleLp(rng: Rng): LpModel {
  const m = new LpModel();
  const n = 2 + rng.int(11);
  const rows = 1 + rng.int(10);
  const x0: number[] = [];
  for (let j = 0; j < n; j++) {
    const cost = rng.next() < 0.15 ? 0 : round2(rng.uniform(-5, 5));
    let lb = round2(rng.uniform(-5, 5));
    let ub = round2(lb + rng.uniform(0, 10));
    const kind = rng.next();
    if (kind < 0.05) ub = lb;
    else if (kind < 0.2 && cost >= 0) ub = Infinity;
    else if (kind < 0.35 && cost <= 0) lb = -Infinity;
    else if (kind < 0.4 && cost === 0) { lb = -Infinity; ub = Infinity; }
    m.addVar(`x${j}`, lb, ub, cost);
    const lo = lb === -Infinity ? (ub === Infinity ? -5 : ub - 5) : lb;
    const hi = ub === Infinity ? lo + 5 : ub;
    x0.push(lo + (hi - lo) * rng.next());
  }
  for (let i = 0; i < rows; i++) {
    const vars: number[] = [];
    const coefs: number[] = [];
    for (let j = 0; j < n; j++) {
      if (rng.next() < 0.5) {
        vars.push(j);
        coefs.push(round2(rng.uniform(-5, 5)) || 1);
      }
    }
    if (vars.length === 0) {
      vars.push(rng.int(n));
      coefs.push(1);
    }
    let activity = 0;
    for (let k = 0; k < vars.length; k++) activity += coefs[k]! * x0[vars[k]!]!;
    const kind = rng.next();
    const below = activity - rng.uniform(0, 3);
    const above = activity + rng.uniform(0, 3);
    if (kind < 0.25) m.addRow(`r${i}`, vars, coefs, activity, activity);
    else if (kind < 0.5) m.addRow(`r${i}`, vars, coefs, -Infinity, above);
    else if (kind < 0.75) m.addRow(`r${i}`, vars, coefs, below, Infinity);
    else m.addRow(`r${i}`, vars, coefs, below, above);
  }
  return m;
}

function solverError(fn: () => unknown): SolverError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SolverError, `expected SolverError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected a SolverError");
}

describe("LP backends", () => {
  let solvers: Record<Exclude<BackendName, "simplex">, Solver>;
  before(async () => {
    solvers = { highs: await createSolver({ backend: "highs" }), jsls: await createSolver({ backend: "jsls" }) };
  });

  it("both backends reach the same verified optimum on 200 seeded random feasible LPs", () => {
    const rng = new Rng(2024, "random-lp");
    let nontrivial = 0;
    for (let k = 0; k < 200; k++) {
      const model = randomFeasibleLp(rng);
      const h = solvers.highs.solve(model);
      const j = solvers.jsls.solve(model);
      assert.equal(h.backend, "highs");
      assert.equal(j.backend, "jsls");
      const tol = 1e-6 * Math.max(1, Math.abs(h.objective));
      assert.ok(Math.abs(h.objective - j.objective) <= tol,
        `LP #${k} (${model.describeSize()}): highs ${h.objective} vs jsls ${j.objective}`);
      assert.ok(verifySolution(model, h.x).ok && verifySolution(model, j.x).ok);
      assert.ok(h.maxViolation <= 1e-6 && j.maxViolation <= 1e-6);
      if (h.objective !== 0) nontrivial++;
    }
    assert.ok(nontrivial >= 190, `only ${nontrivial} of 200 LPs had a nonzero optimum`);
  });

  it("both backends classify an infeasible LP as infeasible", () => {
    const m = new LpModel();
    const a = m.addVar("a", 0, 1);
    const b = m.addVar("b", 0, 1);
    m.addRow("need", [a, b], [1, 1], 3, Infinity);
    for (const name of ["highs", "jsls"] as const) {
      const err = solverError(() => solvers[name].solve(m));
      assert.equal(err.reason, "infeasible", `${name}: ${err.message}`);
      assert.match(err.message, new RegExp(`^${name}: model \\(2 columns, 1 rows, 2 nonzeros\\) is infeasible`));
    }
  });

  it("both backends classify an unbounded LP as unbounded", () => {
    const m = new LpModel();
    const a = m.addVar("a", 0, Infinity, -1);
    const b = m.addVar("b", -Infinity, Infinity);
    m.addRow("link", [a, b], [1, -2], -1, 1);
    for (const name of ["highs", "jsls"] as const) {
      const err = solverError(() => solvers[name].solve(m));
      assert.equal(err.reason, "unbounded", `${name}: ${err.message}`);
      assert.match(err.message, new RegExp(`^${name}: model .* is unbounded`));
    }
  });

  it("both backends classify a solve past its time limit as timeout", () => {
    const { model } = buildCommunityLp({
      loadKw: Array.from({ length: 2000 }, (_, t) => 300 + 100 * Math.sin(t / 3)),
      pvKw: new Float64Array(2000),
      priceEurPerKwh: Array.from({ length: 2000 }, (_, t) => 0.1 + 0.05 * Math.sin(t / 4)),
      dtHours: 1, capacityKwh: 1200, maxPowerKw: 600, efficiency: 0.95, initialEnergyKwh: 600,
      objective: "arbitrage", terminal: { kind: "equal-throughput" },
    });
    const h = solverError(() => solvers.highs.solve(model, { timeLimitS: 1e-3 }));
    assert.equal(h.reason, "timeout", h.message);
    assert.match(h.message, /highs: model \(8000 columns, 4001 rows, .*\) expected a solve within 0\.001 s/);
    const small = buildCommunityLp({
      loadKw: [1, 2, 3, 4], pvKw: [0, 0, 0, 0], priceEurPerKwh: [1, 2, 1, 2], dtHours: 1, capacityKwh: 2,
      maxPowerKw: 1, efficiency: 0.9, initialEnergyKwh: 1, objective: "arbitrage", terminal: { kind: "none" },
    }).model;
    const j = solverError(() => solvers.jsls.solve(small, { timeLimitS: 1e-9 }));
    assert.equal(j.reason, "timeout", j.message);
    assert.match(j.message, /jsls: model .* expected a solve within 1e-9 s, got .* s/);
  });

  it("jsls refuses a model whose dense tableau would not fit, before allocating it", () => {
    const { model } = buildCommunityLp({
      loadKw: new Float64Array(8760), pvKw: new Float64Array(8760), priceEurPerKwh: new Float64Array(8760).fill(0.1),
      dtHours: 1, capacityKwh: 1, maxPowerKw: 1, efficiency: 0.9, initialEnergyKwh: 0.5,
      objective: "arbitrage", terminal: { kind: "equal-throughput" },
    });
    const err = solverError(() => solvers.jsls.solve(model));
    assert.equal(err.reason, "backend");
    assert.match(err.message, /jsls: model \(35040 columns, 17521 rows, .*\) expected a dense tableau of <= \d+ cells, got \d+ \(\d+\.\d GiB\)/);
  });

  it("refuses a re-entrant HiGHS solve and stays usable afterwards", async () => {
    const highs = await loadHighs();
    const m = new LpModel();
    m.addVar("a", 0, 1, -1);
    let inner: unknown = null;
    const reentrant = {
      ...highs,
      createModel: () => {
        try {
          solveWithHighs(highs, m, 1);
        } catch (err) {
          inner = err;
        }
        throw new Error("stop after the inner attempt");
      },
    } as unknown as Highs;
    const outer = solverError(() => solveWithHighs(reentrant, m, 1));
    assert.equal(outer.reason, "backend");
    assert.ok(inner instanceof SolverError);
    assert.equal(inner.reason, "backend");
    assert.match(inner.message, /highs: solve of model \(1 columns, 0 rows, 0 nonzeros\) expected no solve in progress on this thread, got a re-entrant call/);
    assert.deepEqual([...solveWithHighs(highs, m, 1)], [1]);
  });

  it("auto sends small models to the simplex, then jsls by dense tableau size, HiGHS beyond", async () => {
    // Changed with the simplex backend: models of <= AUTO_SIMPLEX_MAX_ROWS rows now go to the
    // simplex (they went to jsls); jsls keeps larger models with a small tableau.
    const auto = await createSolver();
    assert.equal(auto.choice, "auto");
    const small = new LpModel();
    small.addVar("a", 0, 1, -1);
    small.addRow("r", [0], [1], 0, 0.5);
    assert.equal(chooseBackend(small), "simplex");
    const sol = auto.solve(small);
    assert.deepEqual([sol.backend, sol.objective], ["simplex", -0.5]);
    const narrow = new LpModel();
    narrow.addVar("a", 0, 1, -1);
    for (let i = 0; i <= AUTO_SIMPLEX_MAX_ROWS; i++) narrow.addRow(`r${i}`, [0], [1], -Infinity, 0.5 + i);
    assert.ok(jslsTableauCells(narrow) <= AUTO_JSLS_MAX_TABLEAU_CELLS);
    assert.equal(chooseBackend(narrow), "jsls");
    assert.deepEqual([auto.solve(narrow).backend, auto.solve(narrow).objective], ["jsls", -0.5]);
    const big = new LpModel();
    const n = Math.max(Math.ceil(Math.sqrt(AUTO_JSLS_MAX_TABLEAU_CELLS)), AUTO_SIMPLEX_MAX_ROWS) + 1;
    for (let j = 0; j < n; j++) big.addVar(`x${j}`, 0, 1, -1);
    for (let i = 0; i < n; i++) big.addRow(`r${i}`, [i], [1], -Infinity, 0.5);
    assert.ok(jslsTableauCells(big) > AUTO_JSLS_MAX_TABLEAU_CELLS);
    assert.equal(auto.pick(big), "highs");
    assert.equal(auto.solve(big).objective, -0.5 * n);
    assert.equal((await createSolver({ backend: "jsls" })).pick(big), "jsls", "an explicit choice is never overridden");
    assert.equal((await createSolver({ backend: "simplex" })).pick(big), "simplex", "an explicit choice is never overridden");
  });

  it("refuses an unknown backend and a bad time limit, naming the field", async () => {
    await assert.rejects(createSolver({ backend: "cplex" as never }), (err: unknown) =>
      err instanceof ConfigError && err.issues[0]!.path === "backend" && /one of "auto", "highs", "jsls"/.test(err.message));
    const m = new LpModel();
    m.addVar("a", 0, 1, 1);
    assert.throws(() => solvers.highs.solve(m, { timeLimitS: 0 }), (err: unknown) =>
      err instanceof ConfigError && err.issues[0]!.path === "timeLimitS");
  });

  it("solves a model without rows or without columns on both backends", () => {
    const cols = new LpModel();
    cols.addVar("a", -2, 3, 1);
    cols.addVar("b", -2, 3, -1);
    const empty = new LpModel();
    for (const name of ["highs", "jsls"] as const) {
      assert.deepEqual([...solvers[name].solve(cols).x], [-2, 3], name);
      assert.equal(solvers[name].solve(empty).x.length, 0, name);
    }
  });
});
