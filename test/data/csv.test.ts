import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../src/core/errors.js";
import { readSeriesCsv } from "../../src/data/csv.js";

describe("readSeriesCsv", () => {
  let dir: string;
  let n = 0;
  const write = (text: string): string => {
    const file = join(dir, `t${n++}.csv`);
    writeFileSync(file, text);
    return file;
  };
  const messageOf = (fn: () => unknown): string => {
    try {
      fn();
    } catch (err) {
      assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
      return err.message;
    }
    assert.fail("expected a throw");
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "gridgym-csv-"));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("maps series names to columns and reads numbers in every accepted notation", () => {
    const file = write('time,load_kw,"pv, kw"\r\nx,1.5,-.25\r\n"y ""q""",2e-3,0\r\n');
    const s = readSeriesCsv(file, { columns: { loadKw: "load_kw", pvKw: "pv, kw" }, expectedLength: 2 });
    assert.deepEqual(Object.keys(s), ["loadKw", "pvKw"]);
    assert.deepEqual([...s.loadKw!], [1.5, 0.002]);
    assert.deepEqual([...s.pvKw!], [-0.25, 0]);
  });

  it("reports a file that cannot be read", () => {
    const file = join(dir, "missing.csv");
    assert.equal(
      messageOf(() => readSeriesCsv(file, { columns: { a: "a" } })),
      `invalid CSV ${file}:\n  file: expected a readable file, got ENOENT`,
    );
  });

  it("reads a file without a trailing newline", () => {
    const file = write("a\n1\n2");
    assert.deepEqual([...readSeriesCsv(file, { columns: { a: "a" } }).a!], [1, 2]);
  });

  it("names a missing column and lists the columns present", () => {
    const file = write("time,pv_kw\n0,1\n");
    assert.equal(
      messageOf(() => readSeriesCsv(file, { columns: { loadKw: "load_kw" } })),
      `invalid CSV ${file}:\n  column "load_kw": expected a column with this name, got only columns "time", "pv_kw"`,
    );
  });

  it("names the line and column of a non-numeric cell", () => {
    const file = write("time,load_kw\n0,1\n1,abc\n2, 3\n");
    assert.equal(
      messageOf(() => readSeriesCsv(file, { columns: { loadKw: "load_kw" } })),
      `invalid CSV ${file}:\n` +
        `  row 3, column "load_kw": expected a number, got "abc"\n` +
        `  row 4, column "load_kw": expected a number, got " 3"`,
    );
  });

  it("rejects an empty cell unless the series allows it, then reads NaN", () => {
    const file = write("time,load_kw\n0,\n1,2\n");
    assert.equal(
      messageOf(() => readSeriesCsv(file, { columns: { loadKw: "load_kw" } })),
      `invalid CSV ${file}:\n  row 2, column "load_kw": expected a number, got an empty cell`,
    );
    const s = readSeriesCsv(file, { columns: { loadKw: "load_kw" }, allowEmpty: ["loadKw"] });
    assert.ok(Number.isNaN(s.loadKw![0]));
    assert.equal(s.loadKw![1], 2);
  });

  it("reports a wrong number of rows", () => {
    const file = write("load_kw\n1\n2\n");
    assert.equal(
      messageOf(() => readSeriesCsv(file, { columns: { loadKw: "load_kw" }, expectedLength: 3 })),
      `invalid CSV ${file}:\n  rows: expected 3 data rows, got 2`,
    );
  });

  it("reports a record with the wrong number of fields", () => {
    const file = write("a,b\n1,2\n3\n");
    assert.equal(
      messageOf(() => readSeriesCsv(file, { columns: { a: "a" } })),
      `invalid CSV ${file}:\n  row 3: expected 2 fields, got 1`,
    );
  });

  it("collects every issue, listing 20 and counting the rest", () => {
    const file = write("x\n" + "bad\n".repeat(25));
    const err = (() => {
      try {
        readSeriesCsv(file, { columns: { x: "x" }, expectedLength: 25 });
      } catch (e) {
        return e as ConfigError;
      }
      return assert.fail("expected a throw");
    })();
    assert.equal(err.owner, `CSV ${file}`);
    assert.equal(err.issues.length, 21);
    assert.equal(err.issues[0]!.path, 'row 2, column "x"');
    assert.equal(err.issues[19]!.path, 'row 21, column "x"');
    assert.match(err.message, /\n {2}\.\.\. and 5 more: expected the same checks, got not listed$/);
  });
});
