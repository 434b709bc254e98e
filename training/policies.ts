/**
 * Builds the named baseline policies for the harness and the CLI, per environment family:
 * the same names (myopic, mpc, oracle, random) mean each family's own controllers. MPC and
 * the oracle need an LP solver, which loads asynchronously once (HiGHS is wasm).
 */
import type { Env, PolicyFactory } from "../src/core/env.js";
import { ConfigError } from "../src/core/errors.js";
import { createSolver, type BackendChoice } from "../src/solvers/index.js";
import { MicrogridMyopicPolicy } from "../baselines/microgrid-myopic.js";
import { MicrogridOraclePolicy } from "../baselines/microgrid-oracle.js";
import { MicrogridPredictivePolicy, PREDICTIVE_VARIANTS, type PredictiveVariant } from "../baselines/microgrid-predictive.js";
import { MpcPolicy } from "../baselines/mpc.js";
import { MyopicPolicy } from "../baselines/myopic.js";
import { OraclePolicy } from "../baselines/oracle.js";
import { RandomPolicy } from "../baselines/random.js";
import { HUB_BASELINES } from "../baselines/hub-policies.js";
import { CommunityGridMyopicPolicy } from "../baselines/community-policies.js";

export const BASELINE_NAMES = ["myopic", "mpc", "oracle", "random", "mpc-reserve", "mpc-stochastic", "fit-and-forget", "lp"] as const;
export type BaselineName = (typeof BASELINE_NAMES)[number];

export interface BaselineOptions {
  solver?: BackendChoice;
  /** Config of the mpc or oracle policy (zod-validated by the policy). */
  policyConfig?: unknown;
  /** The env the policy will drive (default CommunityBattery-v0): picks the family's controllers. */
  envId?: string;
}

type Builder = (opts: BaselineOptions) => Promise<PolicyFactory>;

const random: Builder = async () => (env: Env, ctx) => new RandomPolicy(env, ctx.seed);

/**
 * A microgrid predictive planner: the variant's settings, then policyConfig on top (an object),
 * so `--policy mpc-reserve` with policyConfig { reserveSoc: 0.5 } changes only the reserve.
 */
function microgridPredictive(variant: PredictiveVariant): Builder {
  return async (o) => {
    const solver = await createSolver({ backend: o.solver ?? "auto" });
    const extra = typeof o.policyConfig === "object" && o.policyConfig !== null ? o.policyConfig : {};
    return () => new MicrogridPredictivePolicy(solver, { ...PREDICTIVE_VARIANTS[variant], ...extra }, variant);
  };
}

/** Each family's controllers by baseline name; a family without a name does not offer it. */
const FAMILIES: Record<string, Partial<Record<BaselineName, Builder>>> = {
  "energy-hub": { ...HUB_BASELINES, random },
  "community-grid": {
    myopic: async () => () => new CommunityGridMyopicPolicy(),
    random,
  },
  community: {
    myopic: async () => () => new MyopicPolicy(),
    random,
    mpc: async (o) => {
      const solver = await createSolver({ backend: o.solver ?? "auto" });
      return () => new MpcPolicy(solver, o.policyConfig);
    },
    oracle: async (o) => {
      const solver = await createSolver({ backend: o.solver ?? "auto" });
      return (env: Env) => new OraclePolicy(env, solver, o.policyConfig);
    },
  },
  microgrid: {
    myopic: async () => () => new MicrogridMyopicPolicy(),
    random,
    mpc: microgridPredictive("mpc"),
    "mpc-reserve": microgridPredictive("mpc-reserve"),
    "mpc-stochastic": microgridPredictive("mpc-stochastic"),
    oracle: async (o) => {
      const solver = await createSolver({ backend: o.solver ?? "auto" });
      return (env: Env) => new MicrogridOraclePolicy(env, solver, o.policyConfig);
    },
  },
};

/** The family of an env id: its name before the version, e.g. "Microgrid-v0" → microgrid. */
export function envFamily(envId: string): string {
  if (envId.startsWith("CommunityBattery-")) return "community";
  if (envId.startsWith("CommunityBatteryGrid-")) return "community-grid";
  if (envId.startsWith("Microgrid")) return "microgrid";
  if (envId.startsWith("EnergyHub")) return "energy-hub";
  return "unknown";
}

/** The baseline names an env offers. */
export function baselinesFor(envId: string): BaselineName[] {
  const family = FAMILIES[envFamily(envId)] ?? {};
  return BASELINE_NAMES.filter((n) => family[n] !== undefined);
}

export async function baselineFactory(name: string, opts: BaselineOptions = {}): Promise<PolicyFactory> {
  const envId = opts.envId ?? "CommunityBattery-v0";
  const offered = baselinesFor(envId);
  const builder = FAMILIES[envFamily(envId)]?.[name as BaselineName];
  if (builder === undefined) {
    throw new ConfigError("policy", [{ path: "name", expected: `one of ${offered.join(", ")} (for ${envId})`, received: JSON.stringify(name) }]);
  }
  return builder(opts);
}
