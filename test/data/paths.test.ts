import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "../../envs/index.js";
import { PathError } from "../../src/core/errors.js";
import { make } from "../../src/core/registry.js";
import { confinePath, dataFile, dataPath } from "../../src/data/paths.js";
import { useDataRoot } from "../fixtures/data-root.js";

describe("path confinement (issue 15, findings 1 and 2)", () => {
  let root: string;
  let outside: string;
  let restoreRoot: () => void;
  before(() => {
    root = mkdtempSync(join(tmpdir(), "gridgym-root-"));
    outside = mkdtempSync(join(tmpdir(), "gridgym-outside-"));
    mkdirSync(join(root, "sub"));
    writeFileSync(join(root, "sub", "ok.csv"), "a\n1\n");
    writeFileSync(join(outside, "secret.csv"), "SECRET=hunter2\n");
    symlinkSync(outside, join(root, "escape"));
    symlinkSync(join(root, "sub"), join(root, "alias"));
    restoreRoot = useDataRoot(root);
  });
  after(() => {
    restoreRoot();
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  const refusal = (fn: () => unknown): PathError => {
    try {
      fn();
    } catch (err) {
      assert.ok(err instanceof PathError, `expected a PathError, got ${String(err)}`);
      return err;
    }
    return assert.fail("expected a PathError");
  };

  it("resolves relative and absolute paths inside the root, symbolic links inside it included", () => {
    assert.equal(confinePath("sub/ok.csv", root, "data.file"), join(root, "sub", "ok.csv"));
    assert.equal(confinePath(join(root, "sub", "ok.csv"), root, "data.file"), join(root, "sub", "ok.csv"));
    assert.equal(confinePath("alias/ok.csv", root, "data.file"), join(root, "alias", "ok.csv"));
    assert.equal(confinePath("new/not-yet.csv", root, "outDir"), join(root, "new", "not-yet.csv"));
  });

  it("refuses '..', absolute paths outside the root and symbolic links leading out, naming the field and the root", () => {
    assert.equal(refusal(() => confinePath("sub/../sub/ok.csv", root, "data.file")).message,
      `invalid path:\n  data.file: expected a path inside ${root}, got "sub/../sub/ok.csv" (a '..' segment)`);
    assert.equal(refusal(() => confinePath("/etc/passwd", root, "data.file")).message,
      `invalid path:\n  data.file: expected a path inside ${root}, got "/etc/passwd" (outside the root)`);
    assert.equal(refusal(() => confinePath("escape/secret.csv", root, "outDir")).message,
      `invalid path:\n  outDir: expected a path inside ${root}, got "escape/secret.csv" (a symbolic link leading outside the root)`);
    assert.equal(refusal(() => confinePath("escape/new-folder", root, "outDir")).field, "outDir");
  });

  it("accepts the bundled data sets wherever the data root is", () => {
    const bundled = dataFile("entsoe-be-dayahead", "DAM_prices.csv");
    assert.equal(dataPath(bundled, "data.file"), bundled);
  });

  it("make() with data.file naming /etc/passwd or a file outside the data root refuses it without reading it", () => {
    const columns = { loadKw: "load", pvKw: "pv", priceEurPerKwh: "price" };
    for (const file of ["/etc/passwd", join(outside, "secret.csv"), "escape/secret.csv", "../x.csv", "/proc/self/environ"]) {
      const err = refusal(() => make("CommunityBattery-v0", { days: 1, data: { source: "csv", file, columns } }));
      assert.equal(err.field, "data.file");
      assert.ok(err.message.startsWith(`invalid path:\n  data.file: expected a path inside ${root}, got `), err.message);
      assert.ok(!/root:|SECRET|hunter2|PATH=/.test(err.message), err.message);
    }
  });
});
