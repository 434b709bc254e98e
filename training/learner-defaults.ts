/**
 * The settings a learner trains with when the user names none (`gridgym benchmark`, and
 * `gridgym train` without a hyperparameter file): the package's defaults per algorithm, with an
 * env's own declarations from the registry (`training.learners`) on top.
 *
 * The package defaults were measured with bench/train-throughput.ts (env steps/s at N = 1, 4,
 * 8, 16) and bench/learning.ts (time to 90 % of the oracle's saving over myopic on
 * CommunityBattery-v0); the numbers are in each comment.
 */
import { spec, type LearnerDefaults } from "../src/core/registry.js";
import type { Algo } from "./train.js";

/** A learner's resolved defaults: every field set. */
export interface ResolvedLearnerDefaults {
  numEnvs: number;
  steps: number;
  hyperparameters: Record<string, unknown>;
}

/** The package's defaults per algorithm (before an env's own declarations). */
export const LEARNER_DEFAULTS: Record<Algo, ResolvedLearnerDefaults> = {
  dqn: {
    numEnvs: 8,
    steps: 500_000,
    hyperparameters: {
      // 3 levels (-600, 0, 600 kW): arbitrage is mostly full power or idle, and fewer actions
      // learn faster (share of the oracle's saving at 500k steps: 21 levels 73-81 %, 5: 87-88 %, 3: 91.6 %)
      actionLevels: 3,
      // the gain of charging now arrives when discharging 6-18 h later: gamma 0.98 (0.95: 84 %)
      gamma: 0.98,
      explorationFraction: 0.2,
      targetUpdateInterval: 2000,
      // one gradient step every 2 vector steps of 8 envs (16 env steps), with a larger step size:
      // 90 % of the oracle's saving after 46 s of training, 91.5 % at 500k steps (7,350 env
      // steps/s); one every vector step at 5e-4: 56 s and 90.0 % (5,500 env steps/s)
      trainFrequency: 2,
      learningRate: 1e-3,
    },
  },
  ppo: {
    numEnvs: 8,
    // 90 % after 39 s of training (205k steps) while DQN trains beside it, 92.2 % at 300k, about the same at 450k
    steps: 300_000,
    // 8 x 256 = CleanRL's 2048-step rollout; minibatches of 256 (8 per epoch, not CleanRL's 32 of
    // 64). CleanRL's 10 epochs stay: 4 or 5 epochs run twice as fast but plateau at 85-86 %.
    hyperparameters: { nSteps: 256, numMinibatches: 8 },
  },
  a2c: {
    numEnvs: 8,
    steps: 300_000,
    hyperparameters: {},
  },
};

/** `algo`'s defaults on `envId`: the package's, with the env's declared ones merged over them. */
export function learnerDefaults(envId: string, algo: Algo): ResolvedLearnerDefaults {
  const base = LEARNER_DEFAULTS[algo];
  const own: LearnerDefaults = spec(envId).training?.learners?.[algo] ?? {};
  return {
    numEnvs: own.numEnvs ?? base.numEnvs,
    steps: own.steps ?? base.steps,
    hyperparameters: { ...base.hyperparameters, ...own.hyperparameters },
  };
}
