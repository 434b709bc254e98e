/**
 * The environment contracts: Env (single agent, Gymnasium semantics), ParallelEnv
 * (PettingZoo's parallel API) and Policy (anything that acts: baselines and learners).
 *
 * What a caller may rely on:
 * - `reset({ seed })` fully re-seeds; the same seed and the same actions give
 *   bit-identical observations, rewards and infos, in any thread.
 * - `terminated` means the system reached a terminal state; `truncated` means a time
 *   limit cut the episode. Both false while the episode runs.
 * - `step` before the first `reset`, or after the episode ended, throws ResetNeededError.
 * - An action outside `actionSpace` throws InvalidActionError; it is never clipped silently.
 * - `close()` may be called any number of times.
 */
import type { Space } from "./spaces.js";

/** Per-step diagnostics an env reports beside the reward (keys are env-specific; values are plain data). */
export type Info = Record<string, unknown>;

/** Options of `reset`. */
export interface ResetOptions {
  /** Re-seeds every random stream of the env. Omitted: the env keeps its generator. */
  seed?: number;
  /** Env-specific reset options (e.g. a start index). */
  options?: Record<string, unknown>;
}

/** What `reset` returns: the first observation of the episode and its info. */
export interface ResetResult<Obs> {
  /** The first observation; it lies in the env's `observationSpace`. */
  observation: Obs;
  /** Diagnostics of the reset (env-specific keys). */
  info: Info;
}

/** What `step` returns for one transition. */
export interface StepResult<Obs> {
  /** The observation after the action; it lies in the env's `observationSpace`. */
  observation: Obs;
  /** The reward of this transition (its units and sign are stated by each env; higher is better). */
  reward: number;
  /** True when the system reached a terminal state; `reset` is then needed before the next `step`. */
  terminated: boolean;
  /** True when a time limit cut the episode; `reset` is then needed. */
  truncated: boolean;
  /** Diagnostics of this step (env-specific keys). */
  info: Info;
}

/** Where an env instance came from: set by make(). */
export interface EnvSpecRef {
  /** The registered id passed to make(). */
  id: string;
  /** The config after validation, with defaults filled in. */
  config: unknown;
}

/**
 * A single-agent environment with Gymnasium's reset/step semantics (see this file's header for the
 * guarantees).
 */
export interface Env<Obs = unknown, Act = unknown> {
  /** The space every observation lies in. */
  readonly observationSpace: Space<Obs>;
  /** The space every action must lie in; `step` throws InvalidActionError for any other action. */
  readonly actionSpace: Space<Act>;
  /** Set by make(); undefined for an env constructed by hand. */
  spec?: EnvSpecRef;
  /** Starts a new episode; with `seed`, re-seeds every random stream of the env. */
  reset(opts?: ResetOptions): ResetResult<Obs>;
  /**
   * Applies one action and advances the env by one step; throws ResetNeededError before `reset` or after the
   * episode ended.
   */
  step(action: Act): StepResult<Obs>;
  /** Releases the env's resources; safe to call any number of times. */
  close(): void;
  /** The innermost env below any wrappers. */
  readonly unwrapped: Env<unknown, unknown>;
}

/** What `ParallelEnv.reset` returns: one observation and one info per agent. */
export interface ParallelResetResult<Obs> {
  /** The first observation of each agent, keyed by agent name. */
  observations: Record<string, Obs>;
  /** Diagnostics of the reset, keyed by agent name. */
  infos: Record<string, Info>;
}

/** What `ParallelEnv.step` returns: per-agent records keyed by agent name. */
export interface ParallelStepResult<Obs> {
  /** Each agent's observation after the joint action. */
  observations: Record<string, Obs>;
  /** Each agent's reward for this step. */
  rewards: Record<string, number>;
  /** True for each agent that reached a terminal state. */
  terminations: Record<string, boolean>;
  /** True for each agent whose episode a time limit cut. */
  truncations: Record<string, boolean>;
  /** Each agent's diagnostics for this step. */
  infos: Record<string, Info>;
}

/**
 * PettingZoo's parallel API: all live agents act at once. `possibleAgents` is fixed;
 * `agents` lists the agents still acting and shrinks as they finish.
 */
export interface ParallelEnv<Obs = unknown, Act = unknown> {
  /** Every agent the env can ever have, fixed for the env's lifetime. */
  readonly possibleAgents: readonly string[];
  /** The agents still acting in the current episode. */
  readonly agents: readonly string[];
  /** The space of `agent`'s observations. */
  observationSpace(agent: string): Space<Obs>;
  /** The space `agent`'s actions must lie in. */
  actionSpace(agent: string): Space<Act>;
  /**
   * Indices of `agent`'s Box action elements that take integer values only (a choice among
   * options, e.g. a hub's answer to a deviation request); none when absent.
   */
  integerActionElements?(agent: string): readonly number[];
  /** Set by makeParallel(); undefined for an env constructed by hand. */
  spec?: EnvSpecRef;
  /** Starts a new episode for every agent; with `seed`, re-seeds every random stream of the env. */
  reset(opts?: ResetOptions): ParallelResetResult<Obs>;
  /** Applies one action per live agent and advances the env by one step. */
  step(actions: Record<string, Act>): ParallelStepResult<Obs>;
  /** Releases the env's resources; safe to call any number of times. */
  close(): void;
}

/** Anything that chooses actions: rule-based baselines, MPC, trained learners. */
export interface Policy<Obs = unknown, Act = unknown> {
  /** A display name, used in logs and KPI tables. */
  readonly name: string;
  /** Called after every env reset with the reset's info, before the first act(). */
  reset?(info: Info): void;
  /** Chooses the action for `observation`; `info` is the info of the last reset or step. */
  act(observation: Obs, info: Info): Act;
}

/** One policy acting for every agent of a ParallelEnv at once (a central planner). */
export interface JointPolicy<Obs = Float32Array, Act = ArrayLike<number>> {
  /** A display name, used in logs and KPI tables. */
  readonly name: string;
  /** Called after every reset with the reset's infos. */
  reset?(infos: Record<string, Info>): void;
  /** Chooses one action per live agent from their observations and last infos. */
  act(observations: Record<string, Obs>, infos: Record<string, Info>): Record<string, Act>;
  /** The policy's own figures for the episode since the last reset (merged into the episode's KPIs). */
  kpis?(): Record<string, number>;
}

/** What drives a ParallelEnv: a joint policy, or one Policy per agent. */
export type ParallelPolicy = JointPolicy | Record<string, Policy<unknown, unknown>>;

/** Builds a joint policy (or one Policy per agent) for one parallel env instance and episode seed. */
export type ParallelPolicyFactory = (env: ParallelEnv<unknown, unknown>, seed: number) => ParallelPolicy;

/** What a policy factory learns about the episode it is built for. */
export interface PolicyContext {
  /** The episode seed; a stochastic policy derives its own stream from it. */
  seed: number;
}

/** Builds a policy for one env instance (a baseline that needs the env's parameters). */
export type PolicyFactory<Obs = unknown, Act = unknown> = (env: Env<Obs, Act>, ctx: PolicyContext) => Policy<Obs, Act>;
