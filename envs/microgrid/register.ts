/**
 * Registration of the microgrid ids. MicrogridDiscrete-v0 is Microgrid-v0 with exactly one
 * battery behind DiscretizeAction: action k of Discrete(levels) is the set-point
 * -P + k * 2P / (levels - 1) kW, for DQN-style learners. Its config nests Microgrid-v0's
 * under `microgrid`, so error paths read e.g. `microgrid.batteries[0].capacityKwh`.
 */
import { z } from "zod";
import { list, register } from "../../src/core/registry.js";
import { DiscretizeAction } from "../../src/core/wrappers/discretize-action.js";
import { microgridConfigSchema } from "./config.js";
import { MICROGRID_ID, MicrogridEnv } from "./env.js";

export const MICROGRID_DISCRETE_ID = "MicrogridDiscrete-v0";
/** The resilience variant of Microgrid-v0 (issue 14): time-of-use tariff, random grid outages, lost load priced. */
export const MICROGRID_RESILIENCE_ID = "MicrogridResilience-v0";

/**
 * What MicrogridResilience-v0 sets beside Microgrid-v0's defaults: the time-of-use tariff, grid
 * outages from the activation tick on (hazard 2 % per hour, 1 to 6 hours each, the grid fully
 * lost), and unserved energy priced at a value of lost load of 50 per kWh (ten times the
 * off-peak import cost). The reward is then -(import cost + VoLL x unserved + cycling penalty).
 */
export const MICROGRID_RESILIENCE_DEFAULTS = {
  grid: { tariff: { kind: "tou" } },
  outages: { hazardPerHour: 0.02, minLengthTicks: 1, maxLengthTicks: 6, size: 1, fromTick: 168 },
  reward: { valueOfLostLoadPerKwh: 50 },
} as const;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `input` over `base`, objects merged key by key (arrays and scalars of `input` replace). */
function mergeDefaults(base: Record<string, unknown>, input: unknown): unknown {
  if (!isPlainObject(input)) return input === undefined ? base : input;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(input)) {
    const b = base[k];
    // a tariff of another kind replaces the default one whole
    out[k] = isPlainObject(b) && isPlainObject(v) && !(k === "tariff" && v["kind"] !== b["kind"]) ? mergeDefaults(b, v) : v;
  }
  return out;
}

/** Microgrid-v0's config schema with the resilience defaults underneath what the caller gives. */
export const microgridResilienceConfigSchema = z.preprocess(
  (input) => mergeDefaults(MICROGRID_RESILIENCE_DEFAULTS as unknown as Record<string, unknown>, input),
  microgridConfigSchema,
).meta({ description: "grid.tariff { kind: \"tou\" }; outages { hazardPerHour: 0.02, minLengthTicks: 1, maxLengthTicks: 6, size: 1, fromTick: 168 }; reward.valueOfLostLoadPerKwh 50" });

const MICROGRID_BASELINES = ["myopic", "mpc", "mpc-reserve", "mpc-stochastic", "oracle", "random"];
/**
 * The learners' settings on the continuous microgrid ids: an idle battery's reward subtracted (the
 * same optimal policy, far less variance to learn from); actions as [share of the net load, grid]
 * per battery: every set-point feasible, and the myopic rule one point ([1, 0]) of the space
 * rather than a needle in +-100 kW.
 */
const MICROGRID_TRAINING = {
  envConfig: { rewardBaseline: "idle" },
  policyConfig: { action: "balance" },
  // PPO and A2C start at the myopic rule ([1, 0] of the balance action, initActionMean), which the
  // oracle ties on this flat tariff, with a narrow Gaussian; from the middle of the Box PPO ended
  // 23 % above myopic's import cost on held-out seeds (8,459 vs 6,873), from the rule 1.8 % above
  // it at 300k steps (6,613 vs 6,497 on the validation seeds)
  learners: {
    dqn: { steps: 200_000 },
    ppo: { steps: 300_000, hyperparameters: { initActionMean: [1, 0], initLogStd: -2.5 } },
    a2c: { steps: 300_000, hyperparameters: { initActionMean: [1, 0], initLogStd: -2.5 } },
  },
};
/**
 * MicrogridResilience-v0's learner settings: Microgrid-v0's interface plus the tariff in the
 * observation (the import cost now and over the forecast horizon: the peak is a price the policy
 * sees coming, not a band of the hour's sine it must carve out), and PPO and A2C starting AT the
 * myopic rule ([1, 0] of the balance action, initActionMean) with a narrow Gaussian (log-std
 * -2.5, about 0.08 of the Box half-width) rather than at half of it ([0.5, 0]: 16,400 at 30k
 * steps against myopic's 9,119 on the validation seeds). Wider noise teaches PPO grid moves that
 * pay only under noise (log-std -1.5: 10,250 at 100k; -1 on the grid share: 10,500). Rewards are
 * scaled by 0.001 and the value loss is not clipped: outages make returns of hundreds at 0.01,
 * which a critic clipped to 0.2 per update cannot follow (clipped: 9,343 at 100k; not: 9,020 at
 * 120k). Measured with bench/learning.ts on the validation seeds 2000-2004, training seed 1.
 * `gridgym benchmark` at these budgets (1 min 37 s on 2 shared cores), held-out seeds 1000-1004,
 * paired total cost vs myopic: DQN -654 +- 510 (21 % of the oracle's saving; training seed 2:
 * -592 +- 600), PPO at 300k steps of rollouts 8 x 256: +106 +- 246 (it stayed at the rule).
 * PPO's rollouts are now 8 x 1024 steps (minibatches of 512) and its budget 900k steps:
 * `gridgym benchmark` (2 min 57 s on 2 shared cores; PPO trains 167 s), held-out seeds
 * 1000-1004, paired total cost vs myopic: PPO -988 +- 450 (31.9 % of the oracle's saving, CI
 * 22.4 to 44.8 %; it holds charge: unserved 28.8 kWh against myopic's 58.8, import cost 7,980
 * against 7,467), DQN as before; training seed 2: -1,079 +- 851 (34.9 %, CI 18.5 to 51.8 %).
 * At 600k steps: -960 +- 595 (31.0 %), training seed 2 -460 +- 496 (14.9 %, CI 4.3 to 26.5 %).
 * Why the longer rollouts: outages are rare (2 % per hour),
 * and a rollout of 256 ticks per env (not one episode) holds too few of them for the gain of
 * charge held back to show in the advantages. Validation share of the oracle's saving (myopic
 * 9,119, oracle 6,709), training seed 1: 8 x 256 at 300k 0.2 %; 8 x 1024 at 300k 9.2 %, 480k
 * 18.6 %, 540k 20.3 %, 600k 17.0 %; training seed 2: 540k 18.1 %, 720k 21.3 %, 900k 25.4 %.
 * Tried beside it and not kept in the code, none better than noise (+-5 %; 8 x 256, 300k unless
 * said): a reward baseline of the myopic rule (the return as the saving against a twin env driven by the rule)
 * -1.3 %, with 8 x 1024 at 600k 2.9 %; with it rewardScale 0.01 -0.8 %, lr 1e-3 -4.3 % and
 * gamma 0.95 -3.9 % at 150k, gamma 0.995 with lambda 0.99 1.4 %, log-std [-1.5, -2.5] 0.6 %;
 * an action "reserve" ([floor, grid]: the rule holding a SoC floor while the grid is up) from [0, 0]
 * 3.4 % (idle baseline -2.6 %), from [0.05, 0] with log-std [-1.5, -3] 2.6 %, [-1.5, -5] at 600k
 * -0.4 % (8 x 1024: 3.7 %). A fixed floor off-peak (0 in the peak) plays 8,988 (0.05), 8,898
 * (0.1), 8,893 (0.15), 9,376 (0.3); at every hour 9,303 (0.1): a reserve fixed over the hours
 * is worth little; PPO's pays by holding charge where the hour and the SoC call for it.
 */
const MICROGRID_RESILIENCE_TRAINING = {
  envConfig: { rewardBaseline: "idle" },
  policyConfig: { action: "balance", observeTariff: true },
  learners: {
    // DQN's 9 actions (share 0, 0.5, 1 x grid -1, 0, 1) hold the myopic rule and full grid charging;
    // its validation cost swings between evaluations (8,595 to 9,643 from 200k to 500k steps): the benchmark keeps the best
    dqn: { steps: 500_000 },
    ppo: { steps: 900_000, hyperparameters: { nSteps: 1024, numMinibatches: 16, initActionMean: [1, 0], initLogStd: -2.5, rewardScale: 0.001, clipValueLoss: false } },
    a2c: { steps: 300_000, hyperparameters: { initActionMean: [1, 0], initLogStd: -2.5, rewardScale: 0.001 } },
  },
};
const MICROGRID_BENCHMARK = { costKpi: "importCost", costLabel: "import cost", myopic: "myopic", mpc: "mpc", oracle: "oracle" };

export const microgridDiscreteConfigSchema = z.strictObject({
  levels: z.number().int().min(2).max(1001).default(21).meta({ description: "Number of evenly spaced set-points from -P to +P (odd keeps 0 kW among them)." }),
  microgrid: microgridConfigSchema.prefault({}).meta({ description: "The Microgrid-v0 config of the wrapped env; exactly one battery." }),
}).superRefine((cfg, ctx) => {
  if (cfg.microgrid.batteries.length !== 1) {
    ctx.addIssue({ code: "custom", path: ["microgrid", "batteries"], message: "exactly one battery (DiscretizeAction drives a single set-point)" });
  }
});

/** Registers the microgrid ids (idempotent: importing the family twice is harmless). */
export function registerMicrogrid(): void {
  if (list().some((s) => s.id === MICROGRID_ID)) return;
  register({
    kind: "env",
    id: MICROGRID_ID,
    description: "Campus microgrid (PV, batteries, load, grid) with Contract Net dispatch of battery set-points, 336 hourly ticks",
    configSchema: microgridConfigSchema,
    family: "microgrid",
    baselines: MICROGRID_BASELINES,
    benchmark: MICROGRID_BENCHMARK,
    actionKind: "box",
    training: MICROGRID_TRAINING,
    defaultEpisodeSteps: 336,
    create: (config) => new MicrogridEnv(config),
  });
  register({
    kind: "env",
    id: MICROGRID_RESILIENCE_ID,
    description: "Microgrid-v0 with a time-of-use tariff, seeded random grid outages and unserved energy priced at a value of lost load",
    configSchema: microgridResilienceConfigSchema,
    family: "microgrid",
    baselines: MICROGRID_BASELINES,
    // judged by import cost plus unserved energy at the value of lost load
    benchmark: { ...MICROGRID_BENCHMARK, costKpi: "totalCost", costLabel: "total cost (import + VoLL x unserved)" },
    actionKind: "box",
    training: MICROGRID_RESILIENCE_TRAINING,
    defaultEpisodeSteps: 336,
    create: (config) => new MicrogridEnv(config, MICROGRID_RESILIENCE_ID),
  });
  register({
    kind: "env",
    id: MICROGRID_DISCRETE_ID,
    description: "Microgrid-v0 with one battery and a Discrete(levels) set-point action",
    configSchema: microgridDiscreteConfigSchema,
    family: "microgrid",
    // the continuous controllers, each set-point taken to the nearest level
    baselines: MICROGRID_BASELINES,
    benchmark: MICROGRID_BENCHMARK,
    actionKind: "discrete",
    training: { learners: { dqn: { steps: 200_000 }, ppo: { steps: 300_000 }, a2c: { steps: 300_000 } } },
    defaultEpisodeSteps: 336,
    create: (config) => new DiscretizeAction(new MicrogridEnv(config.microgrid, MICROGRID_DISCRETE_ID), config.levels),
  });
}
