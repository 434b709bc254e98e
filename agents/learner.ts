/**
 * The contract between a learner and the training loop (training/train.ts), as SB3 splits
 * algorithms from the loop that drives them: the loop steps a vector env of `numEnvs` envs
 * (src/core/vector.ts), the learner chooses the actions of all of them in one batched forward
 * pass, stores what the vector step returned and decides when to update.
 *
 * A learner is also a Policy: `act(observation, info)` is its greedy / deterministic
 * action for one observation with observation statistics frozen, which is what evaluation
 * scores.
 */
import type { Policy } from "../src/core/env.js";
import type { Space } from "../src/core/spaces.js";
import type { NamedArray } from "./io.js";

export type Algo = "dqn" | "ppo" | "a2c";

/**
 * One vector step as the training loop saw it (a VectorStep of src/core/vector.ts): the
 * observations before it are those the learner explored on.
 */
export interface VectorTransition {
  /** numEnvs x obs: after the step; where an episode ended, the first observation of the next one (same-step autoreset). */
  nextObservations: Float32Array;
  /** numEnvs x obs: row i is the last observation of env i's episode where it ended this step. */
  finalObservations: Float32Array;
  rewards: ArrayLike<number>;
  terminations: ArrayLike<number>;
  truncations: ArrayLike<number>;
}

/** What an update reports (every learner reports `loss`). */
export interface UpdateStats {
  loss: number;
  [metric: string]: number;
}

/** Where a learner stands: restored on resume. */
export interface LearnerProgress {
  /** Env steps consumed so far. */
  steps: number;
  /** Gradient updates done so far. */
  updates: number;
}

/** Everything a learner needs to be built or rebuilt. */
export interface LearnerInit {
  observationSize: number;
  /** The action space the learner acts in (after any training wrapper, e.g. DiscretizeAction). */
  actionSpace: Space<unknown>;
  /** Raw hyperparameters; validated by the learner's zod schema. */
  hyperparameters: unknown;
  seed: number;
  /** Env steps the schedules (epsilon, learning-rate annealing) are laid out over. */
  scheduleSteps: number;
  /**
   * Env steps a learning-rate annealing is laid out over, when not `scheduleSteps`: a resumed DQN
   * keeps its first run's epsilon schedule but anneals its step size through the new end.
   */
  learningRateScheduleSteps?: number;
  /** Envs stepped together (the vector env's numEnvs); default 1. */
  numEnvs?: number;
  /**
   * Actor-critics: the leading observation elements the actor reads (the rest is for the critic
   * alone: a centralised critic's team state, AgentSharing's `criticState: "team"`); default all.
   */
  actorObservationSize?: number;
}

/** A learning agent driven by training/train.ts. */
export interface Learner<Act = unknown> extends Policy<Float32Array, Act> {
  readonly algo: Algo;
  readonly progress: LearnerProgress;
  /** The validated hyperparameters (defaults filled). */
  readonly config: Record<string, unknown>;
  /** Envs it acts for in `explore` (fixed at construction). */
  readonly numEnvs: number;
  /** Numbers per action in `explore`'s output: the Box's size, or 1 for a Discrete. */
  readonly actionSize: number;
  /**
   * Chooses the actions to explore with for `numEnvs` observations (numEnvs x obs, env-major)
   * and writes them into `out` (numEnvs x actionSize, in the learner's action space: a
   * Discrete index including `start`, or a point of the Box); updates observation statistics
   * and remembers the batch for `observe`.
   */
  explore(observations: Float32Array, out: Float64Array): void;
  /** Stores the vector step that followed the last `explore`; returns stats when it updated. */
  observe(t: VectorTransition): UpdateStats | null;
  /** DQN's current epsilon; undefined for learners without one. */
  exploration(): number | undefined;
  /** Everything to save: JSON state and named arrays (weights, optimizer slots). */
  snapshot(): Promise<{ state: Record<string, unknown>; arrays: NamedArray[] }>;
  /** Restores a snapshot written by `snapshot` (weights, optimizer, statistics, progress). */
  restore(state: Record<string, unknown>, arrays: Map<string, NamedArray>): Promise<void>;
  /** All network weights, in a fixed order (for comparisons and tests). */
  weights(): Float32Array[];
  dispose(): void;
}
