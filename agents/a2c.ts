/**
 * A2C (Mnih et al. 2016, synchronous): one gradient step per short rollout on the policy
 * gradient with a learned baseline, entropy bonus and value loss. Reads top to bottom:
 * hyperparameters, networks (the actor-critic shared with PPO), rollout and update.
 *
 * Defaults are SB3's A2C (RMSprop with alpha 0.99 and eps 1e-5, lr 7e-4, 5 steps per
 * rollout, GAE lambda 1 i.e. n-step returns, value coefficient 0.5, max gradient norm 0.5,
 * no advantage normalisation); `rewardScale` and `initLogStd` are ours.
 */
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { parseConfig } from "../src/core/errors.js";
import { Rng } from "../src/core/rng.js";
import type { NormalizeObservationState } from "../src/core/wrappers/normalize-observation.js";
import { ActorCritic } from "./actor-critic.js";
import { HostRmsProp, clipByGlobalNormHost, readGradients } from "./host-train.js";
import type { NamedArray } from "./io.js";
import type { Learner, LearnerInit, LearnerProgress, Transition, UpdateStats } from "./learner.js";
import { ObservationNormalizer } from "./normalizer.js";
import { normalizeInPlace } from "./ppo.js";
import { RolloutBuffer } from "./rollout-buffer.js";
import { linearSchedule, type Schedule } from "./schedules.js";

// ---------------------------------------------------------------- hyperparameters

/** A2C hyperparameters; every field has a default. */
export const a2cConfigSchema = z.strictObject({
  /** RMSprop step size (SB3: 7e-4). */
  learningRate: z.number().positive().default(7e-4),
  /** Anneal the learning rate linearly to 0 over the run (SB3: constant). */
  annealLearningRate: z.boolean().default(false),
  /** Env steps per rollout and update (SB3: 5). */
  nSteps: z.number().int().positive().default(5),
  /** Discount factor per step. */
  gamma: z.number().min(0).max(1).default(0.99),
  /** GAE lambda; 1 gives plain n-step returns (SB3: 1). */
  gaeLambda: z.number().min(0).max(1).default(1),
  /** Normalise advantages over the rollout (SB3: false). */
  normalizeAdvantage: z.boolean().default(false),
  /** Entropy bonus coefficient (SB3: 0). */
  entCoef: z.number().min(0).default(0),
  /** Value loss coefficient (SB3: 0.5). */
  vfCoef: z.number().min(0).default(0.5),
  /** Maximum global gradient norm; 0 disables clipping (SB3: 0.5). */
  maxGradNorm: z.number().min(0).default(0.5),
  /** RMSprop decay (SB3: alpha 0.99). */
  rmsPropDecay: z.number().gt(0).lt(1).default(0.99),
  /** RMSprop epsilon (SB3: 1e-5). */
  rmsPropEpsilon: z.number().positive().default(1e-5),
  /** Hidden layer widths of actor and critic (SB3: two layers of 64). */
  hiddenSizes: z.array(z.number().int().positive()).min(1).default([64, 64]),
  /** Initial log standard deviation of the Gaussian, in normalised action units ([-1, 1] spans the Box). */
  initLogStd: z.number().default(0),
  /** Multiplies every reward before it is stored (CommunityBattery rewards are tens of EUR a step). */
  rewardScale: z.number().positive().default(0.01),
  /** Standardise observations with running statistics. */
  normalizeObservations: z.boolean().default(true),
});

export type A2cConfig = z.output<typeof a2cConfigSchema>;

/** Validates A2C hyperparameters (defaults filled); throws ConfigError naming each bad field. */
export function parseA2cConfig(input: unknown): A2cConfig {
  return parseConfig("a2c hyperparameters", a2cConfigSchema, input ?? {});
}

// ---------------------------------------------------------------- the learner

/** Synchronous advantage actor-critic over a Box (Gaussian) or Discrete (categorical) action space. */
export class A2cLearner implements Learner<Float32Array | number> {
  readonly algo = "a2c" as const;
  readonly name = "a2c";
  readonly config: A2cConfig;
  readonly progress: LearnerProgress = { steps: 0, updates: 0 };
  readonly policy: ActorCritic;
  /** RMSprop on the policy's host copies (the source of truth for its weights; see host-train.ts). */
  readonly #optimizer: HostRmsProp;
  readonly #grads: Float32Array[];
  readonly #buffer: RolloutBuffer;
  readonly #normalizer: ObservationNormalizer;
  readonly #learningRate: Schedule;
  readonly #root: Rng;
  #sampleRng: Rng;
  #pending: { observation: Float32Array; raw: Float32Array; logProb: number; value: number } | null = null;
  readonly #obsSize: number;

  /** @throws ConfigError for an invalid hyperparameter or an unsupported action space */
  constructor(init: LearnerInit) {
    const cfg = parseA2cConfig(init.hyperparameters);
    this.config = cfg;
    this.#obsSize = init.observationSize;
    this.#root = new Rng(init.seed, "a2c");
    this.policy = new ActorCritic(init.observationSize, init.actionSpace, cfg.hiddenSizes, cfg.initLogStd, this.#root.child("init"));
    this.#optimizer = new HostRmsProp(this.policy.hostArrays, cfg.learningRate, cfg.rmsPropDecay, 0, cfg.rmsPropEpsilon);
    this.#grads = this.policy.hostArrays.map((a) => new Float32Array(a.length));
    this.#buffer = new RolloutBuffer(cfg.nSteps, init.observationSize, this.policy.actionDim);
    this.#normalizer = new ObservationNormalizer(init.observationSize, cfg.normalizeObservations);
    this.#learningRate = cfg.annealLearningRate ? linearSchedule(cfg.learningRate, 0, init.scheduleSteps) : () => cfg.learningRate;
    this.#sampleRng = this.#root.child("sample");
  }

  /** The deterministic action (clipped Gaussian mean, or most likely index), statistics frozen. */
  act(observation: Float32Array): Float32Array | number {
    return this.policy.toEnvAction(this.policy.deterministic(this.#normalizer.normalize(observation)));
  }

  exploration(): undefined {
    return undefined;
  }

  explore(observation: Float32Array): Float32Array | number {
    this.#normalizer.update(observation);
    const obs = this.#normalizer.normalize(observation);
    const s = this.policy.sample(obs, this.#sampleRng);
    this.#pending = { observation: obs, raw: s.raw, logProb: s.logProb, value: s.value };
    return this.policy.toEnvAction(s.raw);
  }

  observe(t: Transition<Float32Array | number>): UpdateStats | null {
    const cfg = this.config;
    const p = this.#pending!;
    this.#pending = null;
    let reward = t.reward * cfg.rewardScale;
    if (t.truncated && !t.terminated) reward += cfg.gamma * this.policy.value(this.#normalizer.normalize(t.nextObservation));
    this.#buffer.add(p.observation, p.raw, reward, t.terminated || t.truncated, p.value, p.logProb);
    this.progress.steps++;
    if (!this.#buffer.full) return null;
    this.#buffer.computeReturnsAndAdvantages(this.policy.value(this.#normalizer.normalize(t.nextObservation)), cfg.gamma, cfg.gaeLambda);
    const stats = this.#update();
    this.#buffer.reset();
    return stats;
  }

  /** One gradient step on the whole rollout. */
  #update(): UpdateStats {
    const cfg = this.config;
    const buf = this.#buffer;
    const n = buf.size;
    const d = this.#obsSize;
    const lr = this.#learningRate(this.progress.steps - n);
    this.#optimizer.learningRate = lr;
    const adv = buf.advantages.slice(0, n);
    if (cfg.normalizeAdvantage && n > 1) normalizeInPlace(adv);
    const loss = tf.tidy(() => {
      const obs = tf.tensor2d(buf.observations.subarray(0, n * d), [n, d]);
      const actions = tf.tensor2d(buf.actions.subarray(0, n * this.policy.actionDim), [n, this.policy.actionDim]);
      const advantages = tf.tensor1d(adv);
      const returns = tf.tensor1d(buf.returns.slice(0, n));
      const { value, grads } = tf.variableGrads(() => {
        const e = this.policy.evaluate(obs, actions);
        const pgLoss = tf.neg(tf.mean(tf.mul(advantages, e.logProb)));
        const vLoss = tf.mean(tf.square(tf.sub(returns, e.value)));
        return tf.add(tf.sub(pgLoss, tf.mul(cfg.entCoef, tf.mean(e.entropy))), tf.mul(cfg.vfCoef, vLoss)) as tf.Scalar;
      }, this.policy.variables);
      // one read-back of every gradient; clipping and RMSprop run on the host copies
      readGradients(this.policy.variables, grads, this.#grads);
      return value;
    });
    const lossValue = loss.dataSync()[0]!;
    loss.dispose();
    clipByGlobalNormHost(this.#grads, cfg.maxGradNorm);
    this.#optimizer.step(this.policy.hostArrays, this.#grads);
    this.policy.pushHost();
    this.progress.updates++;
    return { loss: lossValue, learningRate: lr };
  }

  async snapshot(): Promise<{ state: Record<string, unknown>; arrays: NamedArray[] }> {
    return {
      state: { progress: { ...this.progress }, normalizer: this.#normalizer.getState(), restored: "weights, log-std, RMSprop state, observation statistics, step counter; a partial rollout is dropped" },
      arrays: [...this.policy.arrays(), ...this.#optimizer.arrays(this.policy.variables.map((v) => v.shape))],
    };
  }

  async restore(state: Record<string, unknown>, arrays: Map<string, NamedArray>): Promise<void> {
    this.policy.setArrays(arrays);
    this.#optimizer.restore(arrays);
    this.#normalizer.setState(state["normalizer"] as NormalizeObservationState);
    Object.assign(this.progress, state["progress"] as LearnerProgress);
    this.#sampleRng = this.#root.child(`sample/${this.progress.steps}`);
  }

  weights(): Float32Array[] {
    return this.policy.weights();
  }

  dispose(): void {
    this.policy.dispose();
  }
}
