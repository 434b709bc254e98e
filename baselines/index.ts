/** Baseline controllers: all are Policies, judged by the same evaluation harness as learners. */
export { MyopicPolicy } from "./myopic.js";
export { MpcPolicy, mpcConfigSchema, type MpcConfig } from "./mpc.js";
export { OraclePolicy, oracleConfigSchema, type OracleConfig, type ForesightEnv } from "./oracle.js";
export { RandomPolicy } from "./random.js";
export { buildCommunityLp, type CommunityLpInput, type CommunityPlan } from "./community-lp.js";
export { readStorageDispatchInfo, powerToReachEnergyKw, type StorageDispatchInfo } from "./storage-dispatch.js";
export { MicrogridMyopicPolicy } from "./microgrid-myopic.js";
