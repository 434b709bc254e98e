/**
 * How a family's baselines are offered by name: each family folder exports one
 * BaselineFamily, and the registry entry of each env names which of them serve it. MPC and the
 * oracles need an LP solver, which loads asynchronously once (HiGHS is wasm), so a builder is
 * async and returns a factory that builds the policy per env instance and episode.
 */
import type { ParallelPolicyFactory, PolicyFactory } from "../src/core/env.js";
import type { BackendChoice } from "../src/solvers/index.js";

export interface BaselineOptions {
  solver?: BackendChoice;
  /** Config of the policy (validated by the policy itself). */
  policyConfig?: unknown;
}

export type BaselineBuilder = (opts: BaselineOptions) => Promise<PolicyFactory>;
export type ParallelBaselineBuilder = (opts: BaselineOptions) => Promise<ParallelPolicyFactory>;

/** A family's baselines by name, for its single-agent envs and for its parallel envs. */
export interface BaselineFamily {
  env: Readonly<Record<string, BaselineBuilder>>;
  parallel: Readonly<Record<string, ParallelBaselineBuilder>>;
}
