/**
 * Baseline controllers, one folder per env family: all are Policies (or joint policies of a
 * parallel env), judged by the same evaluation harness as learners. Each family exports its
 * BaselineFamily, the builders by name that the registry's `baselines` of an env refer to.
 */
export type { BaselineBuilder, BaselineFamily, BaselineOptions, ParallelBaselineBuilder } from "./builders.js";
export { RandomPolicy, parallelRandom } from "./random.js";
export * from "./storage/index.js";
export * from "./microgrid/index.js";
export * from "./hub/index.js";
export * from "./community/index.js";
