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
  ParallelEnv,
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
  type AnyEnvSpec,
  type EnvSpec,
  type ParallelEnvSpec,
} from "./registry.js";
export * from "./wrappers/index.js";
export { SyncVectorEnv, type VectorResetResult, type VectorStepResult } from "./vector.js";
export { checkEnv, checkParallelEnv, firstDifference, EnvCheckError, type CheckEnvOptions } from "./checker.js";
