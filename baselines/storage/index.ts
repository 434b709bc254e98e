/**
 * Storage-dispatch baselines (CommunityBattery-v0 and any env that publishes the storage planner
 * contract, planner-contract.ts): the myopic rule, rolling-horizon MPC and the perfect-foresight
 * oracle, plus random actions.
 */
import { createSolver } from "../../src/solvers/index.js";
import type { BaselineFamily } from "../builders.js";
import { randomBuilder } from "../random.js";
import { MpcPolicy } from "./mpc.js";
import { MyopicPolicy } from "./myopic.js";
import { OraclePolicy } from "./oracle.js";

export { MyopicPolicy } from "./myopic.js";
export { MpcPolicy, mpcConfigSchema, type MpcConfig } from "./mpc.js";
export { OraclePolicy, oracleConfigSchema, type OracleConfig, type ForesightEnv } from "./oracle.js";
export { readStorageDispatchInfo, powerToReachEnergyKw, type StorageDispatchInfo } from "./planner-contract.js";

export const STORAGE_BASELINES: BaselineFamily = {
  env: {
    myopic: async () => () => new MyopicPolicy(),
    mpc: async (o) => {
      const solver = await createSolver({ backend: o.solver ?? "auto" });
      return () => new MpcPolicy(solver, o.policyConfig);
    },
    oracle: async (o) => {
      const solver = await createSolver({ backend: o.solver ?? "auto" });
      return (env) => new OraclePolicy(env, solver, o.policyConfig);
    },
    random: randomBuilder,
  },
  parallel: {},
};
