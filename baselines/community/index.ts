/**
 * Local-energy-community baselines. Community-v0: the myopic rule per household and rolling-horizon
 * planning with the centralised LP (`mpc`), the decentralised framework (`mpc-decentral`), ADMM
 * (`mpc-admm`) or the centralised LP on the true load and PV (`oracle`: the perfect-foresight bound). CommunityBatteryGrid-v0:
 * the community battery's self-consumption rule, and the battery's LP (grid-planner.ts) on
 * perfect foresight of the week (`oracle`) or rolled hourly on seasonal-naive forecasts (`mpc`).
 * Random actions for both.
 */
import type { Policy } from "../../src/core/env.js";
import { createSolver } from "../../src/solvers/index.js";
import type { BaselineFamily, ParallelBaselineBuilder } from "../builders.js";
import { parallelRandomBuilder, randomBuilder } from "../random.js";
import { CommunityGridMpcPolicy, CommunityGridOraclePolicy } from "./grid-planner.js";
import { CommunityGridMyopicPolicy, CommunityMyopicPolicy, CommunityPlanningPolicy, type CommunityFramework, type CommunityForecast } from "./policies.js";

export { CommunityMyopicPolicy, CommunityPlanningPolicy, CommunityGridMyopicPolicy, planningInput, type CommunityFramework, type CommunityForecast, type CommunityPlanningOptions } from "./policies.js";
export { buildCentralLp, solveCentral, communityInputFromProfiles, addHouseholdBlock, addCommunityBatteryBlock, tariffPrices, exchangeCostEur, type CommunityCentralInput, type HouseholdLpAssets, type CommunityTariff, type CentralSchedule, type HouseholdSchedule, type CommunityBatterySchedule, type PccSchedule } from "./central.js";
export { CommunityGridOraclePolicy, CommunityGridMpcPolicy, buildGridBatteryLp, solveGridBatteryLp, householdsForesight, type GridBatteryLpInput, type GridBatteryPlan, type HouseholdsForesight, type CommunityGridMpcOptions } from "./grid-planner.js";
export { solveDecentral, type DecentralOptions, type DecentralResult } from "./decentral.js";
export { solveAdmm, admmConfigSchema, type AdmmConfig, type AdmmConfigInput, type AdmmIteration, type AdmmResult } from "./admm.js";

function planner(framework: CommunityFramework, forecast: CommunityForecast = "seasonal-naive"): ParallelBaselineBuilder {
  return async (o) => {
    const solver = await createSolver({ backend: o.solver ?? "auto" });
    return (env) => new CommunityPlanningPolicy(env, solver, { framework, forecast });
  };
}

export const COMMUNITY_BASELINES: BaselineFamily = {
  env: {
    myopic: async () => () => new CommunityGridMyopicPolicy(),
    mpc: async (o) => {
      const solver = await createSolver({ backend: o.solver ?? "auto" });
      return (env) => new CommunityGridMpcPolicy(env, solver) as unknown as Policy;
    },
    oracle: async (o) => {
      const solver = await createSolver({ backend: o.solver ?? "auto" });
      return (env) => new CommunityGridOraclePolicy(env, solver) as unknown as Policy;
    },
    random: randomBuilder,
  },
  parallel: {
    myopic: async () => (env) => new CommunityMyopicPolicy(env),
    mpc: planner("central"),
    "mpc-decentral": planner("decentral"),
    "mpc-admm": planner("admm"),
    oracle: planner("central", "perfect"),
    random: parallelRandomBuilder,
  },
};
