/**
 * Learning thresholds, as SB3's tests/test_identity.py: each algorithm must learn an identity
 * env (test/fixtures/identity-envs.ts) to a return a broken learner does not reach, on a vector
 * env of 4 envs, within a few seconds. Returns are the mean over 5 held-out episodes of the
 * deterministic policy.
 */
import { strict as assert } from "node:assert";
import { train } from "../../training/train.js";
import { registerIdentityEnvs } from "../fixtures/identity-envs.js";

const EVAL = [1000, 1001, 1002, 1003, 1004];

describe("learning thresholds on identity envs (SB3's test_identity)", () => {
  before(() => registerIdentityEnvs());

  it("dqn names the one-hot state: return >= 18 of 20 (random: 5)", async () => {
    const r = await train({
      envId: "Identity-v0", algo: "dqn", seed: 0, steps: 4000, numEnvs: 4, evalSeeds: EVAL, evalEvery: 0,
      hyperparameters: { hiddenSizes: [32], learningStarts: 200, batchSize: 32, targetUpdateInterval: 200, explorationFraction: 0.3, rewardScale: 1, learningRate: 1e-3, trainFrequency: 1, normalizeObservations: false },
    });
    assert.ok(r.kpis["return"]! >= 18, `mean return ${r.kpis["return"]}`);
  });

  // gamma 0.5: a 3-step target carries the next two rewards of the exploring policy, noise the
  // one-step target does not have (at gamma 0.99 the same 4,000 steps reach 15.4)
  it("dqn with 3-step returns names the one-hot state too: return >= 18 of 20", async () => {
    const r = await train({
      envId: "Identity-v0", algo: "dqn", seed: 0, steps: 4000, numEnvs: 4, evalSeeds: EVAL, evalEvery: 0,
      hyperparameters: { nStep: 3, gamma: 0.5, hiddenSizes: [32], learningStarts: 200, batchSize: 32, targetUpdateInterval: 200, explorationFraction: 0.3, rewardScale: 1, learningRate: 1e-3, trainFrequency: 1, normalizeObservations: false },
    });
    assert.ok(r.kpis["return"]! >= 18, `mean return ${r.kpis["return"]}`);
  });

  it("ppo repeats the observed value: return >= 18 of 20 (random: about 6.7)", async () => {
    const r = await train({
      envId: "IdentityBox-v0", algo: "ppo", seed: 0, steps: 32_768, numEnvs: 4, evalSeeds: EVAL, evalEvery: 0,
      hyperparameters: { hiddenSizes: [32], nSteps: 128, numMinibatches: 4, updateEpochs: 10, learningRate: 3e-3, rewardScale: 1, normalizeObservations: false },
    });
    assert.ok(r.kpis["return"]! >= 18, `mean return ${r.kpis["return"]}`);
  });

  it("a2c names the one-hot state: return >= 18 of 20 (random: 5)", async () => {
    const r = await train({
      envId: "Identity-v0", algo: "a2c", seed: 0, steps: 12_000, numEnvs: 4, evalSeeds: EVAL, evalEvery: 0,
      hyperparameters: { hiddenSizes: [32], nSteps: 5, learningRate: 3e-3, rewardScale: 1, normalizeObservations: false, entCoef: 0.01 },
    });
    assert.ok(r.kpis["return"]! >= 18, `mean return ${r.kpis["return"]}`);
  });
});
