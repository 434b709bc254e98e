/**
 * Env steps per second during training on CommunityBattery-v0 (default config), through
 * training/train.ts as a user would run it, evaluation time excluded. Prints numbers and the
 * tfjs backend; asserts nothing.
 *
 *   npx tsx bench/train-throughput.ts [--steps N] [--backend auto|wasm|cpu|tensorflow]
 *
 * DQN runs the configuration: a gradient step every 4 env steps on a batch of 64,
 * two hidden layers of 64, 11 action levels, updates from step 1,000. PPO runs CleanRL's
 * defaults (2048-step rollouts, 10 epochs) with minibatches of 64 and of 256.
 *
 * What makes it fast (see agents/networks.ts and agents/host-train.ts): on wasm every op costs
 * a fixed ~10-30 us, so the train steps dispatch few of them. DQN's update runs the forward
 * passes on the device, reads the Q values back, computes the double-DQN targets and the Huber
 * gradient on the host, runs a hand-written backward pass (~15 ops, one read-back) and does
 * gradient clipping and Adam on the host copy of the weights, uploaded once per update (~0.8 ms
 * against ~2.5 ms for tf.variableGrads + a tfjs Adam). PPO and A2C keep tf.variableGrads but
 * clip and step Adam / RMSprop on the host. Actions are chosen by a plain Float32Array forward
 * pass on the host copy (~15 us, against ~150 us for a one-row predict); replay sampling
 * writes into reused typed arrays.
 */
import "../envs/index.js";
import { train, type Algo } from "../training/train.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

const STEPS = Number(arg("--steps", "40000"));
const BACKEND = arg("--backend", "auto") as "auto" | "wasm" | "cpu" | "tensorflow";

const cases: { label: string; algo: Algo; hyperparameters: Record<string, unknown> }[] = [
  { label: "DQN (update every 4 steps, batch 64, 64x64)", algo: "dqn", hyperparameters: { trainFrequency: 4, batchSize: 64, hiddenSizes: [64, 64], learningStarts: 1000 } },
  { label: "DQN, no gradient clipping", algo: "dqn", hyperparameters: { trainFrequency: 4, batchSize: 64, hiddenSizes: [64, 64], learningStarts: 1000, maxGradNorm: 0 } },
  { label: "PPO (2048 steps, 10 epochs, minibatch 64)", algo: "ppo", hyperparameters: { numMinibatches: 32 } },
  { label: "PPO (2048 steps, 10 epochs, minibatch 256)", algo: "ppo", hyperparameters: { numMinibatches: 8 } },
];

console.log(`training throughput on CommunityBattery-v0, ${STEPS.toLocaleString()} env steps per run, node ${process.version}`);
for (const c of cases) {
  const r = await train({ envId: "CommunityBattery-v0", algo: c.algo, hyperparameters: c.hyperparameters, seed: 0, steps: STEPS, evalEvery: 0, evalSeeds: [1000], backend: BACKEND });
  console.log(`  ${c.label.padEnd(46)} ${Math.round(r.stepsPerSecond).toLocaleString().padStart(7)} env steps/s   backend ${r.backend}`);
}
