/**
 * Builds the named baseline policies for the harness and the CLI, per environment family:
 * the same names (myopic, mpc, oracle, random) mean each family's own controllers. MPC and
 * the oracle need an LP solver, which loads asynchronously once (HiGHS is wasm).
 */
import type { Env, ParallelEnv, Policy, PolicyFactory } from "../src/core/env.js";
import { Rng } from "../src/core/rng.js";
import { ConfigError } from "../src/core/errors.js";
import { createSolver, type BackendChoice } from "../src/solvers/index.js";
import { MicrogridMyopicPolicy } from "../baselines/microgrid/myopic.js";
import { MicrogridOraclePolicy } from "../baselines/microgrid/oracle.js";
import { MicrogridPredictivePolicy, PREDICTIVE_VARIANTS, type PredictiveVariant } from "../baselines/microgrid/predictive.js";
import { MpcPolicy } from "../baselines/storage/mpc.js";
import { MyopicPolicy } from "../baselines/storage/myopic.js";
import { OraclePolicy } from "../baselines/storage/oracle.js";
import { RandomPolicy } from "../baselines/random.js";
import { HUB_BASELINES } from "../baselines/hub/policies.js";
import { CommunityGridMyopicPolicy, CommunityMyopicPolicy, CommunityPlanningPolicy, type CommunityFramework } from "../baselines/community/policies.js";
import type { CommunityEnv } from "../envs/community/community-env.js";
import type { ParallelPolicy } from "./evaluate-parallel.js";

export const BASELINE_NAMES = ["myopic", "mpc", "oracle", "random", "mpc-reserve", "mpc-stochastic", "fit-and-forget", "lp", "mpc-decentral", "mpc-admm", "mpc-perfect"] as const;
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

/** Builds a joint policy (or one Policy per agent) for one parallel env instance and seed. */
export type ParallelPolicyFactory = (env: ParallelEnv<unknown, unknown>, seed: number) => ParallelPolicy;
type ParallelBuilder = (opts: BaselineOptions) => Promise<ParallelPolicyFactory>;

/** Uniformly random actions for every agent, each from its own seeded stream. */
const parallelRandom: ParallelBuilder = async () => (env, seed) => Object.fromEntries(env.possibleAgents.map((agent) => {
  const space = env.actionSpace(agent);
  const rng = new Rng(seed, `random-policy/${agent}`);
  return [agent, { name: "random", act: () => space.sample(rng) } satisfies Policy];
}));

function communityPlanner(framework: CommunityFramework, forecast: "seasonal-naive" | "perfect" = "seasonal-naive"): ParallelBuilder {
  return async (o) => {
    const solver = await createSolver({ backend: o.solver ?? "auto" });
    return (env) => new CommunityPlanningPolicy(env as unknown as CommunityEnv, solver, { framework, forecast });
  };
}

/**
 * A single-hub baseline played by every hub of EnergyHubParallel-v0: its set-points, then the
 * answer 4 (the cascade: Methods 1, 2, 3, then the balancing market) and no bid.
 */
function hubPerAgent(name: keyof typeof HUB_BASELINES): ParallelBuilder {
  return async (o) => {
    const factory = await HUB_BASELINES[name](o);
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

/** Each parallel env family's joint or per-agent baselines by name. */
const PARALLEL_FAMILIES: Record<string, Partial<Record<BaselineName, ParallelBuilder>>> = {
  "community-parallel": {
    myopic: async () => (env) => new CommunityMyopicPolicy(env as unknown as CommunityEnv),
    mpc: communityPlanner("central"),
    "mpc-decentral": communityPlanner("decentral"),
    "mpc-admm": communityPlanner("admm"),
    "mpc-perfect": communityPlanner("central", "perfect"),
    random: parallelRandom,
  },
  "energy-hub-parallel": {
    "fit-and-forget": hubPerAgent("fit-and-forget"),
    myopic: hubPerAgent("myopic"),
    lp: hubPerAgent("lp"),
    random: parallelRandom,
  },
};

/** The family of a parallel env id. */
export function parallelEnvFamily(envId: string): string {
  if (envId.startsWith("Community-")) return "community-parallel";
  if (envId.startsWith("EnergyHubParallel-")) return "energy-hub-parallel";
  return "unknown";
}

/** The baseline names a parallel env offers. */
export function parallelBaselinesFor(envId: string): BaselineName[] {
  const family = PARALLEL_FAMILIES[parallelEnvFamily(envId)] ?? {};
  return BASELINE_NAMES.filter((n) => family[n] !== undefined);
}

export async function parallelBaselineFactory(name: string, opts: BaselineOptions & { envId: string }): Promise<ParallelPolicyFactory> {
  const builder = PARALLEL_FAMILIES[parallelEnvFamily(opts.envId)]?.[name as BaselineName];
  if (builder === undefined) {
    throw new ConfigError("policy", [{ path: "name", expected: `one of ${parallelBaselinesFor(opts.envId).join(", ")} (for ${opts.envId})`, received: JSON.stringify(name) }]);
  }
  return builder(opts);
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
