/**
 * Time to a good policy on any env: DQN and PPO trained with their benchmark defaults
 * (training/learner-defaults.ts and the env's registry entry: vector envs, hyperparameters,
 * budget), evaluated every `--every` env steps (default a tenth of the budget) and at the end.
 * For each learner it prints the share of the oracle's saving over myopic,
 * (myopic - learner) / (myopic - oracle) in the env's cost KPI (its registry `benchmark` roles),
 * at every evaluation, the training wall time (evaluations excluded) at which it first reached
 * 90 %, and the share at the end of the budget. Prints numbers, asserts nothing; models go under
 * runs/learning/ (git-ignored).
 *
 *   npx tsx bench/learning.ts [--env ID] [--config JSON] [--only dqn|ppo|a2c] [--seed S] [--every N]
 *       [--steps N] [--num-envs N] [--dqn-hp JSON] [--ppo-hp JSON] [--a2c-hp JSON] [--eval-seeds 2000,2001]
 *
 * Evaluation seeds default to the benchmark's validation seeds (2000-2004), so tuning never looks
 * at the held-out seeds the benchmark's table reports. Training runs on the env's training config
 * (e.g. rewards relative to an idle battery), evaluation on the config as given.
 */
import "../envs/index.js";
import { spec } from "../src/core/registry.js";
import { evaluate } from "../training/evaluate.js";
import { evaluateParallel } from "../training/evaluate-parallel.js";
import { learnerDefaults } from "../training/learner-defaults.js";
import { baselineFactory, parallelBaselineFactory } from "../training/policies.js";
import { train, type Algo } from "../training/train.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

const ENV_ID = arg("--env", "CommunityBattery-v0");
const CONFIG = JSON.parse(arg("--config", "{}")) as Record<string, unknown>;
const SEEDS = arg("--eval-seeds", "2000,2001,2002,2003,2004").split(",").map(Number);
const SEED = Number(arg("--seed", "1"));
const ONLY = arg("--only", "");
const roles = spec(ENV_ID).benchmark;
if (!roles?.oracle) throw new Error(`${ENV_ID} declares no benchmark oracle`);
const parallel = spec(ENV_ID).kind === "parallel";

const cost = async (name: string): Promise<number> => (parallel
  ? evaluateParallel(ENV_ID, CONFIG, await parallelBaselineFactory(name, { envId: ENV_ID }), SEEDS)
  : evaluate(ENV_ID, CONFIG, await baselineFactory(name, { envId: ENV_ID }), SEEDS)).summary[roles.costKpi]!.mean;
const myopic = await cost(roles.myopic);
const oracle = await cost(roles.oracle);
const share = (c: number) => (myopic - c) / (myopic - oracle);
console.log(`${ENV_ID}, seeds ${SEEDS.join(", ")}: ${roles.costLabel} myopic ${myopic.toFixed(2)}, oracle ${oracle.toFixed(2)}`);

for (const algo of ["dqn", "ppo", "a2c"] as Algo[]) {
  if (ONLY === "" && algo === "a2c") continue;
  if (ONLY !== "" && algo !== ONLY) continue;
  const d = learnerDefaults(ENV_ID, algo);
  const hyperparameters = { ...d.hyperparameters, ...(JSON.parse(arg(`--${algo}-hp`, "{}")) as object) };
  const steps = Number(arg("--steps", String(d.steps)));
  const numEnvs = Number(arg("--num-envs", String(d.numEnvs)));
  console.log(`\n${algo}: ${steps.toLocaleString()} steps on ${numEnvs} envs, seed ${SEED}, ${JSON.stringify(hyperparameters)}`);
  const t0 = performance.now();
  let lastStep = t0;
  let evalMs = 0;
  let reached: { step: number; seconds: number } | null = null;
  let last = NaN;
  const r = await train({
    envId: ENV_ID,
    envConfig: { ...CONFIG, ...spec(ENV_ID).training?.envConfig },
    algo,
    hyperparameters,
    seed: SEED,
    steps,
    numEnvs,
    outDir: `runs/learning/${algo}`,
    evalSeeds: SEEDS,
    evalEvery: Number(arg("--every", String(Math.ceil(steps / 10)))),
    hooks: {
      onStep: () => { lastStep = performance.now(); },
      onEval: (e) => {
        const now = performance.now();
        evalMs += now - lastStep;
        const seconds = (now - t0 - evalMs) / 1000;
        last = share(e.kpis[roles.costKpi]!);
        if (reached === null && last >= 0.9) reached = { step: e.step, seconds };
        console.log(`  step ${String(e.step).padStart(8)}  ${seconds.toFixed(1).padStart(6)} s  share ${(100 * last).toFixed(1).padStart(6)} %  cost ${e.kpis[roles.costKpi]!.toFixed(2)}  return ${e.meanReturn.toFixed(2)}`);
        lastStep = performance.now();
      },
    },
  });
  const hit = reached as { step: number; seconds: number } | null;
  console.log(`  ${algo}: ${Math.round(r.stepsPerSecond).toLocaleString()} env steps/s on ${r.backend}; 90 % first reached ${hit ? `at step ${hit.step.toLocaleString()} after ${hit.seconds.toFixed(1)} s of training` : "never"}; share at the budget ${(100 * last).toFixed(1)} %`);
}
