/**
 * A2C (Mnih et al. 2016, synchronous): one gradient step per short rollout on the policy
 * gradient with a learned baseline, entropy bonus and value loss. Reads top to bottom:
 * hyperparameters, the learner, then its update; the actor-critic and the rollout
 * (sampling, reward scaling, GAE) are shared with PPO (actor-critic.ts, on-policy.ts).
 *
 * Defaults are SB3's A2C (RMSprop with alpha 0.99 and eps 1e-5, lr 7e-4, 5 steps per
 * rollout, GAE lambda 1 i.e. n-step returns, value coefficient 0.5, max gradient norm 0.5,
 * no advantage normalisation); `rewardScale` and `initLogStd` are ours.
 */
import { z } from "zod";
import { parseConfig } from "../src/core/errors.js";
import { a2cGradients } from "./actor-critic-grad.js";
import { HostRmsProp, clipByGlobalNormHost } from "./host-train.js";
import type { LearnerInit, UpdateStats } from "./learner.js";
import { OnPolicyLearner, normalizeInPlace } from "./on-policy.js";

// ---------------------------------------------------------------- hyperparameters

/** A2C hyperparameters; every field has a default. */
export const a2cConfigSchema = z.strictObject({
  learningRate: z.number().positive().default(7e-4).meta({ description: "RMSprop step size (SB3: 7e-4)." }),
  annealLearningRate: z.boolean().default(false).meta({ description: "Anneal the learning rate linearly to 0 over the run (SB3: constant)." }),
  nSteps: z.number().int().positive().default(5).meta({ description: "Env steps per rollout and update (SB3: 5)." }),
  gamma: z.number().min(0).max(1).default(0.99).meta({ description: "Discount factor per step." }),
  gaeLambda: z.number().min(0).max(1).default(1).meta({ description: "GAE lambda; 1 gives plain n-step returns (SB3: 1)." }),
  normalizeAdvantage: z.boolean().default(false).meta({ description: "Normalise advantages over the rollout (SB3: false)." }),
  entCoef: z.number().min(0).default(0).meta({ description: "Entropy bonus coefficient (SB3: 0)." }),
  vfCoef: z.number().min(0).default(0.5).meta({ description: "Value loss coefficient (SB3: 0.5)." }),
  maxGradNorm: z.number().min(0).default(0.5).meta({ description: "Maximum global gradient norm; 0 disables clipping (SB3: 0.5)." }),
  rmsPropDecay: z.number().gt(0).lt(1).default(0.99).meta({ description: "RMSprop decay (SB3: alpha 0.99)." }),
  rmsPropEpsilon: z.number().positive().default(1e-5).meta({ description: "RMSprop epsilon (SB3: 1e-5)." }),
  hiddenSizes: z.array(z.number().int().positive()).min(1).default([64, 64]).meta({ description: "Hidden layer widths of actor and critic (SB3: two layers of 64)." }),
  initLogStd: z.union([z.number(), z.array(z.number()).min(1)]).default(0).meta({ description: "Initial log standard deviation of the Gaussian, in normalised action units ([-1, 1] spans the Box): one number for every dimension, or one per dimension." }),
  initActionMean: z.array(z.number()).min(1).nullable().default(null).meta({ description: "Initial mean of the Gaussian in the action Box's own units, one number per dimension (null: the middle of the Box); the actor head's bias starts there, so the untrained policy acts near it (e.g. [1, 0] on Microgrid's balance action, the myopic rule). Box actions only." }),
  rewardScale: z.number().positive().default(0.01).meta({ description: "Multiplies every reward before it is stored (CommunityBattery rewards are tens of EUR a step)." }),
  normalizeObservations: z.boolean().default(true).meta({ description: "Standardise observations with running statistics." }),
});

export type A2cConfig = z.output<typeof a2cConfigSchema>;

/** Validates A2C hyperparameters (defaults filled); throws ConfigError naming each bad field. */
export function parseA2cConfig(input: unknown): A2cConfig {
  return parseConfig("a2c hyperparameters", a2cConfigSchema, input ?? {});
}

// ---------------------------------------------------------------- the learner

/** Synchronous advantage actor-critic over a Box (Gaussian) or Discrete (categorical) action space. */
export class A2cLearner extends OnPolicyLearner<A2cConfig> {
  readonly algo = "a2c" as const;
  readonly name = "a2c";
  protected readonly optimizer: HostRmsProp;
  protected readonly optimizerName = "RMSprop";

  /** @throws ConfigError for an invalid hyperparameter or an unsupported action space */
  constructor(init: LearnerInit) {
    super(init, parseA2cConfig(init.hyperparameters), "a2c");
    this.optimizer = new HostRmsProp(this.policy.hostArrays, this.config.learningRate, this.config.rmsPropDecay, 0, this.config.rmsPropEpsilon);
  }

  /** One gradient step on the whole rollout. */
  protected update(): UpdateStats {
    const cfg = this.config;
    const buf = this.buffer;
    const n = buf.size;
    const lr = this.learningRateSchedule(this.progress.steps - n);
    this.optimizer.learningRate = lr;
    const adv = buf.advantages.slice(0, n);
    if (cfg.normalizeAdvantage && n > 1) normalizeInPlace(adv);
    // the loss gradient by hand (actor-critic-grad.ts); clipping and RMSprop on the host copies
    const g = a2cGradients(this.policy, { observations: buf.observations, actions: buf.actions, returns: buf.returns, advantages: adv, n }, { entCoef: cfg.entCoef, vfCoef: cfg.vfCoef }, this.grads);
    const lossValue = g.loss;
    this.policy.maskActorGradients(this.grads);
    clipByGlobalNormHost(this.grads, cfg.maxGradNorm);
    this.optimizer.step(this.policy.hostArrays, this.grads);
    this.policy.pushHost();
    this.progress.updates++;
    return { loss: lossValue, learningRate: lr };
  }

  /** A2C draws no random numbers of its own beyond the shared action samples. */
  protected restoreStreams(): void {}
}
