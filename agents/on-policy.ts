/**
 * What PPO and A2C share, as SB3's OnPolicyAlgorithm: an actor-critic sampled into a rollout
 * buffer (rewards scaled, time limits bootstrapped from the critic), GAE once the rollout is
 * full, then the algorithm's own update; plus observation statistics, the learning-rate
 * schedule, the random streams and save/restore. With a vector env of N envs a rollout is
 * `nSteps` vector steps, T x N transitions (SB3's and CleanRL's convention: `nSteps` is per env),
 * acted on with one actor and one critic forward pass per vector step. Each algorithm file keeps its hyperparameters,
 * its optimizer and its update, and reads top to bottom on its own.
 */
import { Rng } from "../src/core/rng.js";
import type { NormalizeObservationState } from "../src/core/wrappers/normalize-observation.js";
import { ActorCritic } from "./actor-critic.js";
import type { NamedArray } from "./io.js";
import type { Learner, LearnerInit, LearnerProgress, UpdateStats, VectorTransition } from "./learner.js";
import { ObservationNormalizer } from "./normalizer.js";
import { RolloutBuffer } from "./rollout-buffer.js";
import { linearSchedule, type Schedule } from "./schedules.js";

/** The hyperparameters every on-policy learner has (its zod schema documents them and their defaults). */
export type OnPolicyConfigCommon = {
  learningRate: number;
  annealLearningRate: boolean;
  nSteps: number;
  gamma: number;
  gaeLambda: number;
  hiddenSizes: number[];
  initLogStd: number | number[];
  initActionMean: number[] | null;
  rewardScale: number;
  normalizeObservations: boolean;
};

/** An optimizer over the policy's host copies (HostAdam, HostRmsProp; see host-train.ts). */
export interface HostOptimizer {
  learningRate: number;
  step(params: readonly Float32Array[], grads: readonly Float32Array[]): void;
  arrays(shapes: readonly (readonly number[])[]): NamedArray[];
  restore(arrays: Map<string, NamedArray>): boolean;
}

/** What `explore` remembers for the following `observe`: the batch it sampled. */
interface Pending {
  /** Normalised observations, numEnvs x obs. */
  observations: Float32Array;
  /** Raw actions (u for a Box, the index for a Discrete), numEnvs x actionDim. */
  raw: Float32Array;
  logProbs: Float32Array;
  values: Float32Array;
  /** Scaled rewards of the step, bootstrapped where a time limit cut an episode. */
  rewards: Float32Array;
  dones: Uint8Array;
  /** One normalised observation (time-limit bootstrapping) and all of them (the rollout's last values). */
  one: Float32Array;
  next: Float32Array;
  lastValues: Float32Array;
}

/** An actor-critic learner that collects `nSteps` transitions, then updates on them. */
export abstract class OnPolicyLearner<C extends OnPolicyConfigCommon> implements Learner<Float32Array | number> {
  abstract readonly algo: "ppo" | "a2c";
  abstract readonly name: string;
  readonly config: C;
  readonly progress: LearnerProgress = { steps: 0, updates: 0 };
  readonly policy: ActorCritic;
  /** Gradients read back from tfjs, one array per policy variable, for the host optimizer. */
  protected readonly grads: Float32Array[];
  protected readonly buffer: RolloutBuffer;
  protected readonly learningRateSchedule: Schedule;
  protected readonly obsSize: number;
  /** The learner's root random stream; children are named by what they draw for. */
  protected readonly root: Rng;
  readonly numEnvs: number;
  readonly actionSize: number;
  readonly #normalizer: ObservationNormalizer;
  #sampleRng: Rng;
  readonly #pending: Pending;
  #explored = false;

  /** The optimizer on the policy's host copies (the source of truth for its weights; see host-train.ts). */
  protected abstract readonly optimizer: HostOptimizer;
  /** The optimizer's name as the snapshot describes its state ("Adam", "RMSprop"). */
  protected abstract readonly optimizerName: string;
  /** Updates on the full rollout (returns and advantages computed). */
  protected abstract update(): UpdateStats;
  /** Re-derives the algorithm's own random streams after a restore at `steps` (PPO: its minibatch shuffles). */
  protected abstract restoreStreams(steps: number): void;

  /** @param stream names the root random stream (the algorithm: "ppo", "a2c") */
  protected constructor(init: LearnerInit, config: C, stream: string) {
    this.config = config;
    this.obsSize = init.observationSize;
    this.root = new Rng(init.seed, stream);
    this.policy = new ActorCritic(init.observationSize, init.actionSpace, config.hiddenSizes, config.initLogStd, this.root.child("init"), config.initActionMean, init.actorObservationSize ?? null);
    this.grads = this.policy.hostArrays.map((a) => new Float32Array(a.length));
    this.numEnvs = init.numEnvs ?? 1;
    this.actionSize = this.policy.actionDim;
    this.buffer = new RolloutBuffer(config.nSteps, init.observationSize, this.policy.actionDim, this.numEnvs);
    const n = this.numEnvs;
    const d = init.observationSize;
    this.#pending = {
      observations: new Float32Array(n * d),
      raw: new Float32Array(n * this.policy.actionDim),
      logProbs: new Float32Array(n),
      values: new Float32Array(n),
      rewards: new Float32Array(n),
      dones: new Uint8Array(n),
      one: new Float32Array(d),
      next: new Float32Array(n * d),
      lastValues: new Float32Array(n),
    };
    this.#normalizer = new ObservationNormalizer(init.observationSize, config.normalizeObservations);
    this.learningRateSchedule = config.annealLearningRate ? linearSchedule(config.learningRate, 0, init.scheduleSteps) : () => config.learningRate;
    this.#sampleRng = this.root.child("sample");
  }

  /** The deterministic action (clipped Gaussian mean, or most likely index), statistics frozen. */
  act(observation: Float32Array): Float32Array | number {
    return this.policy.toEnvAction(this.policy.deterministic(this.#normalizer.normalize(observation)));
  }

  exploration(): undefined {
    return undefined;
  }

  /** Samples the batch's actions from the policy (one forward pass each for actor and critic); remembers them for `observe`. */
  explore(observations: Float32Array, out: Float64Array): void {
    const n = this.numEnvs;
    const d = this.obsSize;
    const p = this.#pending;
    for (let i = 0; i < n; i++) this.#normalizer.update(observations.subarray(i * d, (i + 1) * d));
    for (let i = 0; i < n; i++) this.#normalizer.normalize(observations.subarray(i * d, (i + 1) * d), p.observations, i * d);
    this.policy.sampleBatch(p.observations, n, this.#sampleRng, p.raw, p.logProbs, p.values);
    for (let i = 0; i < n; i++) this.policy.writeEnvAction(p.raw, i, out, i * this.actionSize);
    this.#explored = true;
  }

  /** Stores the vector step; when the rollout is full, computes GAE per env and updates. */
  observe(t: VectorTransition): UpdateStats | null {
    if (!this.#explored) throw new Error(`${this.name}: observe() without a preceding explore()`);
    this.#explored = false;
    const cfg = this.config;
    const n = this.numEnvs;
    const d = this.obsSize;
    const p = this.#pending;
    for (let i = 0; i < n; i++) {
      let reward = t.rewards[i]! * cfg.rewardScale;
      const terminated = t.terminations[i] === 1;
      const truncated = t.truncations[i] === 1;
      // a time limit is no terminal state: bootstrap the cut-off return from V(final observation)
      if (truncated && !terminated) {
        this.#normalizer.normalize(t.finalObservations.subarray(i * d, (i + 1) * d), p.one);
        reward += cfg.gamma * this.policy.value(p.one);
      }
      p.rewards[i] = reward;
      p.dones[i] = terminated || truncated ? 1 : 0;
    }
    this.buffer.add(p.observations, p.raw, p.rewards, p.dones, p.values, p.logProbs);
    this.progress.steps += n;
    if (!this.buffer.full) return null;
    for (let i = 0; i < n; i++) this.#normalizer.normalize(t.nextObservations.subarray(i * d, (i + 1) * d), p.next, i * d);
    this.policy.valueBatch(p.next, n, p.lastValues);
    this.buffer.computeReturnsAndAdvantages(p.lastValues, cfg.gamma, cfg.gaeLambda);
    const stats = this.update();
    this.buffer.reset();
    return stats;
  }

  async snapshot(): Promise<{ state: Record<string, unknown>; arrays: NamedArray[] }> {
    return {
      state: {
        progress: { ...this.progress },
        normalizer: this.#normalizer.getState(),
        restored: `weights, log-std, ${this.optimizerName} state, observation statistics, step counter; a partial rollout is dropped`,
      },
      arrays: [...this.policy.arrays(), ...this.optimizer.arrays(this.policy.variables.map((v) => v.shape))],
    };
  }

  async restore(state: Record<string, unknown>, arrays: Map<string, NamedArray>): Promise<void> {
    this.policy.setArrays(arrays);
    this.optimizer.restore(arrays);
    this.#normalizer.setState(state["normalizer"] as NormalizeObservationState);
    Object.assign(this.progress, state["progress"] as LearnerProgress);
    // a resumed run draws fresh samples, not the ones the first run drew from step 0
    this.#sampleRng = this.root.child(`sample/${this.progress.steps}`);
    this.restoreStreams(this.progress.steps);
  }

  weights(): Float32Array[] {
    return this.policy.weights();
  }

  dispose(): void {
    this.policy.dispose();
  }
}

/** Standardises `x` in place (mean 0, std 1; CleanRL adds 1e-8 to the std). */
export function normalizeInPlace(x: Float32Array): void {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i]!;
  mean /= x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i]! - mean) ** 2;
  // CleanRL uses the sample std (torch.std is unbiased)
  const std = Math.sqrt(v / Math.max(1, x.length - 1));
  for (let i = 0; i < x.length; i++) x[i] = (x[i]! - mean) / (std + 1e-8);
}
