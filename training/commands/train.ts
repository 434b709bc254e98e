/**
 * `gridgym train --env ID --algo dqn|ppo|a2c [--steps N] [--seed S] [--out DIR]
 * [--config FILE.json] [--hyperparameters FILE.json]`: trains one learner with a progress
 * bar (steps/s, last episode return, loss or epsilon), prints the backend that runs it and
 * the final evaluation on held-out seeds, and saves the model.
 */
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { ConfigError } from "../../src/core/errors.js";
// tfjs loads with the learners: import them only when a command trains (keeps `gridgym envs` fast)
import type { Algo, TrainOptions, TrainResult } from "../train.js";
import { intOption, readConfigFile } from "./common.js";

const ALGOS: readonly Algo[] = ["dqn", "ppo", "a2c"];
const BACKENDS = ["auto", "wasm", "cpu", "tensorflow"] as const;

interface TrainCommandOptions {
  env: string;
  algo: string;
  steps: number;
  seed: number;
  out?: string;
  config?: string;
  hyperparameters?: string;
  evalEvery?: number;
  backend: string;
  resume?: string;
  progress: boolean;
}

/** Runs the command's work; exported so tests can call it without a subprocess. */
export async function runTrain(o: TrainCommandOptions, write: (line: string) => void = (l) => process.stdout.write(l)): Promise<TrainResult> {
  if (!ALGOS.includes(o.algo as Algo)) {
    throw new ConfigError("--algo", [{ path: "algo", expected: ALGOS.join(", "), received: JSON.stringify(o.algo) }]);
  }
  if (!(BACKENDS as readonly string[]).includes(o.backend)) {
    throw new ConfigError("--backend", [{ path: "backend", expected: BACKENDS.join(", "), received: JSON.stringify(o.backend) }]);
  }
  const algo = o.algo as Algo;
  const out = o.out ?? `runs/train/${o.env}-${algo}-seed${o.seed}`;
  const bar = o.progress
    ? new SingleBar({
      format: "{bar} {value}/{total} steps | {sps} steps/s | episode return {ret} | {metric}",
      hideCursor: true,
      etaBuffer: 200,
    })
    : null;
  let lastReturn = "-";
  let metric = "";
  let windowStart = performance.now();
  let windowStep = 0;
  let sps = "-";
  let announced = false;
  const opts: TrainOptions = {
    envId: o.env,
    envConfig: readConfigFile(o.config),
    algo,
    hyperparameters: o.hyperparameters === undefined ? undefined : readConfigFile(o.hyperparameters),
    seed: o.seed,
    steps: o.steps,
    outDir: out,
    backend: o.backend as (typeof BACKENDS)[number],
    hooks: {
      onStep: (s) => {
        if (!announced) {
          announced = true;
          bar?.start(o.steps, 0, { sps, ret: lastReturn, metric });
        }
        if (s.loss !== undefined) metric = `loss ${s.loss.toFixed(4)}`;
        else if (s.epsilon !== undefined && metric === "") metric = `epsilon ${s.epsilon.toFixed(3)}`;
        if (s.step % 200 !== 0) return;
        const now = performance.now();
        if (now - windowStart > 1000) {
          sps = String(Math.round(((s.step - windowStep) * 1000) / (now - windowStart)));
          windowStart = now;
          windowStep = s.step;
        }
        if (s.epsilon !== undefined) metric = `${metric.split(",")[0]}, epsilon ${s.epsilon.toFixed(3)}`;
        bar?.update(Math.min(o.steps, s.step), { sps, ret: lastReturn, metric });
      },
      onEpisode: (e) => {
        lastReturn = e.return.toFixed(1);
      },
    },
  };
  if (o.evalEvery !== undefined) opts.evalEvery = o.evalEvery;
  if (o.resume !== undefined) opts.resumeFrom = o.resume;
  let result: TrainResult;
  try {
    const { train } = await import("../train.js");
    result = await train(opts);
  } finally {
    bar?.stop();
  }
  write(`backend: ${result.backend}\n`);
  write(`${algo} on ${o.env}: ${result.steps} steps, ${Math.round(result.stepsPerSecond)} steps/s, ${result.wallSeconds.toFixed(1)} s\n`);
  const k = result.kpis;
  const cost = k["totalCostEur"] !== undefined ? `, mean total cost ${k["totalCostEur"].toFixed(2)} EUR` : "";
  write(`held-out evaluation: mean return ${k["return"]?.toFixed(2)}${cost}\n`);
  write(`model: ${result.modelDir}\n`);
  return result;
}

/** Adds `train` to the gridgym program. */
export function registerTrainCommand(program: Command): void {
  program.command("train")
    .description("train a DQN, PPO or A2C learner on an environment and save it")
    .requiredOption("--env <id>", "environment id")
    .requiredOption("--algo <algo>", `one of ${ALGOS.join(", ")}`)
    .option("--steps <n>", "env steps to train", intOption("--steps", 1), 100_000)
    .option("--seed <n>", "run seed (weights, exploration, minibatch order, training episodes)", intOption("--seed", 0), 0)
    .option("--out <dir>", "model directory (default runs/train/<env>-<algo>-seed<seed>)")
    .option("--config <file>", "environment config (JSON)")
    .option("--hyperparameters <file>", "learner hyperparameters (JSON)")
    .option("--eval-every <n>", "env steps between evaluations on held-out seeds (0: only at the end)", intOption("--eval-every", 0))
    .option("--backend <name>", `tfjs backend: ${BACKENDS.join(", ")}`, "auto")
    .option("--resume <dir>", "continue training a saved model")
    .option("--no-progress", "no progress bar")
    .action(async (o: TrainCommandOptions) => {
      await runTrain(o);
    });
}
