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

const MICROGRID_BASELINES = ["myopic", "mpc", "mpc-reserve", "mpc-stochastic", "oracle", "random"];
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
    // an idle battery's reward subtracted (the same optimal policy, far less variance to learn
    // from); actions as [share of the net load, grid] per battery: every set-point feasible, and
    // the myopic rule one point ([1, 0]) of the space rather than a needle in +-100 kW
    training: {
      envConfig: { rewardBaseline: "idle" },
      policyConfig: { action: "balance" },
      learners: { dqn: { steps: 200_000 }, ppo: { steps: 300_000 }, a2c: { steps: 300_000 } },
    },
    defaultEpisodeSteps: 336,
    create: (config) => new MicrogridEnv(config),
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
