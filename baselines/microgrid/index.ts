/**
 * Microgrid baselines (Microgrid-v0, and MicrogridDiscrete-v0 through the nearest level): the
 * myopic rule, the predictive planners (rolling-horizon LP on the forecasts, with a reserve or
 * over a scenario tree) and the perfect-foresight oracle, plus random actions.
 */
import { createSolver } from "../../src/solvers/index.js";
import type { BaselineBuilder, BaselineFamily } from "../builders.js";
import { randomBuilder } from "../random.js";
import { MicrogridMyopicPolicy } from "./myopic.js";
import { MicrogridOraclePolicy } from "./oracle.js";
import { MicrogridPredictivePolicy, PREDICTIVE_VARIANTS, type PredictiveVariant } from "./predictive.js";

export { MicrogridMyopicPolicy } from "./myopic.js";
export {
  MicrogridPredictivePolicy, microgridPredictiveConfigSchema, MPC_FORECASTER, PREDICTIVE_VARIANTS, RESERVE_AWARE_SOC, STOCHASTIC_OUTAGE_CVAR, batteryShareOfMissKw,
  type MicrogridPredictiveConfig, type MicrogridPredictiveConfigInput, type PredictiveVariant, type PlanningForecast, type PlanningTimings,
} from "./predictive.js";
export { MicrogridOraclePolicy, microgridOracleConfigSchema, type MicrogridOracleConfig } from "./oracle.js";
export type { MicrogridForesightEnv } from "../../envs/microgrid/contract.js";
export { readMicrogridInfo, type MicrogridInfo } from "./planner-contract.js";

/**
 * A predictive planner: the variant's settings, then policyConfig on top (an object), so
 * `--policy mpc-reserve` with policyConfig { reserveSoc: 0.5 } changes only the reserve.
 */
function predictive(variant: PredictiveVariant): BaselineBuilder {
  return async (o) => {
    const solver = await createSolver({ backend: o.solver ?? "auto" });
    const extra = typeof o.policyConfig === "object" && o.policyConfig !== null ? o.policyConfig : {};
    return () => new MicrogridPredictivePolicy(solver, { ...PREDICTIVE_VARIANTS[variant], ...extra }, variant);
  };
}

export const MICROGRID_BASELINES: BaselineFamily = {
  env: {
    myopic: async () => () => new MicrogridMyopicPolicy(),
    mpc: predictive("mpc"),
    "mpc-reserve": predictive("mpc-reserve"),
    "mpc-stochastic": predictive("mpc-stochastic"),
    oracle: async (o) => {
      const solver = await createSolver({ backend: o.solver ?? "auto" });
      return (env) => new MicrogridOraclePolicy(env, solver, o.policyConfig);
    },
    random: randomBuilder,
  },
  parallel: {},
};
