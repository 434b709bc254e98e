/**
 * The contract between a learner and the training loop (training/train.ts), as SB3 splits
 * algorithms from the loop that drives them: the loop steps the env, the learner chooses
 * actions, stores what it sees and decides when to update.
 *
 * A learner is also a Policy: `act(observation, info)` is its greedy / deterministic
 * action with observation statistics frozen, which is what evaluation scores.
 */
import type { Policy } from "../src/core/env.js";
import type { Space } from "../src/core/spaces.js";
import type { NamedArray } from "./io.js";

export type Algo = "dqn" | "ppo" | "a2c";

/** One env step as the training loop saw it. */
export interface Transition<Act> {
  observation: Float32Array;
  action: Act;
  reward: number;
  nextObservation: Float32Array;
  terminated: boolean;
  truncated: boolean;
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
}

/** A learning agent driven by training/train.ts. */
export interface Learner<Act = unknown> extends Policy<Float32Array, Act> {
  readonly algo: Algo;
  readonly progress: LearnerProgress;
  /** The validated hyperparameters (defaults filled). */
  readonly config: Record<string, unknown>;
  /** Chooses the action to explore with (and updates observation statistics). */
  explore(observation: Float32Array): Act;
  /** Stores the transition of the last `explore`d action; returns stats when it updated. */
  observe(t: Transition<Act>): UpdateStats | null;
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
