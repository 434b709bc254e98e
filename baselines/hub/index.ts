/**
 * Energy-hub baselines (EnergyHub-v0, and per hub EnergyHubParallel-v0): the fit-and-forget base
 * case, the hub LP for the env's objective, the heat-led myopic rule, the contract-aware LP
 * (day-lp.ts: `oracle` on the coming half hour's true values, `mpc` rolled over the rest of the
 * day), plus random actions.
 */
import type { Env, Policy, PolicyFactory } from "../../src/core/env.js";
import type { HubObjective } from "../../src/planning/hub-lp.js";
import { createSolver } from "../../src/solvers/index.js";
import type { BaselineBuilder, BaselineFamily, ParallelBaselineBuilder } from "../builders.js";
import { parallelRandomBuilder, randomBuilder } from "../random.js";
import { HubContractLpPolicy, HubOraclePolicy } from "./day-lp.js";
import { HubFitAndForgetPolicy, HubLpPolicy, HubMyopicPolicy } from "./policies.js";

export { HubFitAndForgetPolicy, HubLpPolicy, HubMyopicPolicy, hubSetPoints } from "./policies.js";
export { baseCaseDispatch } from "./base-case.js";
export { HubContractLpPolicy, HubOraclePolicy, hubContractTerms } from "./day-lp.js";

const single = {
  "fit-and-forget": async () => () => new HubFitAndForgetPolicy() as unknown as Policy,
  myopic: async () => () => new HubMyopicPolicy() as unknown as Policy,
  /** policyConfig { objective } overrides the env's objective. */
  lp: async (o) => {
    const solver = await createSolver({ backend: o.solver ?? "auto" });
    const objective = (o.policyConfig as { objective?: HubObjective } | undefined)?.objective ?? null;
    return () => new HubLpPolicy(solver, objective) as unknown as Policy;
  },
  oracle: async (o) => {
    const solver = await createSolver({ backend: o.solver ?? "auto" });
    return (env, { seed }) => new HubOraclePolicy(env, solver, seed) as unknown as Policy;
  },
  mpc: async (o) => {
    const solver = await createSolver({ backend: o.solver ?? "auto" });
    return (env) => new HubContractLpPolicy(env, solver, "day") as unknown as Policy;
  },
} satisfies Record<string, BaselineBuilder>;

/**
 * A single-hub baseline played by every hub of EnergyHubParallel-v0: its set-points, then the
 * answer 4 (the cascade: Methods 1, 2, 3, then the balancing market) and no bid.
 */
function perHub(name: keyof typeof single): ParallelBaselineBuilder {
  return async (o) => {
    const factory: PolicyFactory = await single[name](o);
    return (env, seed) => Object.fromEntries(env.possibleAgents.map((agent) => {
      const inner = factory(env as unknown as Env, { seed });
      const policy: Policy = {
        name: inner.name,
        reset: (info) => inner.reset?.(info),
        act: (observation, info) => {
          const setPoints = inner.act(observation, info) as ArrayLike<number>;
          const out = new Float64Array(setPoints.length + 2);
          out.set(setPoints);
          out[setPoints.length] = 4;
          return out;
        },
      };
      return [agent, policy];
    }));
  };
}

export const HUB_BASELINES: BaselineFamily = {
  env: { ...single, random: randomBuilder },
  parallel: {
    "fit-and-forget": perHub("fit-and-forget"),
    myopic: perHub("myopic"),
    lp: perHub("lp"),
    mpc: perHub("mpc"),
    oracle: perHub("oracle"),
    random: parallelRandomBuilder,
  },
};
