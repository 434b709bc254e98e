import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { saveArrays } from "../../agents/io.js";

const CLI = join(import.meta.dirname, "..", "..", "training", "cli.ts");

describe("gridgym train --resume of a damaged model (issue 15, finding 12)", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "gridgym-resume-"));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("exits 2 naming the file, with no stack trace", async () => {
    const model = join(dir, "model");
    await saveArrays(model, { algo: "dqn", envId: "CommunityBattery-v0", hyperparameters: {} }, [{ name: "q/0", shape: [4], data: Float32Array.of(1, 2, 3, 4) }]);
    truncateSync(join(model, "weights.bin"), 10);
    const r = spawnSync(process.execPath, ["--import", "tsx", CLI, "train", "--env", "CommunityBattery-v0", "--algo", "dqn", "--steps", "10", "--no-progress", "--resume", model, "--out", join(dir, "out")], { encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr, `gridgym: invalid saved model:\n  ${join(model, "weights.bin")}: expected 16 bytes (the manifest's size), got 10 bytes\n`);
  });
});
