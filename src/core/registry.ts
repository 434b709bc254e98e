/**
 * The environment registry: `register` an id with its config schema and constructor,
 * `make` an instance from a validated config, `list` what is there.
 *
 * Ids are versioned, `Name-vN`; a change to an environment's dynamics bumps N. make()
 * validates the config with the env's zod schema (filling defaults) and throws one
 * ConfigError naming every bad field; an unknown id throws UnregisteredEnvError with
 * the nearest registered id as a suggestion.
 */
import type { z } from "zod";
import type { Env, ParallelEnv } from "./env.js";
import { ConfigError, UnregisteredEnvError, describeValue, editDistance, parseConfig } from "./errors.js";

const ID_PATTERN = /^[A-Za-z][A-Za-z0-9_]*(?:\/[A-Za-z][A-Za-z0-9_]*)?-v\d+$/;

/** How an env's (or each agent's) action is shaped: a Box of reals, or Discrete choices. */
export type ActionKind = "box" | "discrete";

/**
 * Default learner settings of an env. `gridgym benchmark` trains its learners on the user's env
 * config with `envConfig` applied over it; evaluation always runs the config as given, so every
 * policy is judged on the same task.
 */
export interface TrainingDefaults {
  /** Env config fields for training only (e.g. a reward baseline that lowers the variance). */
  envConfig?: Record<string, unknown>;
  /**
   * Env config fields of the learners' interface (action parameterisation, observation
   * scaling): applied in training unless the user's config sets them, saved with the model and
   * applied again whenever the model acts, so a model always meets the interface it learned.
   * They must leave the physics and the KPIs unchanged.
   */
  policyConfig?: Record<string, unknown>;
  /**
   * Per learner ("dqn", "ppo", "a2c"): settings that replace the package's defaults for this
   * env (training/learner-defaults.ts); hyperparameters are merged field by field.
   */
  learners?: Record<string, LearnerDefaults>;
}

/**
 * How `gridgym benchmark` judges policies on an env: the cost every policy is ranked by and which
 * of the env's baselines play the myopic rule, the rolling-horizon planner and the
 * perfect-foresight oracle (the upper bound), so regret and the share of the oracle's saving can
 * be computed per seed.
 */
export interface BenchmarkRoles {
  /** KPI key of the cost (lower is better) every policy is ranked by, e.g. `totalCostEur`. */
  costKpi: string;
  /** How the table names that cost, with its unit, e.g. `total cost (EUR)`. */
  costLabel: string;
  /** The myopic rule-based baseline. */
  myopic: string;
  /** The rolling-horizon planner on forecasts, when the env has one. */
  mpc?: string;
  /** The perfect-foresight baseline (the upper bound), when the env has one. */
  oracle?: string;
  /**
   * Held-out evaluation seeds `gridgym benchmark` uses when the user names none (default 5): more
   * where the seeds' weeks differ so much that 5 paired differences cannot tell policies apart.
   */
  seeds?: number;
}

/** How a learner trains by default: vector envs, env steps, hyperparameters. */
export interface LearnerDefaults {
  /** Envs stepped together. */
  numEnvs?: number;
  /** Env steps of the benchmark's budget. */
  steps?: number;
  hyperparameters?: Record<string, unknown>;
}

interface BaseSpec<S extends z.ZodType> {
  id: string;
  /** One line: what the environment models. */
  description: string;
  configSchema: S;
  /**
   * The env family whose baselines serve it (baselines/<family>/): `storage`, `microgrid`,
   * `energy-hub` or `community` for the bundled ids.
   */
  family?: string;
  /** The baseline policies that run on this env, by name (each family's own controllers); default none. */
  baselines?: readonly string[];
  actionKind: ActionKind;
  training?: TrainingDefaults;
  /** How the benchmark ranks policies on this env; each role names one of `baselines`. */
  benchmark?: BenchmarkRoles;
  /** Steps in one episode under the default config, for documentation and listings. */
  defaultEpisodeSteps?: number;
}

/** The registry entry of a single-agent env (`kind: "env"`), built by make(). */
export interface EnvSpec<S extends z.ZodType = z.ZodType> extends BaseSpec<S> {
  kind: "env";
  /** Builds an env from a config already validated by `configSchema` (defaults filled). */
  create(config: z.output<S>): Env<unknown, unknown>;
}

/** The registry entry of a parallel multi-agent env (`kind: "parallel"`), built by makeParallel(). */
export interface ParallelEnvSpec<S extends z.ZodType = z.ZodType> extends BaseSpec<S> {
  kind: "parallel";
  /** Builds a parallel env from a config already validated by `configSchema` (defaults filled). */
  create(config: z.output<S>): ParallelEnv<unknown, unknown>;
}

/** Any registry entry: single-agent or parallel, told apart by `kind`. */
export type AnyEnvSpec = EnvSpec | ParallelEnvSpec;

const registry = new Map<string, AnyEnvSpec>();

/** Registers an id; registering the same id twice throws (bump the version instead). */
export function register<S extends z.ZodType>(spec: EnvSpec<S> | ParallelEnvSpec<S>): void {
  if ((spec.baselines ?? []).length > 0 && spec.family === undefined) {
    throw new ConfigError("register", [{ path: "family", expected: "the family whose baselines serve the env (it names baselines)", received: "undefined" }]);
  }
  if (spec.actionKind !== "box" && spec.actionKind !== "discrete") {
    throw new ConfigError("register", [{ path: "actionKind", expected: '"box" or "discrete"', received: describeValue(spec.actionKind) }]);
  }
  if (!ID_PATTERN.test(spec.id)) {
    throw new ConfigError("register", [{ path: "id", expected: "Name-vN (e.g. CommunityBattery-v0)", received: JSON.stringify(spec.id) }]);
  }
  for (const role of ["myopic", "mpc", "oracle"] as const) {
    const name = spec.benchmark?.[role];
    if (name !== undefined && !(spec.baselines ?? []).includes(name)) {
      throw new ConfigError("register", [{ path: `benchmark.${role}`, expected: `one of the env's baselines (${(spec.baselines ?? []).join(", ") || "none"})`, received: JSON.stringify(name) }]);
    }
  }
  if (registry.has(spec.id)) {
    throw new ConfigError("register", [{ path: "id", expected: "an id not yet registered", received: JSON.stringify(spec.id) }]);
  }
  registry.set(spec.id, spec as unknown as AnyEnvSpec);
}

/** The registered id nearest to `id`, or null when none is close. */
export function suggestId(id: string): string | null {
  let best: string | null = null;
  let bestScore = Infinity;
  const bare = id.replace(/-v\d+$/, "");
  for (const known of registry.keys()) {
    // the same name at another version is always the best suggestion
    const score = known.replace(/-v\d+$/, "").toLowerCase() === bare.toLowerCase() ? 0 : editDistance(id, known);
    if (score < bestScore) {
      bestScore = score;
      best = known;
    }
  }
  return best !== null && bestScore <= Math.max(3, Math.floor(id.length / 3)) ? best : null;
}

/** The spec of a registered id. */
export function spec(id: string): AnyEnvSpec {
  const found = registry.get(id);
  if (!found) throw new UnregisteredEnvError(id, suggestId(id));
  return found;
}

/** Validates `config` against the env's schema and fills its defaults, without building the env. */
export function resolveConfig(id: string, config: unknown = {}): unknown {
  return parseConfig(`${id} config`, spec(id).configSchema, config);
}

/** Builds a single-agent env from a registered id and a config (validated, defaults filled). */
export function make<Obs = unknown, Act = unknown>(id: string, config: unknown = {}): Env<Obs, Act> {
  const s = spec(id);
  if (s.kind !== "env") {
    throw new ConfigError("make", [{ path: "id", expected: "a single-agent env id (use makeParallel)", received: JSON.stringify(id) }]);
  }
  const resolved = parseConfig(`${id} config`, s.configSchema, config);
  const env = s.create(resolved);
  env.spec = { id, config: resolved };
  return env as Env<Obs, Act>;
}

/** Builds a ParallelEnv from a registered id and a config. */
export function makeParallel<Obs = unknown, Act = unknown>(id: string, config: unknown = {}): ParallelEnv<Obs, Act> {
  const s = spec(id);
  if (s.kind !== "parallel") {
    throw new ConfigError("makeParallel", [{ path: "id", expected: "a parallel env id (use make)", received: JSON.stringify(id) }]);
  }
  const resolved = parseConfig(`${id} config`, s.configSchema, config);
  const env = s.create(resolved);
  env.spec = { id, config: resolved };
  return env as ParallelEnv<Obs, Act>;
}

/** Registered specs, sorted by id. */
export function list(): AnyEnvSpec[] {
  return [...registry.values()].sort((a, b) => a.id.localeCompare(b.id));
}
