/**
 * CommunityBattery-v0 (SPEC section 3, seed 003's case study): one community battery at the PCC
 * of a local energy community, dispatched hourly against the day-ahead spot price.
 */
import { register } from "../../src/core/registry.js";
import { communityBatteryConfigSchema } from "./config.js";
import { COMMUNITY_BATTERY_ID, CommunityBatteryEnv } from "./env.js";

export { CommunityBatteryEnv, COMMUNITY_BATTERY_ID, OBSERVATION_INDEX, PRICE_OBSERVATION_INDEX, LOOKAHEAD_HOURS, type CommunityBatteryObservationIndex } from "./env.js";
export { communityBatteryConfigSchema, type CommunityBatteryConfig, type CommunityBatteryConfigInput } from "./config.js";

register({
  kind: "env",
  id: COMMUNITY_BATTERY_ID,
  description: "Community battery (1.2 MWh, 0.6 MW) at the PCC of a local energy community, hourly spot-price dispatch",
  configSchema: communityBatteryConfigSchema,
  family: "storage",
  baselines: ["myopic", "mpc", "oracle", "random"],
  benchmark: { costKpi: "totalCostEur", costLabel: "total cost (EUR)", myopic: "myopic", mpc: "mpc", oracle: "oracle" },
  actionKind: "box",
  // an idle battery's reward subtracted: the same optimal policy, far less variance to learn from
  // learners act on the fraction of the power the battery can follow now: no shortfall
  // look-ahead prices relative to this hour's: PPO 93.8 % of the oracle's saving at 300k steps
  // on the validation seeds against 91.9 % with absolute prices (bench/learning.ts, same seed)
  // the load, PV and net-load forecast left out of their observation (observeLoad false): the
  // battery's arbitrage reward does not depend on them (bench/learning.ts, validation seeds
  // 2000-2009, seed 1, package defaults: PPO 96.1 % of the oracle's saving at 300k steps against
  // 94.7 % with them, DQN 91.0 % at 500k against 90.3 %)
  // DQN on top of the package defaults (bench/learning.ts, same seeds, lean observation, 500k
  // steps; share at the last four evaluations): a target update every 8,000 steps, a replay buffer
  // that keeps the whole run and a learning rate annealed to 0 swing far less: 94.1, 92.6, 94.7,
  // 94.2 % against 90.8, 92.5, 90.1, 91.0 %, at the same cost per step. Batches of 256 as well:
  // 94.9, 95.2, 94.4, 94.7 %, at half the env steps per second, paid for by PPO's budget: on the
  // lean observation PPO is at 95.5 % after 60k steps and 95.8-96.3 % from 90k on, so 150k steps
  // (the benchmark's training: 90 s wall, 108 s CPU on 2 cores, against 99 s CPU before)
  training: {
    envConfig: { rewardBaseline: "idle" },
    policyConfig: { action: "feasible-fraction", pricesAhead: "relative", observeLoad: false },
    learners: {
      // one gradient step every vector step (the package default: every 2), measured after the rest:
      // 95.2 % of the oracle's saving at 500k on validation seeds 2000-2009 against 94.7 %, and on
      // the benchmark's held-out seeds 95.2 % [91.7, 97.6] against 94.5 % [91.0, 96.9] (training 120 s
      // on 2 shared cores; 128-unit layers: 94.4 % held out; 3-step returns: 93.1 % on validation)
      dqn: { hyperparameters: { batchSize: 256, targetUpdateInterval: 8000, bufferSize: 500_000, annealLearningRate: true, trainFrequency: 1 } },
      ppo: { steps: 150_000 },
    },
  },
  defaultEpisodeSteps: 7 * 24,
  create: (config) => new CommunityBatteryEnv(config),
});
