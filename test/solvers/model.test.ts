import { strict as assert } from "node:assert";
import { ConfigError } from "../../src/core/errors.js";
import { LpModel } from "../../src/solvers/index.js";

function configIssuePaths(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.issues.map((i) => i.path);
  }
  assert.fail("expected a ConfigError");
}

describe("LpModel", () => {
  it("stores columns and rows in CSR form with their bounds, costs and names", () => {
    const m = new LpModel();
    assert.equal(m.addVar("x"), 0);
    assert.equal(m.addVar("y", -Infinity, 3, -2), 1);
    assert.equal(m.addVar("z", 1, 1, 0.5), 2);
    assert.equal(m.addRow("a", [0, 2], [1, -1], -Infinity, 4), 0);
    assert.equal(m.addRow("b", new Int32Array([1, 0, 2]), new Float64Array([2, 0, 3]), 1, 1), 1);
    assert.equal(m.numVars, 3);
    assert.equal(m.numRows, 2);
    assert.equal(m.numNonzeros, 4, "the explicit zero coefficient is not stored");
    assert.deepEqual([...m.colLower], [0, -Infinity, 1]);
    assert.deepEqual([...m.colUpper], [Infinity, 3, 1]);
    assert.deepEqual([...m.colCost], [0, -2, 0.5]);
    assert.deepEqual([...m.rowStarts], [0, 2, 4]);
    assert.deepEqual([...m.rowIndices], [0, 2, 1, 2]);
    assert.deepEqual([...m.rowValues], [1, -1, 2, 3]);
    assert.deepEqual([...m.rowLower], [-Infinity, 1]);
    assert.deepEqual([...m.rowUpper], [4, 1]);
    assert.equal(m.colName(1), "y");
    assert.equal(m.rowIndexOf("b"), 1);
    assert.equal(m.colIndexOf("nope"), -1);
    m.setCost(0, 7);
    assert.equal(m.objectiveAt([1, 2, 3]), 7 - 4 + 1.5);
  });

  it("keeps every entry when it grows past its initial capacity", () => {
    const m = new LpModel();
    const n = 5000;
    for (let j = 0; j < n; j++) m.addVar(`x${j}`, 0, j + 1, j);
    for (let i = 0; i < n - 1; i++) m.addRow(`r${i}`, [i, i + 1], [1, -(i + 1)], 0, i);
    assert.equal(m.numNonzeros, 2 * (n - 1));
    assert.equal(m.colUpper[4321], 4322);
    assert.equal(m.colCost[4999], 4999);
    const k = m.rowStarts[3456]!;
    assert.deepEqual([m.rowIndices[k], m.rowValues[k], m.rowIndices[k + 1], m.rowValues[k + 1]], [3456, 1, 3457, -3457]);
    assert.equal(m.rowUpper[3456], 3456);
  });

  it("refuses duplicate names and names unsafe for the LP format, naming the field", () => {
    const m = new LpModel();
    m.addVar("x");
    assert.deepEqual(configIssuePaths(() => m.addVar("x")), ["columns.x"]);
    for (const bad of ["1x", "a b", "x-y", "e1", "E7x", "free", "Bounds", "", "x".repeat(256)]) {
      assert.deepEqual(configIssuePaths(() => m.addVar(bad)), ["columns.name"], `name ${JSON.stringify(bad)}`);
    }
    m.addRow("x", [0], [1], 0, 1);
    assert.deepEqual(configIssuePaths(() => m.addRow("x", [0], [1], 0, 1)), ["rows.x"]);
    assert.equal(m.addVar("e_1"), 1, "e followed by an underscore is not exponent-like");
  });

  it("refuses inverted, NaN and wrong-sided infinite bounds and non-finite costs", () => {
    const m = new LpModel();
    assert.deepEqual(configIssuePaths(() => m.addVar("a", 2, 1)), ["columns.a.ub"]);
    assert.deepEqual(configIssuePaths(() => m.addVar("a", Infinity, Infinity)), ["columns.a.lb"]);
    assert.deepEqual(configIssuePaths(() => m.addVar("a", 0, -Infinity)), ["columns.a.ub"]);
    assert.deepEqual(configIssuePaths(() => m.addVar("a", NaN)), ["columns.a.lb"]);
    assert.deepEqual(configIssuePaths(() => m.addVar("a", 0, 1, Infinity)), ["columns.a.cost"]);
    assert.equal(m.numVars, 0);
    m.addVar("a");
    assert.deepEqual(configIssuePaths(() => m.setCost(0, NaN)), ["columns.a.cost"]);
    assert.deepEqual(configIssuePaths(() => m.setCost(1, 1)), ["setCost.col"]);
  });

  it("refuses a row with a repeated, unknown or mismatched column and leaves no trace of it", () => {
    const m = new LpModel();
    m.addVar("a");
    m.addVar("b");
    assert.deepEqual(configIssuePaths(() => m.addRow("r", [0, 1, 0], [1, 2, 3], 0, 1)), ["rows.r.vars[2]"]);
    assert.deepEqual(configIssuePaths(() => m.addRow("r", [0, 2], [1, 2], 0, 1)), ["rows.r.vars[1]"]);
    assert.deepEqual(configIssuePaths(() => m.addRow("r", [0, 1], [1], 0, 1)), ["rows.r.coefs"]);
    assert.deepEqual(configIssuePaths(() => m.addRow("r", [0, 1], [1, NaN], 0, 1)), ["rows.r.coefs[1]"]);
    assert.deepEqual(configIssuePaths(() => m.addRow("r", [0], [1], 2, 1)), ["rows.r.ub"]);
    assert.equal(m.numRows, 0);
    assert.equal(m.numNonzeros, 0);
    assert.equal(m.addRow("r", [1, 0], [2, 1], 0, 1), 0, "the failed attempts neither took the name nor marked columns as seen");
    assert.deepEqual([...m.rowIndices], [1, 0]);
  });
});
