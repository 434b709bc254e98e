import { strict as assert } from "node:assert";
import { SolverError } from "../../src/core/errors.js";
import { assertVerified, createSolver, LpModel, verifySolution } from "../../src/solvers/index.js";

/** min -x - 2y  s.t.  cap: x + y <= 4,  floor: x - y >= -3,  0 <= x, y <= 10. Optimum (0.5, 3.5). */
function smallLp(): LpModel {
  const m = new LpModel();
  const x = m.addVar("x", 0, 10, -1);
  const y = m.addVar("y", 0, 10, -2);
  m.addRow("cap", [x, y], [1, 1], -Infinity, 4);
  m.addRow("floor", [x, y], [1, -1], -3, Infinity);
  return m;
}

function verificationMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SolverError, `expected SolverError, got ${String(err)}`);
    assert.equal(err.reason, "verification");
    return err.message;
  }
  assert.fail("expected a SolverError");
}

describe("verifySolution", () => {
  it("accepts the optimum with zero violation and recomputes its objective", () => {
    const v = verifySolution(smallLp(), [0.5, 3.5]);
    assert.equal(v.ok, true);
    assert.equal(v.maxViolation, 0);
    assert.equal(v.worst, null);
    assert.equal(v.objective, -7.5);
  });

  it("catches a tampered optimal answer and names the broken row, its bounds and its activity", async () => {
    const model = smallLp();
    const solver = await createSolver({ backend: "highs" });
    const sol = solver.solve(model);
    assert.deepEqual([...sol.x], [0.5, 3.5]);
    const tampered = Float64Array.from(sol.x);
    tampered[1] = 4.5;
    const message = verificationMessage(() => assertVerified(model, tampered, "test"));
    assert.match(message, /row cap \(#0\) expected -Infinity <= activity <= 4, got 5 /);
  });

  it("names the column when a value leaves its bounds, and judges it relative to the bound", () => {
    const model = smallLp();
    const v = verifySolution(model, [-0.5, 3.5]);
    assert.equal(v.ok, false);
    assert.deepEqual([v.worst?.kind, v.worst?.name, v.worst?.value], ["column", "x", -0.5]);
    assert.equal(v.maxViolation, 0.5);
    const box = new LpModel();
    box.addVar("x", 0, 10);
    box.addVar("y", 0, 10);
    assert.match(verificationMessage(() => assertVerified(box, [0.5, 10 + 5e-5], "test")), /column y \(#1\) expected 0 <= value <= 10, got 10\.00005/);
    const v2 = verifySolution(box, [0.5, 10 + 5e-6]);
    assert.ok(Math.abs(v2.maxViolation - 5e-7) < 1e-15 && v2.ok, "5e-6 over a bound of 10 is 5e-7 relative: within tol");
  });

  it("scales a row violation by the size of its terms, so cancelling large terms are judged fairly", () => {
    const m = new LpModel();
    const a = m.addVar("a", 0, 1e6);
    const b = m.addVar("b", 0, 1e6);
    m.addRow("balance", [a, b], [1, -1], 0, 0);
    const v = verifySolution(m, [1e5 + 0.01, 1e5]);
    assert.ok(Math.abs(v.maxViolation / (0.01 / (2e5 + 0.01)) - 1) < 1e-6, `violation ${v.maxViolation}`);
    assert.equal(v.ok, true);
    assert.equal(verifySolution(m, [0.01, 0]).ok, false, "the same 0.01 with small terms is a violation of 1e-2");
  });

  it("treats NaN and infinite values as violations", () => {
    assert.equal(verifySolution(smallLp(), [NaN, 3.5]).maxViolation, Infinity);
    assert.equal(verifySolution(smallLp(), [0.5, Infinity]).ok, false);
  });

  it("refuses a point of the wrong length", () => {
    assert.match(verificationMessage(() => verifySolution(smallLp(), [1])), /x expected length 2 .*got 1/);
  });
});
