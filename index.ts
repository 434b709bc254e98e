/**
 * gridgym: reinforcement-learning environments for energy systems.
 *
 * Importing the package registers every bundled environment, so `make("CommunityBattery-v0")`
 * works straight away.
 */
import "./envs/index.js";

export * from "./src/index.js";
export * from "./envs/community-battery/index.js";
export * from "./envs/community/index.js";
export * from "./baselines/index.js";
export { runParallelEpisode, evaluateParallel, type ParallelPolicy } from "./training/evaluate-parallel.js";
export { evaluate, runEpisode, type EvaluationResult, type EpisodeResult, type EvaluateOptions } from "./training/evaluate.js";
export { baselineFactory, BASELINE_NAMES } from "./training/policies.js";
export { reproduceMicrogrid, checkDirections, formatReproduction, REPRODUCTION_RUNS, TABLE_ROWS, type ReproduceOptions, type ReproductionResult, type DirectionCheck } from "./training/reproduce-microgrid.js";
export * from "./envs/microgrid/index.js";
export * from "./envs/energy-hub/index.js";
export { train, loadPolicy, type TrainOptions, type TrainResult, type TrainHooks, type Algo } from "./training/train.js";
export { runSweep, type SweepSummary } from "./training/sweep.js";
export { formatTable, formatMarkdownTable, STORAGE_KPI_COLUMNS, COMMUNITY_KPI_COLUMNS, type KpiColumn } from "./training/table.js";
