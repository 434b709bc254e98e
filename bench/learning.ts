/**
 * Time to a good policy: DQN and PPO trained on CommunityBattery-v0 with their benchmark
 * defaults (training/learner-defaults.ts: vector envs, hyperparameters, budget), evaluated on
 * the held-out seeds 1000-1004 every `--every` env steps (default 20,480) and at the end. For
 * each learner it prints the share of the oracle's saving over myopic,
 * (myopic - learner) / (myopic - oracle) in mean total cost, at every evaluation, the training
 * wall time (evaluations excluded) at which it first reached 90 %, and the share at the end of
 * the budget. Prints numbers, asserts nothing; models go under runs/learning/ (git-ignored).
 *
 *   npx tsx bench/learning.ts [--only dqn|ppo] [--seed S] [--every N] [--steps N] [--num-envs N]
 *                             [--dqn-hp JSON] [--ppo-hp JSON]   (merged over the defaults)
 *
 * Training runs on the env's training config (rewards relative to an idle battery, as the
 * benchmark trains); evaluation on the default config, as the benchmark's table.
 */
import "../envs/index.js";
import { spec } from "../src/core/registry.js";
import { evaluate } from "../training/evaluate.js";
import { learnerDefaults } from "../training/learner-defaults.js";
import { baselineFactory } from "../training/policies.js";
import { train, type Algo } from "../training/train.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

const ENV_ID = "CommunityBattery-v0";
const SEEDS = [1000, 1001, 1002, 1003, 1004];
const SEED = Number(arg("--seed", "1"));
const EVERY = Number(arg("--every", "20480"));
const ONLY = arg("--only", "");

const cost = async (name: string) => evaluate(ENV_ID, {}, await baselineFactory(name), SEEDS).summary["totalCostEur"]!.mean;
const myopic = await cost("myopic");
const oracle = await cost("oracle");
const share = (c: number) => (myopic - c) / (myopic - oracle);
console.log(`${ENV_ID}, held-out seeds ${SEEDS.join(", ")}: myopic ${myopic.toFixed(1)} EUR, oracle ${oracle.toFixed(1)} EUR a week; evaluation every ${EVERY.toLocaleString()} env steps`);

for (const algo of ["dqn", "ppo"] as Algo[]) {
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
    envConfig: spec(ENV_ID).training?.envConfig ?? {},
    algo,
    hyperparameters,
    seed: SEED,
    steps,
    numEnvs,
    outDir: `runs/learning/${algo}`,
    evalSeeds: SEEDS,
    evalEvery: EVERY,
    hooks: {
      onStep: () => { lastStep = performance.now(); },
      onEval: (e) => {
        const now = performance.now();
        evalMs += now - lastStep;
        const seconds = (now - t0 - evalMs) / 1000;
        last = share(e.kpis["totalCostEur"]!);
        if (reached === null && last >= 0.9) reached = { step: e.step, seconds };
        console.log(`  step ${String(e.step).padStart(8)}  ${seconds.toFixed(1).padStart(6)} s  share ${(100 * last).toFixed(1).padStart(6)} %`);
        lastStep = performance.now();
      },
    },
  });
  const hit = reached as { step: number; seconds: number } | null;
  console.log(`  ${algo}: ${Math.round(r.stepsPerSecond).toLocaleString()} env steps/s on ${r.backend}; 90 % first reached ${hit ? `at step ${hit.step.toLocaleString()} after ${hit.seconds.toFixed(1)} s of training` : "never"}; share at the budget ${(100 * last).toFixed(1)} %`);
}
