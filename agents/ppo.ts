/**
 * PPO (Schulman et al. 2017): clipped surrogate objective, generalised advantage estimation,
 * clipped value loss, several epochs of shuffled minibatches per rollout. Gaussian policy
 * with a learned log-std for Box actions (sampled actions are clipped into the Box, see
 * actor-critic.ts), categorical for Discrete. Reads top to bottom as CleanRL's
 * ppo_continuous_action.py: hyperparameters, the learner, then its update; the rollout
 * (sampling, reward scaling, GAE) is shared with A2C in on-policy.ts.
 *
 * Defaults are CleanRL's ppo_continuous_action.py (lr 3e-4 annealed linearly, 2048 steps,
 * 32 minibatches, 10 epochs, clip 0.2, GAE lambda 0.95, value coefficient 0.5, max gradient
 * norm 0.5, advantage normalisation); `rewardScale` and `initLogStd` are ours (see their docs).
 */
import { z } from "zod";
import { parseConfig } from "../src/core/errors.js";
import type { Rng } from "../src/core/rng.js";
import { ppoGradients, type PpoMinibatch } from "./actor-critic-grad.js";
import { HostAdam, clipByGlobalNormHost } from "./host-train.js";
import type { LearnerInit, UpdateStats } from "./learner.js";
import { OnPolicyLearner, normalizeInPlace } from "./on-policy.js";
import { RolloutBuffer } from "./rollout-buffer.js";

// ---------------------------------------------------------------- hyperparameters

/** PPO hyperparameters; every field has a default. */
export const ppoConfigSchema = z.strictObject({
  learningRate: z.number().positive().default(3e-4).meta({ description: "Adam step size at step 0 (CleanRL: 3e-4)." }),
  annealLearningRate: z.boolean().default(true).meta({ description: "Anneal the learning rate linearly to 0 over the run (CleanRL: true)." }),
  nSteps: z.number().int().positive().default(2048).meta({ description: "Env steps per rollout (CleanRL: 2048)." }),
  numMinibatches: z.number().int().positive().default(32).meta({ description: "Minibatches per epoch; minibatch size = nSteps / numMinibatches (CleanRL: 32)." }),
  updateEpochs: z.number().int().positive().default(10).meta({ description: "Passes over each rollout (CleanRL: 10)." }),
  gamma: z.number().min(0).max(1).default(0.99).meta({ description: "Discount factor per step." }),
  gaeLambda: z.number().min(0).max(1).default(0.95).meta({ description: "GAE lambda (CleanRL: 0.95)." }),
  clipCoef: z.number().positive().default(0.2).meta({ description: "Surrogate clipping coefficient epsilon (CleanRL: 0.2)." }),
  clipValueLoss: z.boolean().default(true).meta({ description: "Clip the value loss around the rollout's values as well (CleanRL: true)." }),
  normalizeAdvantage: z.boolean().default(true).meta({ description: "Normalise advantages per minibatch (CleanRL: true)." }),
  entCoef: z.number().min(0).default(0).meta({ description: "Entropy bonus coefficient (CleanRL continuous: 0)." }),
  vfCoef: z.number().min(0).default(0.5).meta({ description: "Value loss coefficient (CleanRL: 0.5)." }),
  maxGradNorm: z.number().min(0).default(0.5).meta({ description: "Maximum global gradient norm; 0 disables clipping (CleanRL: 0.5)." }),
  hiddenSizes: z.array(z.number().int().positive()).min(1).default([64, 64]).meta({ description: "Hidden layer widths of actor and critic (CleanRL: two layers of 64, tanh)." }),
  initLogStd: z.union([z.number(), z.array(z.number()).min(1)]).default(0).meta({ description: "Initial log standard deviation of the Gaussian, in normalised action units ([-1, 1] spans the Box): one number for every dimension, or one per dimension." }),
  initActionMean: z.array(z.number()).min(1).nullable().default(null).meta({ description: "Initial mean of the Gaussian in the action Box's own units, one number per dimension (null: the middle of the Box); the actor head's bias starts there, so the untrained policy acts near it (e.g. [1, 0] on Microgrid's balance action, the myopic rule). Box actions only." }),
  rewardScale: z.number().positive().default(0.01).meta({ description: "Multiplies every reward before it is stored (CommunityBattery rewards are tens of EUR a step)." }),
  normalizeObservations: z.boolean().default(true).meta({ description: "Standardise observations with running statistics." }),
});

export type PpoConfig = z.output<typeof ppoConfigSchema>;

/** Validates PPO hyperparameters (defaults filled); throws ConfigError naming each bad field. */
export function parsePpoConfig(input: unknown): PpoConfig {
  return parseConfig("ppo hyperparameters", ppoConfigSchema, input ?? {});
}

// ---------------------------------------------------------------- the learner

/** PPO with clipping over a Box (Gaussian) or Discrete (categorical) action space. */
export class PpoLearner extends OnPolicyLearner<PpoConfig> {
  readonly algo = "ppo" as const;
  readonly name = "ppo";
  protected readonly optimizer: HostAdam;
  protected readonly optimizerName = "Adam";
  #minibatchRng: Rng;
  /** Minibatch arrays, reused (sized for the largest minibatch). */
  readonly #minibatch: PpoMinibatch;

  /** @throws ConfigError for an invalid hyperparameter or an unsupported action space */
  constructor(init: LearnerInit) {
    super(init, parsePpoConfig(init.hyperparameters), "ppo");
    // CleanRL uses eps 1e-5 for PPO's Adam
    this.optimizer = new HostAdam(this.policy.hostArrays, this.config.learningRate, 0.9, 0.999, 1e-5);
    this.#minibatchRng = this.root.child("minibatch");
    // update() cuts the full rollout into minibatches of this many rows (the last one shorter)
    const cap = Math.max(1, Math.floor((this.config.nSteps * this.numEnvs) / this.config.numMinibatches));
    this.#minibatch = {
      observations: new Float32Array(cap * this.obsSize),
      actions: new Float32Array(cap * this.policy.actionDim),
      oldLogProbs: new Float32Array(cap),
      oldValues: new Float32Array(cap),
      returns: new Float32Array(cap),
      advantages: new Float32Array(cap),
      n: 0,
    };
  }

  /** `updateEpochs` passes of shuffled minibatches over the rollout. */
  protected update(): UpdateStats {
    const cfg = this.config;
    const buf = this.buffer;
    const lr = this.learningRateSchedule(this.progress.steps - buf.size);
    this.optimizer.learningRate = lr;
    const params = this.policy.hostArrays;
    const batchSize = Math.max(1, Math.floor(buf.size / cfg.numMinibatches));
    const d = this.obsSize;
    let lossSum = 0;
    let clipFracSum = 0;
    let count = 0;
    const mb = this.#minibatch;
    const coefs = { clipCoef: cfg.clipCoef, clipValueLoss: cfg.clipValueLoss, entCoef: cfg.entCoef, vfCoef: cfg.vfCoef };
    const ad = this.policy.actionDim;
    for (let epoch = 0; epoch < cfg.updateEpochs; epoch++) {
      for (const idx of buf.minibatchIndices(this.#minibatchRng, batchSize)) {
        const n = idx.length;
        mb.n = n;
        RolloutBuffer.gather(buf.observations, d, idx, mb.observations);
        RolloutBuffer.gather(buf.actions, ad, idx, mb.actions);
        RolloutBuffer.gather(buf.logProbs, 1, idx, mb.oldLogProbs);
        RolloutBuffer.gather(buf.values, 1, idx, mb.oldValues);
        RolloutBuffer.gather(buf.returns, 1, idx, mb.returns);
        RolloutBuffer.gather(buf.advantages, 1, idx, mb.advantages);
        if (cfg.normalizeAdvantage && n > 1) normalizeInPlace(mb.advantages.subarray(0, n));
        // the loss gradient by hand (actor-critic-grad.ts); clipping and Adam on the host copies
        const g = ppoGradients(this.policy, mb, coefs, this.grads);
        this.policy.maskActorGradients(this.grads);
        clipByGlobalNormHost(this.grads, cfg.maxGradNorm);
        this.optimizer.step(params, this.grads);
        this.policy.pushHost();
        lossSum += g.loss;
        clipFracSum += g.clipFraction;
        count++;
        this.progress.updates++;
      }
    }
    return { loss: lossSum / count, clipFraction: clipFracSum / count, learningRate: lr };
  }

  protected restoreStreams(steps: number): void {
    this.#minibatchRng = this.root.child(`minibatch/${steps}`);
  }
}
