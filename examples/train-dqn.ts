/**
 * Train DQN on CommunityBattery-v0 and judge it against MPC and the myopic rule on held-out
 * seeds, with the same KPI table every policy gets.
 *
 *   npx tsx examples/train-dqn.ts            (about 2 minutes on 2 cores)
 *
 * Training episodes use seeds below 1000; evaluation uses seeds from 1000 up.
 */
import { baselineFactory, evaluate, formatTable, loadPolicy, train } from "gridgym";

// the tests run this example with a tiny budget so it cannot drift
const steps = process.env["GRIDGYM_EXAMPLE_BUDGET"] === "tiny" ? 500 : 500_000;

const run = await train({
  envId: "CommunityBattery-v0",
  // rewards relative to an idle battery: the same optimal policy, far less variance to learn through
  envConfig: { rewardBaseline: "idle" },
  algo: "dqn",
  // tuned in bench/learning.ts: 3 power levels (-600, 0, 600 kW), gamma 0.98
  hyperparameters: { actionLevels: 3, gamma: 0.98, learningRate: 5e-4, explorationFraction: 0.2, targetUpdateInterval: 2000 },
  seed: 1,
  steps,
  outDir: "runs/example-dqn",
  // keep the best learner by validation episodes, apart from the seeds it is judged on below
  evalSeeds: [2000, 2001, 2002],
  keepBest: true,
});
console.log(`trained ${run.steps} steps at ${Math.round(run.stepsPerSecond)} steps/s on tfjs ${run.backend}`);

const seeds = [1000, 1001, 1002];
const dqn = evaluate("CommunityBattery-v0", {}, await loadPolicy(run.modelDir!), seeds);
const mpc = evaluate("CommunityBattery-v0", {}, await baselineFactory("mpc"), seeds);
const myopic = evaluate("CommunityBattery-v0", {}, await baselineFactory("myopic"), seeds);
console.log(formatTable([{ ...dqn, policy: "dqn" }, mpc, myopic]));
