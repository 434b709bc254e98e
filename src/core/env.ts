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

export type Info = Record<string, unknown>;

export interface ResetOptions {
  /** Re-seeds every random stream of the env. Omitted: the env keeps its generator. */
  seed?: number;
  /** Env-specific reset options (e.g. a start index). */
  options?: Record<string, unknown>;
}

export interface ResetResult<Obs> {
  observation: Obs;
  info: Info;
}

export interface StepResult<Obs> {
  observation: Obs;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Info;
}

/** Where an env instance came from: set by make(). */
export interface EnvSpecRef {
  id: string;
  config: unknown;
}

export interface Env<Obs = unknown, Act = unknown> {
  readonly observationSpace: Space<Obs>;
  readonly actionSpace: Space<Act>;
  /** Set by make(); undefined for an env constructed by hand. */
  spec?: EnvSpecRef;
  reset(opts?: ResetOptions): ResetResult<Obs>;
  step(action: Act): StepResult<Obs>;
  close(): void;
  /** The innermost env below any wrappers. */
  readonly unwrapped: Env<unknown, unknown>;
}

export interface ParallelResetResult<Obs> {
  observations: Record<string, Obs>;
  infos: Record<string, Info>;
}

export interface ParallelStepResult<Obs> {
  observations: Record<string, Obs>;
  rewards: Record<string, number>;
  terminations: Record<string, boolean>;
  truncations: Record<string, boolean>;
  infos: Record<string, Info>;
}

/**
 * PettingZoo's parallel API: all live agents act at once. `possibleAgents` is fixed;
 * `agents` lists the agents still acting and shrinks as they finish.
 */
export interface ParallelEnv<Obs = unknown, Act = unknown> {
  readonly possibleAgents: readonly string[];
  readonly agents: readonly string[];
  observationSpace(agent: string): Space<Obs>;
  actionSpace(agent: string): Space<Act>;
  spec?: EnvSpecRef;
  reset(opts?: ResetOptions): ParallelResetResult<Obs>;
  step(actions: Record<string, Act>): ParallelStepResult<Obs>;
  close(): void;
}

/** Anything that chooses actions: rule-based baselines, MPC, trained learners. */
export interface Policy<Obs = unknown, Act = unknown> {
  readonly name: string;
  /** Called after every env reset with the reset's info, before the first act(). */
  reset?(info: Info): void;
  act(observation: Obs, info: Info): Act;
}

/** One policy acting for every agent of a ParallelEnv at once (a central planner). */
export interface JointPolicy<Obs = Float32Array, Act = ArrayLike<number>> {
  readonly name: string;
  /** Called after every reset with the reset's infos. */
  reset?(infos: Record<string, Info>): void;
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
