/**
 * gridgym: reinforcement-learning environments for energy systems.
 *
 * Importing the package registers every bundled environment, so `make("CommunityBattery-v0")`
 * works straight away.
 */
import "./envs/index.js";

export * from "./src/index.js";
export * from "./envs/community/index.js";
export * from "./baselines/index.js";
export { evaluate, runEpisode, type EvaluationResult, type EpisodeResult, type EvaluateOptions } from "./training/evaluate.js";
export { baselineFactory, BASELINE_NAMES } from "./training/policies.js";
export * from "./envs/microgrid/index.js";
