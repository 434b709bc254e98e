/** Baseline controllers: all are Policies, judged by the same evaluation harness as learners. */
export { MyopicPolicy } from "./storage/myopic.js";
export { MpcPolicy, mpcConfigSchema, type MpcConfig } from "./storage/mpc.js";
export { OraclePolicy, oracleConfigSchema, type OracleConfig, type ForesightEnv } from "./storage/oracle.js";
export { RandomPolicy } from "./random.js";
export { buildCommunityLp, type CommunityLpInput, type CommunityPlan } from "../src/planning/storage-lp.js";
export { readStorageDispatchInfo, powerToReachEnergyKw, type StorageDispatchInfo } from "./storage/planner-contract.js";
export { MicrogridMyopicPolicy } from "./microgrid/myopic.js";
export { buildMicrogridLp, planSetPointKw, MICROGRID_LP_DEFAULTS, type MicrogridLpInput, type MicrogridLpBattery, type MicrogridLpScenario, type MicrogridPlan, type MicrogridScenarioPlan } from "../src/planning/microgrid-lp.js";
export {
  MicrogridPredictivePolicy, microgridPredictiveConfigSchema, PREDICTIVE_VARIANTS, RESERVE_AWARE_SOC,
  type MicrogridPredictiveConfig, type MicrogridPredictiveConfigInput, type PredictiveVariant, type PlanningForecast, type PlanningTimings,
} from "./microgrid/predictive.js";
export { MicrogridOraclePolicy, microgridOracleConfigSchema, type MicrogridOracleConfig, type MicrogridForesightEnv } from "./microgrid/oracle.js";
export { readMicrogridInfo, type MicrogridInfo } from "./microgrid/planner-contract.js";
export { buildCentralLp, solveCentral, communityInputFromProfiles, addHouseholdBlock, addCommunityBatteryBlock, tariffPrices, exchangeCostEur, type CommunityCentralInput, type HouseholdLpAssets, type CommunityTariff, type CentralSchedule, type HouseholdSchedule, type CommunityBatterySchedule, type PccSchedule } from "./community/central.js";
export { solveDecentral, type DecentralOptions, type DecentralResult } from "./community/decentral.js";
export { solveAdmm, admmConfigSchema, type AdmmConfig, type AdmmConfigInput, type AdmmIteration, type AdmmResult } from "./community/admm.js";
export { HubFitAndForgetPolicy, HubLpPolicy, HubMyopicPolicy, hubSetPoints } from "./hub/policies.js";
export { baseCaseDispatch } from "./hub/base-case.js";
export { CommunityMyopicPolicy, CommunityPlanningPolicy, CommunityGridMyopicPolicy, planningInput, type JointPolicy, type CommunityFramework, type CommunityForecast, type CommunityPlanningOptions } from "./community/policies.js";
