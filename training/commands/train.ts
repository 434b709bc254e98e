/**
 * `gridgym train --env ID --algo dqn|ppo|a2c [--steps N] [--num-envs N] [--seed S] [--out DIR]
 * [--config FILE.json] [--hyperparameters FILE.json] [--independent]`: trains one learner on N envs stepped
 * together with a progress bar (steps/s, last episode return, loss or epsilon), prints the
 * backend that runs it and the final evaluation on held-out seeds (`--json`: one JSON object with
 * each held-out episode's values and the CIs), and saves the model. The
 * learner starts from its training defaults for the env (training/learner-defaults.ts); a
 * hyperparameter file's fields replace those they name. On a parallel env (Community-v0,
 * EnergyHubParallel-v0) one network acts for every agent (parameter sharing), or with
 * `--independent` one network per agent, each trained on its own agent's transitions.
 */
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { z } from "zod";
import { ConfigError } from "../../src/core/errors.js";
import { formatTable } from "../table.js";
// tfjs loads with the learners: import them only when a command trains (keeps `gridgym envs` fast)
import type { Algo, TrainResult, TrainOptions } from "../train.js";
import { learnerDefaults } from "../learner-defaults.js";
import { evaluationJson } from "./evaluate.js";
import { addSchemaOptions, intArg, parseOptions, readConfigFile } from "./common.js";

const ALGOS = ["dqn", "ppo", "a2c"] as const satisfies readonly Algo[];
const BACKENDS = ["auto", "wasm", "cpu", "tensorflow"] as const;

/** The options of `gridgym train`. */
export const trainOptionsSchema = z.strictObject({
  env: z.string().min(1).meta({ description: "environment id", value: "id" }),
  algo: z.enum(ALGOS).meta({ description: "learner", value: "algo" }),
  steps: intArg(1).default(100_000).meta({ description: "env steps to train", value: "n" }),
  numEnvs: intArg(1).optional().meta({ description: "envs stepped together, acted on in one batch (default: the learner's training default, 8)", value: "n" }),
  vector: z.enum(["sync", "async"]).default("sync").meta({ description: "step the envs in this thread (sync) or in worker threads (async, for envs with an expensive step)", value: "mode" }),
  seed: intArg(0).default(0).meta({ description: "run seed (weights, exploration, minibatch order, training episodes)", value: "n" }),
  out: z.string().optional().meta({ description: "model directory (default runs/train/<env>-<algo>-seed<seed>)", value: "dir" }),
  config: z.string().optional().meta({ description: "environment config (JSON file)", value: "file" }),
  hyperparameters: z.string().optional().meta({ description: "learner hyperparameters (JSON file; agents/<algo>.ts lists them)", value: "file" }),
  evalEvery: intArg(0).optional().meta({ description: "env steps between evaluations on held-out seeds (0: only at the end)", value: "n" }),
  backend: z.enum(BACKENDS).default("auto").meta({ description: "tfjs backend", value: "name" }),
  independent: z.boolean().default(false).meta({ description: "parallel envs: one network per agent, each trained on its own agent's transitions (independent learners), instead of one network shared by every agent" }),
  centralCritic: z.boolean().default(false).meta({ description: "parallel envs, ppo and a2c: the shared network's critic also reads every agent's observation (MAPPO's centralised critic); the actor still acts on its agent's own" }),
  resume: z.string().optional().meta({ description: "continue training a saved model", value: "dir" }),
  progress: z.boolean().default(true).meta({ description: "skip the progress bar (shown by default: steps/s, episode return, loss)" }),
  json: z.boolean().default(false).meta({ description: "print one JSON object instead of text (no progress bar): the training run (steps, steps/s, wall time, model directory) and the held-out evaluation as `gridgym evaluate --json` gives it (each episode's values; per KPI mean, std and 95 % CI)" }),
});

/** Runs the command's work on raw options (validated here); exported so tests can call it without a subprocess. */
export async function runTrain(raw: unknown, write: (line: string) => void = (l) => process.stdout.write(l)): Promise<TrainResult> {
  const o = parseOptions("train", trainOptionsSchema, raw);
  const algo: Algo = o.algo;
  const out = o.out ?? `runs/train/${o.env}-${algo}-seed${o.seed}`;
  const defaults = learnerDefaults(o.env, algo);
  const bar = o.progress && !o.json
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
  let lastShown = 0;
  const opts: TrainOptions = {
    envId: o.env,
    envConfig: readConfigFile(o.config),
    algo,
    hyperparameters: { ...defaults.hyperparameters, ...(o.hyperparameters === undefined ? {} : readConfigFile(o.hyperparameters) as object) },
    numEnvs: o.numEnvs ?? defaults.numEnvs,
    vectorization: o.vector,
    seed: o.seed,
    steps: o.steps,
    outDir: out,
    backend: o.backend,
    hooks: {
      onStep: (s) => {
        if (!announced) {
          announced = true;
          bar?.start(o.steps, 0, { sps, ret: lastReturn, metric });
        }
        if (s.loss !== undefined) metric = `loss ${s.loss.toFixed(4)}`;
        else if (s.epsilon !== undefined && metric === "") metric = `epsilon ${s.epsilon.toFixed(3)}`;
        if (s.step - lastShown < 200) return;
        lastShown = s.step;
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
  if (o.independent && o.centralCritic) {
    throw new ConfigError("train", [{ path: "--central-critic", expected: "not with --independent (the centralised critic belongs to the shared network)", received: "both given" }]);
  }
  if (o.independent) opts.sharing = { mode: "independent" };
  if (o.centralCritic) opts.sharing = { mode: "shared", criticState: "team" };
  if (o.resume !== undefined) opts.resumeFrom = o.resume;
  let result: TrainResult;
  try {
    const { train } = await import("../train.js");
    result = await train(opts);
  } finally {
    bar?.stop();
  }
  const { evaluateModel } = await import("../evaluate-model.js");
  const { DEFAULT_EVAL_SEEDS } = await import("../train.js");
  const scored = await evaluateModel(result.modelDir!, opts.envConfig ?? {}, DEFAULT_EVAL_SEEDS);
  if (o.json) {
    const run = { algo, ...(o.independent ? { multiAgent: "independent" } : o.centralCritic ? { multiAgent: "central-critic" } : {}), backend: result.backend, steps: result.steps, stepsPerSecond: result.stepsPerSecond, wallSeconds: result.wallSeconds, modelDir: result.modelDir };
    write(JSON.stringify({ train: run, evaluation: evaluationJson(o.env, scored.result, DEFAULT_EVAL_SEEDS) }) + "\n");
    return result;
  }
  write(`backend: ${result.backend}\n`);
  write(`${algo}${o.independent ? " (independent learners)" : o.centralCritic ? " (centralised critic)" : ""} on ${o.env}: ${result.steps} steps, ${Math.round(result.stepsPerSecond)} steps/s, ${result.wallSeconds.toFixed(1)} s\n`);
  const k = result.kpis;
  const cost = k["totalCostEur"] !== undefined ? `, mean total cost ${k["totalCostEur"].toFixed(2)} EUR` : "";
  write(`held-out evaluation: mean return ${k["return"]?.toFixed(2)}${cost}\n`);
  // the saved model on the held-out seeds, in the same KPI table as `gridgym evaluate` and the benchmark
  write(`\n${o.env}, held-out seeds ${DEFAULT_EVAL_SEEDS.join(", ")} (mean ± 95 % CI)\n\n${formatTable([scored.result])}\n\n`);
  write(`model: ${result.modelDir}\n`);
  return result;
}

/** Adds `train` to the gridgym program. */
export function registerTrainCommand(program: Command): void {
  addSchemaOptions(program.command("train").description("train a DQN, PPO or A2C learner on an environment and save it"), trainOptionsSchema)
    .action(async (raw: unknown) => {
      await runTrain(raw);
    });
}
