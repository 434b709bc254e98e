/**
 * Truncation bootstrapping and autoreset through a vector env, on an env whose value is known:
 * ConstantReward-v0 pays 1 a step and is truncated (never terminated) after 6 steps, so at
 * gamma 0.9 every state is worth 1 / (1 - 0.9) = 10. A learner that bootstraps a truncated
 * return from V(final observation) learns 10 everywhere; one that treats the time limit as a
 * terminal state learns (1 - 0.9^k) / 0.1 for k steps left (at most 4.7), which the control
 * case shows.
 */
import { strict as assert } from "node:assert";
import { A2cLearner } from "../../agents/a2c.js";
import { initBackend } from "../../agents/backend.js";
import { PpoLearner } from "../../agents/ppo.js";
import { SyncVectorEnv } from "../../src/core/vector.js";
import { ConstantRewardEnv } from "../fixtures/identity-envs.js";

const N = 4;

/** Trains `learner` for `steps` vector steps; `asTerminal` reports every time limit as a terminal state. */
function run(learner: A2cLearner | PpoLearner, steps: number, asTerminal: boolean): number[] {
  const vec = new SyncVectorEnv(Array.from({ length: N }, () => () => new ConstantRewardEnv(6)));
  let obs = vec.reset({ seed: 0 }).observations;
  const actions = new Float64Array(N);
  for (let t = 0; t < steps; t++) {
    learner.explore(obs, actions);
    const r = vec.step(actions);
    const terminations = asTerminal ? r.truncations : r.terminations;
    learner.observe({ nextObservations: r.observations, finalObservations: r.finalObservations, rewards: r.rewards, terminations, truncations: r.truncations });
    obs = r.observations;
  }
  vec.close();
  return [0, 3 / 6, 5 / 6].map((x) => learner.policy.value(Float32Array.of(x)));
}

describe("truncation bootstrapping on a vector env (an env of known value)", () => {
  before(async () => { await initBackend("auto"); });

  const init = (hyperparameters: object) => ({ observationSize: 1, actionSpace: new ConstantRewardEnv().actionSpace, seed: 1, scheduleSteps: 1e6, numEnvs: N, hyperparameters });
  const a2c = { gamma: 0.9, rewardScale: 1, normalizeObservations: false, learningRate: 1e-2, hiddenSizes: [16] };
  const ppo = { gamma: 0.9, rewardScale: 1, normalizeObservations: false, learningRate: 1e-2, hiddenSizes: [16], nSteps: 32, numMinibatches: 4, clipValueLoss: false, annealLearningRate: false };

  it("a2c learns V = 10 in every state, and about (1 - 0.9^k) / 0.1 when a time limit counts as terminal", () => {
    const values = run(new A2cLearner(init(a2c)), 8000, false);
    for (const v of values) assert.ok(Math.abs(v - 10) < 1, `V ${values.map((x) => x.toFixed(2))}`);
    const control = run(new A2cLearner(init(a2c)), 8000, true);
    // k = 6, 3 and 1 steps left: 4.69, 2.71, 1
    assert.ok(control.every((v) => v < 5.5), `control V ${control.map((x) => x.toFixed(2))}`);
    assert.ok(control[0]! > control[2]! + 2, "without bootstrapping the value falls towards the time limit");
  });

  it("ppo learns V near 10 in every state (the terminal-style value is at most 4.7)", () => {
    const values = run(new PpoLearner(init(ppo)), 8000, false);
    // the final observation (t = 6) is never acted on, so V there is the critic's extrapolation: PPO's
    // clipped steps get it within about 1.5 in this budget
    for (const v of values) assert.ok(Math.abs(v - 10) < 1.5, `V ${values.map((x) => x.toFixed(2))}`);
  });
});
