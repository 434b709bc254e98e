import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PiscinaExecutor } from "../../training/pool.js";
import { expandSweep } from "../../training/sweep-spec.js";
import type { TrainOptions, TrainResult } from "../../training/train.js";
import { type TrialResult, runTrial, trialId } from "../../training/trial.js";

const SPEC = { envId: "CommunityBattery-v0", envConfig: { days: 2 }, algo: "ppo", hyperparameters: { nSteps: 64, numMinibatches: 2, updateEpochs: 1 }, seed: 3, steps: 128 } as const;

describe("runTrial", () => {
  it("passes the spec to train(), saves the model under <outDir>/models/<id> and returns plain data (undefined, NaN KPIs left out)", async () => {
    const seen: TrainOptions[] = [];
    const fakeTrain = async (opts: TrainOptions): Promise<TrainResult> => {
      seen.push(opts);
      return {
        algo: opts.algo, envId: opts.envId, seed: opts.seed, steps: opts.steps, backend: "cpu", stepsPerSecond: 100, wallSeconds: 1.25,
        learningCurve: [{ step: 64, seconds: 0.5, episodeReturn: -3 }, { step: 128, seconds: 1, evalReturn: -2 }], kpis: { totalCostEur: 2, auctionShare: NaN }, modelDir: opts.outDir!,
      };
    };
    const result = await runTrial(SPEC, { outDir: "/sweeps/a", train: fakeTrain });
    const id = trialId(SPEC);
    assert.deepEqual(seen, [{ ...SPEC, outDir: join("/sweeps/a", "models", id) }]);
    assert.deepEqual(result, {
      id, spec: SPEC, kpis: { totalCostEur: 2 }, learningCurve: [{ step: 64, seconds: 0.5, episodeReturn: -3 }, { step: 128, seconds: 1, evalReturn: -2 }],
      modelDir: join("/sweeps/a", "models", id), wallSeconds: 1.25, backend: "cpu",
    });
  });

  it("the packaged trial worker trains a real trial on a worker thread and saves its model", async function () {
    this.timeout(60_000);
    const outDir = mkdtempSync(join(tmpdir(), "gridgym-trial-"));
    const executor = new PiscinaExecutor({ workers: 1, maxAttempts: 1 });
    const results: TrialResult[] = [];
    try {
      const report = await executor.run([{ spec: { ...SPEC, hyperparameters: { ...SPEC.hyperparameters }, envConfig: { ...SPEC.envConfig } }, outDir }],
        (r) => { results.push(r); }, (f) => assert.fail(f.error.message));
      assert.deepEqual(report.failed, []);
    } finally {
      await executor.close();
    }
    const [result] = results;
    assert.ok(result);
    assert.equal(result.id, trialId(SPEC));
    assert.equal(result.modelDir, join(outDir, "models", result.id));
    assert.ok(existsSync(join(result.modelDir, "model.json")));
    assert.equal(result.kpis["ticks"], 48, "KPIs of evaluation episodes of 2 days");
    assert.ok(result.learningCurve.length > 0);
  });
});

describe("examples/sweep.json", () => {
  it("is a valid sweep of dqn and ppo on CommunityBattery-v0 with 2 seeds", () => {
    const spec: unknown = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "examples", "sweep.json"), "utf8"));
    const trials = expandSweep(spec);
    assert.equal(trials.length, 8);
    assert.deepEqual([...new Set(trials.map((t) => t.algo))], ["dqn", "ppo"]);
    assert.deepEqual([...new Set(trials.map((t) => t.seed))], [0, 1]);
    assert.ok(trials.every((t) => t.envId === "CommunityBattery-v0"));
  });
});
