/**
 * Scores a saved model with the evaluation harness: on any config of its env (held-out seeds,
 * a user CSV, another year), through the interface it was trained on (its policyConfig), with
 * the same KPI table the baselines get. A model of a parallel env (one network shared by every
 * agent, or one per agent) acts for every agent through its joint policy.
 */
import type { ParallelEnv } from "../src/core/env.js";
import { ConfigError } from "../src/core/errors.js";
import { spec } from "../src/core/registry.js";
import { evaluate, type EvaluateOptions, type EvaluationResult } from "./evaluate.js";
import { evaluateParallel } from "./evaluate-parallel.js";
import { loadModel, modelEnvConfig, type LoadedModel } from "./train.js";

/** The result of evaluateModel: the KPI table and the model that was scored. */
export interface ModelEvaluation {
  result: EvaluationResult;
  model: LoadedModel;
}

/**
 * Evaluates the model saved in `modelDir` on `envId` (default: the env it was trained on) with
 * `config`, one episode per seed; the result's policy is named `name` (default: the algorithm).
 * @throws ConfigError when the model was trained on another env id, or cannot act on this config
 */
export async function evaluateModel(modelDir: string, config: unknown, seeds: readonly number[], opts: EvaluateOptions & { envId?: string; name?: string } = {}): Promise<ModelEvaluation> {
  const model = await loadModel(modelDir);
  const envId = opts.envId ?? model.envId;
  if (envId !== model.envId) {
    throw new ConfigError("evaluate", [{ path: "env", expected: `${model.envId} (the env the model in ${modelDir} was trained on)`, received: envId }]);
  }
  const onModel = modelEnvConfig(config, model.policyConfig);
  const keep: EvaluateOptions = opts.keepTrajectories === undefined ? {} : { keepTrajectories: opts.keepTrajectories };
  let result: EvaluationResult;
  if (spec(envId).kind === "parallel") {
    const joint = model.joint;
    if (joint === undefined) throw new ConfigError("evaluate", [{ path: "model", expected: `a multi-agent model of ${envId} (shared or independent learners)`, received: modelDir }]);
    result = evaluateParallel(envId, onModel, (env: ParallelEnv<unknown, unknown>) => joint(env), seeds, keep);
  } else {
    result = evaluate(envId, onModel, model.policy, seeds, keep);
  }
  return { result: { ...result, policy: opts.name ?? model.algo }, model };
}
