/**
 * Env steps per second during training: DQN, PPO and A2C at N = 1, 4, 8, 16 envs on
 * CommunityBattery-v0, Microgrid-v0 and EnergyHub-v0, through training/train.ts as a user runs
 * it (a SyncVectorEnv of N envs, one batched forward pass per vector step), evaluation time
 * excluded. Each learner runs its benchmark settings (training/learner-defaults.ts). Prints a
 * table and the tfjs backend; asserts nothing.
 *
 *   npx tsx bench/train-throughput.ts [--steps N] [--backend auto|wasm|cpu|tensorflow]
 *                                     [--envs id,id] [--algos dqn,ppo,a2c] [--n 1,4,8,16]
 *
 * Wall-clock numbers: run it on a quiet machine (the figures fall with every other busy process).
 */
import "../envs/index.js";
import { learnerDefaults } from "../training/learner-defaults.js";
import { train, type Algo } from "../training/train.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

const STEPS = Number(arg("--steps", "32768"));
const BACKEND = arg("--backend", "wasm") as "auto" | "wasm" | "cpu" | "tensorflow";
const ENVS = arg("--envs", "CommunityBattery-v0,Microgrid-v0,EnergyHub-v0").split(",");
const ALGOS = arg("--algos", "dqn,ppo,a2c").split(",") as Algo[];
const NS = arg("--n", "1,4,8,16").split(",").map(Number);

console.log(`training throughput, env steps/s (${STEPS.toLocaleString()} env steps per run, evaluation excluded), node ${process.version}`);
console.log(`${"env".padEnd(22)} ${"algo".padEnd(5)} ${NS.map((n) => `N=${n}`.padStart(8)).join(" ")}`);
let backend = "";
for (const envId of ENVS) {
  for (const algo of ALGOS) {
    const cells: string[] = [];
    for (const numEnvs of NS) {
      const d = learnerDefaults(envId, algo);
      const r = await train({ envId, algo, hyperparameters: d.hyperparameters, seed: 0, steps: STEPS, evalEvery: 0, evalSeeds: [1000], numEnvs, backend: BACKEND });
      backend = r.backend;
      cells.push(Math.round(r.stepsPerSecond).toLocaleString().padStart(8));
    }
    console.log(`${envId.padEnd(22)} ${algo.padEnd(5)} ${cells.join(" ")}`);
  }
}
console.log(`backend ${backend}`);
