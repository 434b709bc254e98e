/**
 * The API reference check: TypeDoc's validation over src/index.ts (typedoc.json) passes, so
 * every exported declaration, method and accessor reachable from the public entry point has a
 * doc comment and no exported type refers to an unexported one. Runs with `--emit none`
 * (no HTML), the same validation `npm run docs` applies before writing docs/api.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");

describe("API reference (TypeDoc)", () => {
  it("documents every export reachable from src/index.ts", () => {
    const run = spawnSync(process.execPath, [join(ROOT, "node_modules/typedoc/bin/typedoc"), "--emit", "none"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    });
    const output = `${run.stdout}${run.stderr}`;
    assert.equal(run.status, 0, `typedoc --emit none failed:\n${output}`);
  });
});
