import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MANIFEST_FILE, loadArrays, requireSavedFields, saveArrays, savedFolder } from "../../agents/io.js";
import { ConfigError } from "../../src/core/errors.js";
import { modelArrays } from "../fixtures/save-loop.js";

const SAVE_LOOP = join(import.meta.dirname, "..", "fixtures", "save-loop.ts");

describe("model folders: atomic saves and checked loads (issue 15, findings 4, 11, 12)", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "gridgym-io-"));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const meta = { algo: "dqn", hyperparameters: { lr: 0.1 }, learner: { progress: { steps: 5, updates: 2 } } };
  const arrays = [{ name: "w/0", shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) }, { name: "w/1", shape: [2], data: Float32Array.of(7, 8) }];
  let n = 0;
  const saved = async (): Promise<string> => {
    const d = join(dir, `m${n++}`);
    await saveArrays(d, meta, arrays, { "train-result.json": "{}" });
    return d;
  };
  /** Rewrites the manifest so that it matches the files again: the content checks then speak. */
  const reseal = (d: string): void => {
    const files = Object.fromEntries(["model.json", "weights.bin", "train-result.json"].map((name) => {
      const data = readFileSync(join(d, name));
      return [name, { bytes: data.byteLength, sha256: createHash("sha256").update(data).digest("hex") }];
    }));
    writeFileSync(join(d, MANIFEST_FILE), JSON.stringify({ format: "gridgym-manifest/1", files }));
  };
  const editModel = (d: string, edit: (json: Record<string, any>) => void): void => {
    const json = JSON.parse(readFileSync(join(d, "model.json"), "utf8"));
    edit(json);
    writeFileSync(join(d, "model.json"), JSON.stringify(json));
    reseal(d);
  };
  const refusal = (d: string): string => {
    try {
      loadArrays(d);
    } catch (err) {
      assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
      return err.message;
    }
    return assert.fail("expected the load to be refused");
  };

  it("saves every file with a manifest of sizes and checksums, and loads them back", async () => {
    const d = await saved();
    assert.deepEqual(readdirSync(d).sort(), ["manifest.json", "model.json", "train-result.json", "weights.bin"]);
    const manifest = JSON.parse(readFileSync(join(d, MANIFEST_FILE), "utf8"));
    assert.equal(manifest.files["weights.bin"].bytes, 32);
    assert.equal(manifest.files["weights.bin"].sha256, createHash("sha256").update(readFileSync(join(d, "weights.bin"))).digest("hex"));
    const loaded = loadArrays(d);
    assert.deepEqual([...loaded.arrays.get("w/0")!.data], [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(loaded.arrays.get("w/0")!.shape, [2, 3]);
    assert.equal(readdirSync(dir).filter((f) => f.startsWith(".")).length, 0);
  });

  it("refuses a truncated weights file, with or without its manifest", async () => {
    const d = await saved();
    truncateSync(join(d, "weights.bin"), 30);
    assert.match(refusal(d), /weights\.bin: expected 32 bytes \(the manifest's size\), got 30 bytes/);
    rmSync(join(d, MANIFEST_FILE));
    assert.match(refusal(d), /model\.json: weights\.bin: expected at least 32 bytes \(the manifest's shapes\), got 30 bytes$/);
  });

  it("refuses extra bytes, NaN weights, a changed dtype, an edited shape, a negative step counter and a weights path outside the folder", async () => {
    let d = await saved();
    writeFileSync(join(d, "weights.bin"), Buffer.concat([readFileSync(join(d, "weights.bin")), Buffer.alloc(4)]));
    reseal(d);
    assert.match(refusal(d), /weights\.bin: expected 32 bytes \(the manifest's shapes\), got 36 bytes/);
    d = await saved();
    const w = readFileSync(join(d, "weights.bin"));
    w.writeFloatLE(Number.NaN, 8);
    writeFileSync(join(d, "weights.bin"), w);
    reseal(d);
    assert.match(refusal(d), /weights\.bin: w\/0\[2\]: expected a finite weight, got NaN/);
    d = await saved();
    editModel(d, (j) => { j.weightsManifest[0].weights[0].dtype = "int32"; });
    assert.match(refusal(d), /weights\[0\]\.dtype: expected "float32", got "int32"/);
    d = await saved();
    editModel(d, (j) => { j.weightsManifest[0].weights[0].shape = [3, 3]; });
    assert.match(refusal(d), /expected at least 36 bytes \(the manifest's shapes\), got 32 bytes/);
    d = await saved();
    editModel(d, (j) => { j.learner.progress.steps = -5; });
    assert.match(refusal(d), /learner\.progress\.steps: expected an integer >= 0, got -5/);
    d = await saved();
    editModel(d, (j) => { j.weightsManifest[0].paths = ["../../etc/passwd"]; });
    assert.match(refusal(d), /paths\[0\]: expected "weights\.bin", inside the model folder, got "\.\.\/\.\.\/etc\/passwd"/);
    d = await saved();
    writeFileSync(join(d, "model.json"), "{\"format\":\"gridgym-agent/1\"}");
    assert.match(refusal(d), /model\.json: expected the manifest's SHA-256, got other contents|model\.json: expected \d+ bytes/);
  });

  it("refuses hyperparameters missing from the file", () => {
    assert.throws(() => requireSavedFields("/m", "hyperparameters", { lr: 1 }, { lr: 1, gamma: 0.99, tau: 1 }),
      (e: unknown) => e instanceof ConfigError && e.message === "invalid saved model:\n  /m/model.json.hyperparameters: expected every field the model was trained with, got missing gamma, tau");
  });

  it("removes stale temporary folders, recovers a save killed between its renames, and never replaces a folder of other files", async () => {
    const d = await saved();
    // a save of a dead process (pid 2^22 + 1 is above Linux's pid limit) left its temp folder
    mkdirSync(join(dir, `.${d.split("/").pop()}.tmp-4194305-0`));
    // and one killed between its renames left only the old folder under its .old- name
    const old = join(dir, `.${d.split("/").pop()}.old-4194305-1`);
    renameSync(d, old);
    assert.equal(savedFolder(d), old);
    assert.deepEqual([...loadArrays(d).arrays.get("w/1")!.data], [7, 8]);
    await saveArrays(d, meta, [{ name: "w/0", shape: [1], data: Float32Array.of(9) }]);
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes(d.split("/").pop()! + ".")), []);
    assert.deepEqual([...loadArrays(d).arrays.get("w/0")!.data], [9]);
    writeFileSync(join(d, "notes.txt"), "mine");
    await assert.rejects(saveArrays(d, meta, arrays), /a folder holding only a saved model \(it is replaced as a whole\), got other files: "notes\.txt"/);
    assert.ok(existsSync(join(d, "notes.txt")));
  });

  it("20 SIGKILLs during saves leave each time the old model or the new one, whole, by checksum", async function () {
    this.timeout(60_000);
    const expected = [0, 1].map((k) => createHash("sha256").update(new Uint8Array(modelArrays(k)[0]!.data.buffer)).digest("hex"));
    const kills = 20;
    const batch = 5;
    const seen = new Set<number>();
    for (let b = 0; b < kills; b += batch) {
      await Promise.all(Array.from({ length: batch }, async (_, i) => {
        const d = join(dir, `kill-${b + i}`);
        const child = spawn(process.execPath, ["--import", "tsx", SAVE_LOOP, d], { stdio: ["ignore", "pipe", "inherit"] });
        await new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
        await new Promise((r) => setTimeout(r, 5 + ((b + i) * 37) % 120));
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGKILL");
        await exited;
        const { meta: m, arrays: a } = loadArrays(d);
        const digest = createHash("sha256").update(new Uint8Array(a.get("w/0")!.data.buffer)).digest("hex");
        const which = expected.indexOf(digest);
        assert.ok(which >= 0, `kill ${b + i}: the weights are neither model A nor model B`);
        assert.equal(m["model"], which, `kill ${b + i}: model.json describes the other model`);
        assert.equal(JSON.parse(readFileSync(join(savedFolder(d), "train-result.json"), "utf8")).model, which);
        seen.add(which);
      }));
    }
    assert.equal(seen.size, 2, "the kills should land on both models");
  });
});
