import assert from "node:assert/strict";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../src/core/errors.js";
import { readSeriesCsv } from "../../src/data/csv.js";
import { useDataRoot } from "../fixtures/data-root.js";

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

  let restoreRoot: () => void;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "gridgym-csv-"));
    restoreRoot = useDataRoot(dir);
  });
  after(() => {
    restoreRoot();
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
        `  row 3, column "load_kw": expected a number, got text of 3 characters\n` +
        `  row 4, column "load_kw": expected a number, got text with leading or trailing space of 2 characters`,
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

  it("refuses numbers that overflow float64 or float32, naming row and column (issue 15, finding 9)", () => {
    const file = write("load_kw\n1\n1e400\n-1e39\n3.4e38\n");
    assert.equal(
      messageOf(() => readSeriesCsv(file, { columns: { loadKw: "load_kw" } })),
      `invalid CSV ${file}:\n` +
        `  row 3, column "load_kw": expected a number within float32's range (|x| <= 3.4e38), got a number that overflows to Infinity\n` +
        `  row 4, column "load_kw": expected a number within float32's range (|x| <= 3.4e38), got a number of magnitude 1e39`,
    );
  });

  it("refuses negative values in the series that must not have them (issue 15, finding 9)", () => {
    const file = write("load,pv\n1,0\n-2,-0.5\n3,-0\n");
    assert.equal(
      messageOf(() => readSeriesCsv(file, { columns: { loadKw: "load", pvKw: "pv" }, nonNegative: ["loadKw", "pvKw"] })),
      `invalid CSV ${file}:\n  row 3, column "load": expected a number >= 0, got a negative number\n  row 3, column "pv": expected a number >= 0, got a negative number`,
    );
    assert.deepEqual([...readSeriesCsv(file, { columns: { pvKw: "pv" } }).pvKw!], [0, -0.5, -0]);
  });

  it("never quotes the file's contents and caps the list of columns it names (issue 15, findings 1 and 3)", () => {
    const secret = "root:x:0:0:root:/root:/bin/bash\nSECRET_TOKEN=abc123\n";
    const notCsv = write(secret);
    const message = messageOf(() => readSeriesCsv(notCsv, { columns: { loadKw: "load_kw" } }));
    assert.ok(!message.includes("root") && !message.includes("SECRET") && !message.includes("abc123"), message);
    assert.equal(message, `invalid CSV ${notCsv}:\n  column "load_kw": expected a column with this name, got only columns (a name of 31 characters)`);
    const wide = write(Array.from({ length: 50 }, (_, i) => `c${i}`).join(",") + "\n" + "1,".repeat(49) + "1\n");
    assert.equal(
      messageOf(() => readSeriesCsv(wide, { columns: { loadKw: "load_kw" } })),
      `invalid CSV ${wide}:\n  column "load_kw": expected a column with this name, got only columns "c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", ... (40 more)`,
    );
  });

  it("caches parsed columns by path, size and modification time, and hands out copies (issue 15, finding 13)", () => {
    const file = write("load_kw\n1\n2\n");
    const mtime = new Date("2026-01-01T00:00:00Z");
    utimesSync(file, mtime, mtime);
    const first = readSeriesCsv(file, { columns: { loadKw: "load_kw" } });
    first.loadKw![0] = 99;
    assert.deepEqual([...readSeriesCsv(file, { columns: { loadKw: "load_kw" } }).loadKw!], [1, 2]);
    // same size and modification time: the cache answers without reading the file again
    writeFileSync(file, "load_kw\n7\n8\n");
    utimesSync(file, mtime, mtime);
    assert.deepEqual([...readSeriesCsv(file, { columns: { loadKw: "load_kw" } }).loadKw!], [1, 2]);
    // a changed size (or time) is a changed file
    writeFileSync(file, "load_kw\n7\n8\n9\n");
    assert.deepEqual([...readSeriesCsv(file, { columns: { loadKw: "load_kw" } }).loadKw!], [7, 8, 9]);
  });
});
