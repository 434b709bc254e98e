/**
 * PPO (Schulman et al. 2017): clipped surrogate objective, generalised advantage estimation,
 * clipped value loss, several epochs of shuffled minibatches per rollout. Gaussian policy
 * with a learned log-std for Box actions (sampled actions are clipped into the Box, see
 * actor-critic.ts), categorical for Discrete. Reads top to bottom as CleanRL's
 * ppo_continuous_action.py: hyperparameters, networks, then rollout and update.
 *
 * Defaults are CleanRL's ppo_continuous_action.py (lr 3e-4 annealed linearly, 2048 steps,
 * 32 minibatches, 10 epochs, clip 0.2, GAE lambda 0.95, value coefficient 0.5, max gradient
 * norm 0.5, advantage normalisation); `rewardScale` and `initLogStd` are ours (see their docs).
 */
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { parseConfig } from "../src/core/errors.js";
import { Rng } from "../src/core/rng.js";
import type { NormalizeObservationState } from "../src/core/wrappers/normalize-observation.js";
import { ActorCritic } from "./actor-critic.js";
import { HostAdam, clipByGlobalNormHost, readGradients } from "./host-train.js";
import type { NamedArray } from "./io.js";
import type { Learner, LearnerInit, LearnerProgress, Transition, UpdateStats } from "./learner.js";
import { ObservationNormalizer } from "./normalizer.js";
import { RolloutBuffer } from "./rollout-buffer.js";
import { linearSchedule, type Schedule } from "./schedules.js";

// ---------------------------------------------------------------- hyperparameters

/** PPO hyperparameters; every field has a default. */
export const ppoConfigSchema = z.strictObject({
  /** Adam step size at step 0 (CleanRL: 3e-4). */
  learningRate: z.number().positive().default(3e-4),
  /** Anneal the learning rate linearly to 0 over the run (CleanRL: true). */
  annealLearningRate: z.boolean().default(true),
  /** Env steps per rollout (CleanRL: 2048). */
  nSteps: z.number().int().positive().default(2048),
  /** Minibatches per epoch; minibatch size = nSteps / numMinibatches (CleanRL: 32). */
  numMinibatches: z.number().int().positive().default(32),
  /** Passes over each rollout (CleanRL: 10). */
  updateEpochs: z.number().int().positive().default(10),
  /** Discount factor per step. */
  gamma: z.number().min(0).max(1).default(0.99),
  /** GAE lambda (CleanRL: 0.95). */
  gaeLambda: z.number().min(0).max(1).default(0.95),
  /** Surrogate clipping coefficient epsilon (CleanRL: 0.2). */
  clipCoef: z.number().positive().default(0.2),
  /** Clip the value loss around the rollout's values as well (CleanRL: true). */
  clipValueLoss: z.boolean().default(true),
  /** Normalise advantages per minibatch (CleanRL: true). */
  normalizeAdvantage: z.boolean().default(true),
  /** Entropy bonus coefficient (CleanRL continuous: 0). */
  entCoef: z.number().min(0).default(0),
  /** Value loss coefficient (CleanRL: 0.5). */
  vfCoef: z.number().min(0).default(0.5),
  /** Maximum global gradient norm; 0 disables clipping (CleanRL: 0.5). */
  maxGradNorm: z.number().min(0).default(0.5),
  /** Hidden layer widths of actor and critic (CleanRL: two layers of 64, tanh). */
  hiddenSizes: z.array(z.number().int().positive()).min(1).default([64, 64]),
  /** Initial log standard deviation of the Gaussian, in normalised action units ([-1, 1] spans the Box). */
  initLogStd: z.number().default(0),
  /** Multiplies every reward before it is stored (CommunityBattery rewards are tens of EUR a step). */
  rewardScale: z.number().positive().default(0.01),
  /** Standardise observations with running statistics. */
  normalizeObservations: z.boolean().default(true),
});

export type PpoConfig = z.output<typeof ppoConfigSchema>;

/** Validates PPO hyperparameters (defaults filled); throws ConfigError naming each bad field. */
export function parsePpoConfig(input: unknown): PpoConfig {
  return parseConfig("ppo hyperparameters", ppoConfigSchema, input ?? {});
}

/** What `explore` remembers for the following `observe`. */
interface Pending {
  observation: Float32Array;
  raw: Float32Array;
  logProb: number;
  value: number;
}

// ---------------------------------------------------------------- the learner

/** PPO with clipping over a Box (Gaussian) or Discrete (categorical) action space. */
export class PpoLearner implements Learner<Float32Array | number> {
  readonly algo = "ppo" as const;
  readonly name = "ppo";
  readonly config: PpoConfig;
  readonly progress: LearnerProgress = { steps: 0, updates: 0 };
  readonly policy: ActorCritic;
  /** Adam on the policy's host copies (the source of truth for its weights; see host-train.ts). */
  readonly #optimizer: HostAdam;
  readonly #grads: Float32Array[];
  readonly #buffer: RolloutBuffer;
  readonly #normalizer: ObservationNormalizer;
  readonly #learningRate: Schedule;
  readonly #root: Rng;
  #sampleRng: Rng;
  #minibatchRng: Rng;
  #pending: Pending | null = null;
  readonly #obsSize: number;

  /** @throws ConfigError for an invalid hyperparameter or an unsupported action space */
  constructor(init: LearnerInit) {
    const cfg = parsePpoConfig(init.hyperparameters);
    this.config = cfg;
    this.#obsSize = init.observationSize;
    this.#root = new Rng(init.seed, "ppo");
    this.policy = new ActorCritic(init.observationSize, init.actionSpace, cfg.hiddenSizes, cfg.initLogStd, this.#root.child("init"));
    // CleanRL uses eps 1e-5 for PPO's Adam
    this.#optimizer = new HostAdam(this.policy.hostArrays, cfg.learningRate, 0.9, 0.999, 1e-5);
    this.#grads = this.policy.hostArrays.map((a) => new Float32Array(a.length));
    this.#buffer = new RolloutBuffer(cfg.nSteps, init.observationSize, this.policy.actionDim);
    this.#normalizer = new ObservationNormalizer(init.observationSize, cfg.normalizeObservations);
    this.#learningRate = cfg.annealLearningRate ? linearSchedule(cfg.learningRate, 0, init.scheduleSteps) : () => cfg.learningRate;
    this.#sampleRng = this.#root.child("sample");
    this.#minibatchRng = this.#root.child("minibatch");
  }

  /** The deterministic action (clipped Gaussian mean, or most likely index), statistics frozen. */
  act(observation: Float32Array): Float32Array | number {
    return this.policy.toEnvAction(this.policy.deterministic(this.#normalizer.normalize(observation)));
  }

  exploration(): undefined {
    return undefined;
  }

  /** Samples from the policy; remembers the sample for `observe`. */
  explore(observation: Float32Array): Float32Array | number {
    this.#normalizer.update(observation);
    const obs = this.#normalizer.normalize(observation);
    const s = this.policy.sample(obs, this.#sampleRng);
    this.#pending = { observation: obs, raw: s.raw, logProb: s.logProb, value: s.value };
    return this.policy.toEnvAction(s.raw);
  }

  /** Stores the step; when the rollout is full, computes GAE and updates. */
  observe(t: Transition<Float32Array | number>): UpdateStats | null {
    const cfg = this.config;
    const p = this.#pending!;
    this.#pending = null;
    let reward = t.reward * cfg.rewardScale;
    // a time limit is no terminal state: bootstrap the cut-off return from V(final observation)
    if (t.truncated && !t.terminated) reward += cfg.gamma * this.policy.value(this.#normalizer.normalize(t.nextObservation));
    this.#buffer.add(p.observation, p.raw, reward, t.terminated || t.truncated, p.value, p.logProb);
    this.progress.steps++;
    if (!this.#buffer.full) return null;
    const lastValue = this.policy.value(this.#normalizer.normalize(t.nextObservation));
    this.#buffer.computeReturnsAndAdvantages(lastValue, cfg.gamma, cfg.gaeLambda);
    const stats = this.#update();
    this.#buffer.reset();
    return stats;
  }

  /** `updateEpochs` passes of shuffled minibatches over the rollout. */
  #update(): UpdateStats {
    const cfg = this.config;
    const buf = this.#buffer;
    const lr = this.#learningRate(this.progress.steps - buf.size);
    this.#optimizer.learningRate = lr;
    const params = this.policy.hostArrays;
    const batchSize = Math.max(1, Math.floor(buf.size / cfg.numMinibatches));
    const d = this.#obsSize;
    const vars = this.policy.variables;
    let lossSum = 0;
    let clipFracSum = 0;
    let count = 0;
    for (let epoch = 0; epoch < cfg.updateEpochs; epoch++) {
      for (const idx of buf.minibatchIndices(this.#minibatchRng, batchSize)) {
        const n = idx.length;
        const adv = RolloutBuffer.gather(buf.advantages, 1, idx);
        if (cfg.normalizeAdvantage && n > 1) normalizeInPlace(adv);
        const [loss, clipFrac] = tf.tidy(() => {
          const obs = tf.tensor2d(RolloutBuffer.gather(buf.observations, d, idx), [n, d]);
          const actions = tf.tensor2d(RolloutBuffer.gather(buf.actions, this.policy.actionDim, idx), [n, this.policy.actionDim]);
          const oldLogProb = tf.tensor1d(RolloutBuffer.gather(buf.logProbs, 1, idx));
          const oldValue = tf.tensor1d(RolloutBuffer.gather(buf.values, 1, idx));
          const returns = tf.tensor1d(RolloutBuffer.gather(buf.returns, 1, idx));
          const advantages = tf.tensor1d(adv);
          let clipped: tf.Scalar | null = null;
          const { value, grads } = tf.variableGrads(() => {
            const e = this.policy.evaluate(obs, actions);
            const ratio = tf.exp(tf.sub(e.logProb, oldLogProb));
            const pg1 = tf.mul(tf.neg(advantages), ratio);
            const pg2 = tf.mul(tf.neg(advantages), tf.clipByValue(ratio, 1 - cfg.clipCoef, 1 + cfg.clipCoef));
            const pgLoss = tf.mean(tf.maximum(pg1, pg2));
            clipped = tf.keep(tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), cfg.clipCoef), "float32")) as tf.Scalar);
            let vLoss: tf.Tensor;
            if (cfg.clipValueLoss) {
              const unclipped = tf.square(tf.sub(e.value, returns));
              const vClipped = tf.add(oldValue, tf.clipByValue(tf.sub(e.value, oldValue), -cfg.clipCoef, cfg.clipCoef));
              vLoss = tf.mul(0.5, tf.mean(tf.maximum(unclipped, tf.square(tf.sub(vClipped, returns)))));
            } else {
              vLoss = tf.mul(0.5, tf.mean(tf.square(tf.sub(e.value, returns))));
            }
            return tf.add(tf.sub(pgLoss, tf.mul(cfg.entCoef, tf.mean(e.entropy))), tf.mul(cfg.vfCoef, vLoss)) as tf.Scalar;
          }, vars);
          // one read-back of every gradient; clipping and Adam run on the host copies
          readGradients(vars, grads, this.#grads);
          return [value, clipped!];
        });
        clipByGlobalNormHost(this.#grads, cfg.maxGradNorm);
        this.#optimizer.step(params, this.#grads);
        this.policy.pushHost();
        lossSum += loss.dataSync()[0]!;
        clipFracSum += clipFrac.dataSync()[0]!;
        count++;
        loss.dispose();
        clipFrac.dispose();
        this.progress.updates++;
      }
    }
    return { loss: lossSum / count, clipFraction: clipFracSum / count, learningRate: lr };
  }

  async snapshot(): Promise<{ state: Record<string, unknown>; arrays: NamedArray[] }> {
    return {
      state: { progress: { ...this.progress }, normalizer: this.#normalizer.getState(), restored: "weights, log-std, Adam state, observation statistics, step counter; a partial rollout is dropped" },
      arrays: [...this.policy.arrays(), ...this.#optimizer.arrays(this.policy.variables.map((v) => v.shape))],
    };
  }

  async restore(state: Record<string, unknown>, arrays: Map<string, NamedArray>): Promise<void> {
    this.policy.setArrays(arrays);
    this.#optimizer.restore(arrays);
    this.#normalizer.setState(state["normalizer"] as NormalizeObservationState);
    Object.assign(this.progress, state["progress"] as LearnerProgress);
    this.#sampleRng = this.#root.child(`sample/${this.progress.steps}`);
    this.#minibatchRng = this.#root.child(`minibatch/${this.progress.steps}`);
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
