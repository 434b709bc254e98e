/**
 * The public surface of gridgym's core: errors, seeded generators, spaces, the env
 * contracts, the registry, wrappers, the vector env and the env checker.
 */
export * from "./errors.js";
export { Rng, isValidSeed, entropySeed, rngForReset } from "./rng.js";
export {
  Box,
  Discrete,
  MultiDiscrete,
  Dict,
  spaceFromJSON,
  flatDim,
  flattenInto,
  type Space,
  type SpaceJSON,
  type BoxDtype,
  type BoxElement,
} from "./spaces.js";
export type {
  Env,
  EnvSpecRef,
  Info,
  JointPolicy,
  ParallelEnv,
  ParallelPolicy,
  ParallelPolicyFactory,
  ParallelResetResult,
  ParallelStepResult,
  Policy,
  PolicyFactory,
  ResetOptions,
  ResetResult,
  StepResult,
} from "./env.js";
export {
  register,
  make,
  makeParallel,
  spec,
  list,
  resolveConfig,
  suggestId,
  type ActionKind,
  type LearnerDefaults,
  type TrainingDefaults,
  type BenchmarkRoles,
  type AnyEnvSpec,
  type EnvSpec,
  type ParallelEnvSpec,
} from "./registry.js";
export * from "./wrappers/index.js";
export { SyncVectorEnv, type AutoresetMode, type VectorEnv, type VectorEnvOptions, type VectorReset, type VectorStep } from "./vector.js";
export { AsyncVectorEnv, type AsyncVectorEnvOptions } from "./async-vector.js";
export { BaseEnv, BaseParallelEnv } from "./base-env.js";
export { BoxActionCheck } from "./action-check.js";
export { ObservationSlab } from "./observation-slab.js";
export { writeHourFeatures, writeTimeFeatures } from "./time-features.js";
export { checkEnv, checkParallelEnv, firstDifference, EnvCheckError, type CheckEnvOptions } from "./checker.js";
