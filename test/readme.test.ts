import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");

describe("README", () => {
  it("opens with the two commands a newcomer runs", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const firstBlock = readme.split("```")[1]!;
    assert.match(firstBlock, /^sh\nnpm ci && npm start /);
    assert.match(firstBlock, /\nnpm test /);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    assert.match(pkg.scripts["start"]!, /cli\.js benchmark$/);
  });

  it("quick start runs as written", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const code = /## Quick start\n\n```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    // the example imports the published name; run it against the working tree
    const file = join(ROOT, "test", ".readme-quick-start.ts");
    writeFileSync(file, code.replace('from "gridgym"', 'from "../index.js"'));
    try {
      const r = spawnSync(process.execPath, ["--import", "tsx", file], { encoding: "utf8", timeout: 120_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /return \(minus EUR\): -\d+\.\d/);
      assert.match(r.stdout, /MPC total cost \(EUR\): \{\s+mean: [\d.]+,\s+std: [\d.]+,\s+ci95: [\d.]+,\s+n: 3\s+\}/);
      assert.match(r.stdout, /discrete action space: \{ type: 'Discrete', n: 11, start: 0 \}/);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
