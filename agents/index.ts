/**
 * Learners: DQN (double, target network), PPO and A2C, with the pieces they share
 * (networks, replay and rollout storage, schedules, observation normalisation, save/load)
 * and the tfjs backend choice. The training loop that drives them is training/train.ts.
 */
export { initBackend, currentBackend, type BackendPreference } from "./backend.js";
export type { Algo, Learner, LearnerInit, LearnerProgress, UpdateStats, VectorTransition } from "./learner.js";
export { DqnLearner, dqnConfigSchema, parseDqnConfig, type DqnConfig } from "./dqn.js";
export { PpoLearner, ppoConfigSchema, parsePpoConfig, type PpoConfig } from "./ppo.js";
export { A2cLearner, a2cConfigSchema, parseA2cConfig, type A2cConfig } from "./a2c.js";
export { OnPolicyLearner, type OnPolicyConfigCommon } from "./on-policy.js";
export { ActorCritic, type PolicySample } from "./actor-critic.js";
export { Mlp, clipByGlobalNorm, type MlpSpec, type Activation } from "./networks.js";
export { ReplayBuffer, type ReplayBatch } from "./replay-buffer.js";
export { RolloutBuffer } from "./rollout-buffer.js";
export { constantSchedule, linearSchedule, type Schedule } from "./schedules.js";
export { ObservationNormalizer } from "./normalizer.js";
export { saveArrays, loadArrays, MODEL_FORMAT, type NamedArray } from "./io.js";
