/**
 * DQN for Discrete action spaces: double DQN (van Hasselt et al. 2016) with a target
 * network (Mnih et al. 2015), Huber loss, epsilon-greedy exploration on a linear schedule
 * and uniform replay, of one-step or n-step transitions (`nStep`, agents/n-step.ts). Reads top to bottom as CleanRL's dqn.py does: hyperparameters,
 * network, then the learner (acting, storing, updating).
 *
 * Defaults follow SB3's DQN (train every 4 steps, Huber loss, max gradient norm 10, final
 * epsilon 0.05) and CleanRL's dqn.py (Adam, ReLU MLP), with the benchmark network
 * (two hidden layers of 64) and batch (64), and a target update every 1,000 steps for
 * 168-step battery episodes; fields marked "tuned" were tuned on CommunityBattery-v0
 * with bench/learning.ts.
 *
 * Box envs are driven through DiscretizeAction's levels by the training loop; the number
 * of levels (`actionLevels`) is a hyperparameter here so one file describes the run.
 *
 * Vector envs (SB3's convention): `trainFrequency` counts vector steps and each training round
 * does `gradientSteps` gradient steps, so N envs give N times fewer gradient steps per env
 * step at the same settings; `learningStarts`, `targetUpdateInterval` and the epsilon
 * schedule count env steps. Epsilon is drawn once per env: env i explores with its own coin.
 */
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { ConfigError, parseConfig } from "../src/core/errors.js";
import { Rng } from "../src/core/rng.js";
import { Discrete } from "../src/core/spaces.js";
import type { NormalizeObservationState } from "../src/core/wrappers/normalize-observation.js";
import { networkArrays, takeArrays, type NamedArray } from "./io.js";
import type { Learner, LearnerInit, LearnerProgress, UpdateStats, VectorTransition } from "./learner.js";
import { HostAdam, backwardHost, clipByGlobalNormHost, forwardDevice, forwardTape, zerosLike } from "./host-train.js";
import { Mlp } from "./networks.js";
import { ObservationNormalizer } from "./normalizer.js";
import { NStepQueue } from "./n-step.js";
import { ReplayBuffer } from "./replay-buffer.js";
import { linearSchedule, type Schedule } from "./schedules.js";

// ---------------------------------------------------------------- hyperparameters

/** DQN hyperparameters; every field has a default. */
export const dqnConfigSchema = z.strictObject({
  learningRate: z.number().positive().default(5e-4).meta({ description: "Adam step size (tuned on CommunityBattery-v0; SB3: 1e-4, CleanRL: 2.5e-4)." }),
  annealLearningRate: z.boolean().default(false).meta({ description: "Anneal the learning rate linearly to 0 over the run (as PPO does; SB3's DQN: constant), so the greedy policy settles rather than swings between evaluations. A resumed run anneals on through its new end (epsilon keeps the first run's schedule)." }),
  bufferSize: z.number().int().positive().default(100_000).meta({ description: "Transitions kept in the replay buffer." }),
  batchSize: z.number().int().positive().default(64).meta({ description: "Transitions per gradient step (the issue's benchmark: 64)." }),
  gamma: z.number().min(0).max(1).default(0.99).meta({ description: "Discount factor per step (0.99: a horizon of ~100 hours spans the 24 h price look-ahead)." }),
  nStep: z.number().int().min(1).max(64).default(1).meta({ description: "Steps each stored reward spans (n-step returns; Rainbow: 3): the target bootstraps from the observation n steps on with gamma^n, or fewer where the episode ended. 1: one-step DQN (SB3, CleanRL)." }),
  tau: z.number().gt(0).max(1).default(1).meta({ description: "Target network update rate: 1 copies the online network (Mnih et al.), < 1 is Polyak averaging." }),
  targetUpdateInterval: z.number().int().positive().default(1000).meta({ description: "Env steps between target network updates (SB3: 10,000; 1,000 suits short runs)." }),
  trainFrequency: z.number().int().positive().default(4).meta({ description: "Vector steps between training rounds (SB3's train_freq: 4); with N envs a round follows every 4 N env steps." }),
  gradientSteps: z.number().int().positive().default(1).meta({ description: "Gradient steps per training round (SB3: 1)." }),
  learningStarts: z.number().int().min(0).default(1000).meta({ description: "Env steps of random-policy data before the first update (and after a resume, to refill the buffer)." }),
  explorationFraction: z.number().gt(0).max(1).default(0.3).meta({ description: "Fraction of the run over which epsilon falls from `explorationInitialEps` to `explorationFinalEps`." }),
  explorationInitialEps: z.number().min(0).max(1).default(1).meta({ description: "Epsilon at step 0." }),
  explorationFinalEps: z.number().min(0).max(1).default(0.05).meta({ description: "Epsilon after the exploration fraction (SB3: 0.05)." }),
  maxGradNorm: z.number().min(0).default(10).meta({ description: "Maximum global gradient norm; 0 disables clipping (SB3: 10)." }),
  hiddenSizes: z.array(z.number().int().positive()).min(1).default([64, 64]).meta({ description: "Hidden layer widths (the issue's benchmark: two layers of 64)." }),
  rewardScale: z.number().positive().default(0.01).meta({ description: "Multiplies every reward before it is stored: CommunityBattery rewards are tens of EUR a step." }),
  normalizeObservations: z.boolean().default(true).meta({ description: "Standardise observations with running statistics (kW in the hundreds beside prices near 0.1)." }),
  actionLevels: z.number().int().min(2).nullable().default(null).meta({ description: "Levels per element of a Box action for the DiscretizeAction wrapper (ignored for Discrete envs); the learner sees Discrete(levels^k). Elements of zero width (and, on a parallel env, those no agent can move) get one level. null: 11 for one element that moves, else the most that keep levels^m <= 1024 for the m that move (5 for 4)." }),
});

export type DqnConfig = z.output<typeof dqnConfigSchema>;

/** Validates DQN hyperparameters (defaults filled); throws ConfigError naming each bad field. */
export function parseDqnConfig(input: unknown): DqnConfig {
  return parseConfig("dqn hyperparameters", dqnConfigSchema, input ?? {});
}

// ---------------------------------------------------------------- the learner

/** Double DQN over a Discrete action space. */
export class DqnLearner implements Learner<number> {
  readonly algo = "dqn" as const;
  readonly name = "dqn";
  readonly config: DqnConfig;
  readonly progress: LearnerProgress = { steps: 0, updates: 0 };
  readonly nActions: number;
  readonly #obsSize: number;
  readonly #q: Mlp;
  readonly #target: Mlp;
  /** Adam on the host copy of the online network (the source of truth for its weights). */
  readonly #optimizer: HostAdam;
  readonly #grads: Float32Array[];
  /** dLoss/dQ(s, .) of a batch (non-zero at the taken actions). */
  readonly #dq: Float32Array;
  readonly #buffer: ReplayBuffer;
  /** Folds each env's last `nStep` transitions into the buffer's n-step transitions. */
  readonly #nStep: NStepQueue;
  /** gamma^k for the k steps a stored transition spans, as float32. */
  readonly #gammaPow: Float32Array;
  readonly #normalizer: ObservationNormalizer;
  readonly #epsilon: Schedule;
  /** The annealed step size (annealLearningRate), else null: the optimizer keeps cfg.learningRate. */
  readonly #learningRate: Schedule | null;
  readonly #root: Rng;
  #exploreRng: Rng;
  readonly numEnvs: number;
  readonly actionSize = 1;
  readonly #input: Float32Array;
  /** The last explored batch (raw observations, actions), stored by `observe`. */
  readonly #pendingObs: Float32Array;
  readonly #pendingActions: Int32Array;
  readonly #batchInput: Float32Array;
  #vectorSteps = 0;
  readonly #normalizeInto: (src: Float32Array, out: Float32Array, offset: number) => void;

  /** @throws ConfigError when the action space is not Discrete or a hyperparameter is invalid */
  constructor(init: LearnerInit) {
    const cfg = parseDqnConfig(init.hyperparameters);
    this.config = cfg;
    if (!(init.actionSpace instanceof Discrete)) {
      throw new ConfigError("dqn", [{ path: "env.actionSpace", expected: "Discrete (wrap a Box with DiscretizeAction)", received: init.actionSpace.kind }]);
    }
    this.nActions = init.actionSpace.n;
    this.#obsSize = init.observationSize;
    const root = new Rng(init.seed, "dqn");
    this.#root = root;
    const sizes = [init.observationSize, ...cfg.hiddenSizes, this.nActions];
    this.#q = new Mlp({ sizes, activation: "relu" }, root.child("init"));
    this.#target = new Mlp({ sizes, activation: "relu" }, root.child("init"));
    this.#target.copyFrom(this.#q);
    // tf.train.adam's defaults: beta1 0.9, beta2 0.999, the backend's epsilon
    this.#optimizer = new HostAdam(this.#q.host, cfg.learningRate);
    this.#grads = zerosLike(this.#q);
    this.#dq = new Float32Array(cfg.batchSize * this.nActions);
    this.#buffer = new ReplayBuffer(cfg.bufferSize, init.observationSize, root.child("replay"));
    this.numEnvs = init.numEnvs ?? 1;
    const buffer = this.#buffer;
    this.#nStep = new NStepQueue(cfg.nStep, this.numEnvs, init.observationSize, cfg.gamma, (o, a, r, next, term, k) => { buffer.add(o, a, r, next, term, k); });
    this.#gammaPow = Float32Array.from({ length: cfg.nStep + 1 }, (_, k) => cfg.gamma ** k);
    this.#normalizer = new ObservationNormalizer(init.observationSize, cfg.normalizeObservations);
    this.#learningRate = cfg.annealLearningRate ? linearSchedule(cfg.learningRate, 0, init.learningRateScheduleSteps ?? init.scheduleSteps) : null;
    this.#epsilon = linearSchedule(cfg.explorationInitialEps, cfg.explorationFinalEps, cfg.explorationFraction * init.scheduleSteps);
    this.#exploreRng = root.child("explore");
    this.#input = new Float32Array(init.observationSize);
    this.#pendingObs = new Float32Array(this.numEnvs * init.observationSize);
    this.#pendingActions = new Int32Array(this.numEnvs);
    this.#batchInput = new Float32Array(this.numEnvs * init.observationSize);
    this.#normalizeInto = (src, out, offset) => { this.#normalizer.normalize(src, out, offset); };
  }

  /** Greedy action with frozen observation statistics (the Policy interface). */
  act(observation: Float32Array): number {
    return this.#greedy(observation);
  }

  exploration(): number {
    return this.#epsilon(this.progress.steps);
  }

  /** Epsilon-greedy per env: a uniform random action with probability epsilon, else greedy (one forward pass for the greedy ones). */
  explore(observations: Float32Array, out: Float64Array): void {
    const n = this.numEnvs;
    const d = this.#obsSize;
    for (let i = 0; i < n; i++) this.#normalizer.update(observations.subarray(i * d, (i + 1) * d));
    this.#pendingObs.set(observations.subarray(0, n * d));
    const eps = this.exploration();
    const actions = this.#pendingActions;
    let greedy = 0;
    for (let i = 0; i < n; i++) {
      if (this.#exploreRng.next() < eps) {
        actions[i] = this.#exploreRng.int(this.nActions);
      } else {
        actions[i] = -1;
        greedy++;
      }
    }
    if (greedy > 0) {
      const input = this.#batchInput;
      for (let i = 0; i < n; i++) this.#normalizer.normalize(observations.subarray(i * d, (i + 1) * d), input, i * d);
      const q = this.#q.forward(input, n);
      const k = this.nActions;
      for (let i = 0; i < n; i++) {
        if (actions[i] !== -1) continue;
        let best = 0;
        for (let a = 1; a < k; a++) if (q[i * k + a]! > q[i * k + best]!) best = a;
        actions[i] = best;
      }
    }
    for (let i = 0; i < n; i++) out[i] = actions[i]!;
  }

  /** Stores the batch's transitions (raw observations, scaled rewards) and trains on schedule. */
  observe(t: VectorTransition): UpdateStats | null {
    const cfg = this.config;
    const n = this.numEnvs;
    const d = this.#obsSize;
    for (let i = 0; i < n; i++) {
      // an episode that ended: its last observation, not the next episode's first
      const ended = t.terminations[i] === 1 || t.truncations[i] === 1;
      const next = ended ? t.finalObservations : t.nextObservations;
      this.#nStep.push(i, this.#pendingObs.subarray(i * d, (i + 1) * d), this.#pendingActions[i]!, t.rewards[i]! * cfg.rewardScale, next.subarray(i * d, (i + 1) * d), t.terminations[i] === 1, ended);
    }
    const before = this.progress.steps;
    const step = (this.progress.steps += n);
    if (Math.floor(step / cfg.targetUpdateInterval) > Math.floor(before / cfg.targetUpdateInterval)) this.#updateTarget();
    this.#vectorSteps++;
    // after a resume the buffer starts empty: wait for learningStarts fresh transitions again
    const warm = this.#buffer.size >= Math.max(cfg.batchSize, Math.min(cfg.learningStarts, cfg.bufferSize));
    if (!warm || this.#vectorSteps % cfg.trainFrequency !== 0) return null;
    let loss = 0;
    for (let g = 0; g < cfg.gradientSteps; g++) loss = this.#update();
    return { loss };
  }

  #greedy(observation: Float32Array): number {
    const q = this.#q.forwardHost(this.#normalizer.normalize(observation, this.#input), 1);
    let best = 0;
    for (let a = 1; a < this.nActions; a++) if (q[a]! > q[best]!) best = a;
    return best;
  }

  /**
   * One gradient step on a replay batch; returns the Huber loss.
   *
   * The same computation as a `tf.variableGrads` step (double DQN target, mean Huber loss,
   * clipping by global norm, Adam), arranged for few wasm ops (see host-train.ts): the online
   * network runs on the observations (activations kept) and the next observations, the
   * target network on the next observations; their Q values are read back and the targets,
   * the loss and its
   * gradient with respect to Q(s, a) (clip(Q - target, -1, 1) / B, Huber's delta being 1)
   * are computed on the host; the backward pass of that gradient runs on the device, and
   * clipping and Adam update the host copy of the weights, which is then uploaded.
   */
  #update(): number {
    const cfg = this.config;
    const B = cfg.batchSize;
    const b = this.#buffer.sample(B, this.#normalizeInto);
    const n = this.nActions;
    const d = this.#obsSize;
    const dq = this.#dq;
    let loss = 0;
    tf.tidy(() => {
      const tape = forwardTape(this.#q, b.observations, B);
      const next = tf.tensor2d(b.nextObservations, [B, d]);
      const qNow = tape.output.dataSync() as Float32Array;
      const qNext = forwardDevice(this.#q, next).dataSync() as Float32Array;
      const qTarget = forwardDevice(this.#target, next).dataSync() as Float32Array;
      dq.fill(0);
      const gammaPow = this.#gammaPow;
      for (let r = 0; r < B; r++) {
        // double DQN: the online network picks the next action (first maximum, as tf.argMax), the target network values it
        const o = r * n;
        let best = 0;
        for (let a = 1; a < n; a++) if (qNext[o + a]! > qNext[o + best]!) best = a;
        const nextValue = qTarget[r * n + best]!;
        const notDone = 1 - b.terminated[r]!;
        // n-step: the reward spans b.steps[r] steps (1 unless nStep > 1), so is the discount
        const target = Math.fround(b.rewards[r]! + Math.fround(Math.fround(notDone * gammaPow[b.steps[r]!]!) * nextValue));
        const err = qNow[r * n + b.actions[r]!]! - target;
        const abs = Math.abs(err);
        loss += abs <= 1 ? 0.5 * abs * abs : abs - 0.5;
        dq[r * n + b.actions[r]!] = (err > 1 ? 1 : err < -1 ? -1 : err) / B;
      }
      backwardHost(this.#q, tape, dq, this.#grads);
    });
    clipByGlobalNormHost(this.#grads, cfg.maxGradNorm);
    if (this.#learningRate !== null) this.#optimizer.learningRate = this.#learningRate(this.progress.steps);
    this.#optimizer.step(this.#q.host, this.#grads);
    this.#q.pushHost();
    this.progress.updates++;
    return Math.fround(loss / B);
  }

  #updateTarget(): void {
    const tau = this.config.tau;
    if (tau === 1) {
      this.#target.copyFrom(this.#q);
      return;
    }
    tf.tidy(() => {
      this.#target.variables.forEach((v, i) => v.assign(tf.add(tf.mul(this.#q.variables[i]!, tau), tf.mul(v, 1 - tau))));
    });
    this.#target.syncHost();
  }

  async snapshot(): Promise<{ state: Record<string, unknown>; arrays: NamedArray[] }> {
    return {
      state: { progress: { ...this.progress }, normalizer: this.#normalizer.getState(), restored: "weights, target network, Adam state, observation statistics, step counter; not the replay buffer" },
      arrays: [
        ...networkArrays("q", this.#q.variables, this.#q.host),
        ...networkArrays("target", this.#target.variables, this.#target.host),
        ...this.#optimizer.arrays(this.#q.variables.map((v) => v.shape)),
      ],
    };
  }

  async restore(state: Record<string, unknown>, arrays: Map<string, NamedArray>): Promise<void> {
    this.#q.setWeights(takeArrays(arrays, "q", this.#q.variables.length));
    this.#target.setWeights(takeArrays(arrays, "target", this.#target.variables.length));
    this.#optimizer.restore(arrays);
    this.#normalizer.setState(state["normalizer"] as NormalizeObservationState);
    Object.assign(this.progress, state["progress"] as LearnerProgress);
    // a resumed run explores with a fresh stream tied to where it resumes, not a replay of step 0's
    this.#exploreRng = this.#root.child(`explore/${this.progress.steps}`);
  }

  weights(): Float32Array[] {
    return [...this.#q.getWeights(), ...this.#target.getWeights()];
  }

  dispose(): void {
    this.#q.dispose();
    this.#target.dispose();
  }
}
