/**
 * Builds the named baseline policies for the harness and the CLI. MPC and the oracle
 * need an LP solver, which loads asynchronously once (HiGHS is wasm).
 */
import type { Env, PolicyFactory } from "../src/core/env.js";
import { ConfigError } from "../src/core/errors.js";
import { createSolver, type BackendChoice } from "../src/solvers/index.js";
import { MpcPolicy } from "../baselines/mpc.js";
import { MyopicPolicy } from "../baselines/myopic.js";
import { OraclePolicy } from "../baselines/oracle.js";
import { RandomPolicy } from "../baselines/random.js";

export const BASELINE_NAMES = ["myopic", "mpc", "oracle", "random"] as const;
export type BaselineName = (typeof BASELINE_NAMES)[number];

export interface BaselineOptions {
  solver?: BackendChoice;
  /** Config of the mpc or oracle policy (zod-validated by the policy). */
  policyConfig?: unknown;
}

export async function baselineFactory(name: string, opts: BaselineOptions = {}): Promise<PolicyFactory> {
  switch (name) {
    case "myopic":
      return () => new MyopicPolicy();
    case "random":
      return (env: Env, ctx) => new RandomPolicy(env, ctx.seed);
    case "mpc": {
      const solver = await createSolver({ backend: opts.solver ?? "auto" });
      return () => new MpcPolicy(solver, opts.policyConfig);
    }
    case "oracle": {
      const solver = await createSolver({ backend: opts.solver ?? "auto" });
      return (env: Env) => new OraclePolicy(env, solver, opts.policyConfig);
    }
    default:
      throw new ConfigError("policy", [{ path: "name", expected: `one of ${BASELINE_NAMES.join(", ")}`, received: JSON.stringify(name) }]);
  }
}
