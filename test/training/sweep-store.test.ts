import { strict as assert } from "node:assert";
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ResultsFileError, ResultsStore, readResults, toCSV } from "../../training/results-store.js";
import { type TrialResult, parseTrialSpec, trialId } from "../../training/trial.js";

function result(seed: number, extra: Partial<TrialResult> = {}): TrialResult {
  const spec = parseTrialSpec({ envId: "CommunityBattery-v0", envConfig: { days: 2 }, algo: "dqn", hyperparameters: { learningRate: 0.001 }, seed, steps: 100 });
  return {
    id: trialId(spec), spec, kpis: { totalCostEur: 10 + seed, selfSufficiency: 0.5 },
    learningCurve: [{ step: 100, episodeReturn: -10 - seed }], modelDir: null, wallSeconds: 1.5, backend: "cpu", ...extra,
  };
}

describe("results store", () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), "gridgym-store-")); });

  it("appends one line per trial and reads them back by id", () => {
    const store = ResultsStore.inDir(dir);
    assert.equal(store.append(result(1)), true);
    assert.equal(store.append(result(2)), true);
    const lines = readFileSync(store.file, "utf8").split("\n");
    assert.equal(lines.length, 3);
    assert.equal(lines[2], "");
    assert.deepEqual([...ResultsStore.inDir(dir).load()], [result(1).id, result(2).id]);
    assert.deepEqual(ResultsStore.inDir(dir).results(), [result(1), result(2)]);
  });

  it("never writes a trial twice, even from a second store on the same file", () => {
    const store = ResultsStore.inDir(dir);
    store.append(result(1));
    assert.equal(store.append(result(1)), false);
    assert.equal(ResultsStore.inDir(dir).append(result(1)), false);
    assert.equal(readFileSync(store.file, "utf8").split("\n").length, 2);
  });

  it("ignores a torn last line on load and cuts it off before the next append", () => {
    const store = ResultsStore.inDir(dir);
    store.append(result(1));
    const torn = JSON.stringify(result(2)).slice(0, 80); // a write cut short by a crash
    appendFileSync(store.file, torn);
    const reader = ResultsStore.inDir(dir);
    assert.deepEqual([...reader.load()], [result(1).id]);
    assert.equal(readResults(store.file).tornBytes, 80);
    assert.ok(readFileSync(store.file, "utf8").endsWith(`\n${torn}`), "a reader leaves the file alone");

    assert.equal(reader.append(result(2)), true);
    const lines = readFileSync(store.file, "utf8").split("\n");
    assert.equal(lines.length, 3);
    assert.deepEqual(lines.slice(0, 2).map((l) => (JSON.parse(l) as TrialResult).id), [result(1).id, result(2).id]);
    assert.deepEqual(readResults(store.file), { results: [result(1), result(2)], tornBytes: 0 });
  });

  it("a torn line holding a complete JSON object but no newline is still torn", () => {
    const store = ResultsStore.inDir(dir);
    writeFileSync(store.file, JSON.stringify(result(1)));
    assert.equal(store.load().size, 0);
    assert.equal(store.append(result(1)), true);
    const lines = readFileSync(store.file, "utf8").split("\n");
    assert.equal(lines.length, 2);
    assert.deepEqual(JSON.parse(lines[0]!), result(1));
  });

  it("a malformed line before the last one is an error naming the file and line", () => {
    const store = ResultsStore.inDir(dir);
    writeFileSync(store.file, `${JSON.stringify(result(1))}\n{"id": 3}\n${JSON.stringify(result(2))}\n`);
    assert.throws(() => store.load(), (err: unknown) => {
      assert.ok(err instanceof ResultsFileError);
      assert.equal(err.message, `${store.file}:2: not a trial result; remove or fix that line, then run again`);
      return true;
    });
  });

  it("rejects a line whose id is not the hash of its spec", () => {
    const store = ResultsStore.inDir(dir);
    writeFileSync(store.file, `${JSON.stringify({ ...result(1), id: result(2).id })}\n`);
    assert.throws(() => store.load(), { message: `${store.file}:1: id ${result(2).id} is not the hash of the line's spec; remove or fix that line, then run again` });
  });

  it("exports CSV with config, hyperparameter and KPI columns, quoting where needed", () => {
    const other = result(3, { backend: "wasm, threaded", kpis: { peakKw: 4 } });
    const csv = toCSV([result(1), other]);
    assert.equal(csv, [
      "id,envId,algo,seed,steps,envConfig.days,hyperparameters.learningRate,backend,wallSeconds,kpi.peakKw,kpi.selfSufficiency,kpi.totalCostEur",
      `${result(1).id},CommunityBattery-v0,dqn,1,100,2,0.001,cpu,1.5,,0.5,11`,
      `${other.id},CommunityBattery-v0,dqn,3,100,2,0.001,"wasm, threaded",1.5,4,,`,
      "",
    ].join("\n"));
  });
});
