/** Baseline controllers: all are Policies, judged by the same evaluation harness as learners. */
export { MyopicPolicy } from "./myopic.js";
export { MpcPolicy, mpcConfigSchema, type MpcConfig } from "./mpc.js";
export { OraclePolicy, oracleConfigSchema, type OracleConfig, type ForesightEnv } from "./oracle.js";
export { RandomPolicy } from "./random.js";
export { buildCommunityLp, type CommunityLpInput, type CommunityPlan } from "./community-lp.js";
export { readStorageDispatchInfo, powerToReachEnergyKw, type StorageDispatchInfo } from "./storage-dispatch.js";
export { MicrogridMyopicPolicy } from "./microgrid-myopic.js";
export { buildMicrogridLp, planSetPointKw, MICROGRID_LP_DEFAULTS, type MicrogridLpInput, type MicrogridLpBattery, type MicrogridLpScenario, type MicrogridPlan, type MicrogridScenarioPlan } from "./microgrid-lp.js";
export {
  MicrogridPredictivePolicy, microgridPredictiveConfigSchema, PREDICTIVE_VARIANTS, RESERVE_AWARE_SOC,
  type MicrogridPredictiveConfig, type MicrogridPredictiveConfigInput, type PredictiveVariant, type PlanningForecast, type PlanningTimings,
} from "./microgrid-predictive.js";
export { MicrogridOraclePolicy, microgridOracleConfigSchema, type MicrogridOracleConfig, type MicrogridForesightEnv } from "./microgrid-oracle.js";
export { readMicrogridInfo, type MicrogridInfo } from "./microgrid-info.js";
export { buildCentralLp, solveCentral, communityInputFromProfiles, addHouseholdBlock, addCommunityBatteryBlock, tariffPrices, exchangeCostEur, type CommunityCentralInput, type HouseholdLpAssets, type CommunityTariff, type CentralSchedule, type HouseholdSchedule, type CommunityBatterySchedule, type PccSchedule } from "./community-central.js";
export { solveDecentral, type DecentralOptions, type DecentralResult } from "./community-decentral.js";
export { solveAdmm, admmConfigSchema, type AdmmConfig, type AdmmConfigInput, type AdmmIteration, type AdmmResult } from "./community-admm.js";
export { HubFitAndForgetPolicy, HubLpPolicy, HubMyopicPolicy, hubSetPoints } from "./hub-policies.js";
export { baseCaseDispatch, buildHubLp, solveHubDispatch, HUB_OBJECTIVES, type HubObjective } from "./hub-lp.js";
export { CommunityMyopicPolicy, CommunityPlanningPolicy, CommunityGridMyopicPolicy, planningInput, type JointPolicy, type CommunityFramework, type CommunityForecast, type CommunityPlanningOptions } from "./community-policies.js";
