/**
 * `gridgym evaluate`: one baseline, or a saved model (`--model DIR`, on any config of its env), on one environment, KPIs as a table or JSON, optional
 * trajectory CSV. A parallel env (Community-v0, EnergyHubParallel-v0) runs its joint or
 * per-agent baselines through evaluateParallel; its return is the sum over agents.
 */
import type { Command } from "commander";
import { z } from "zod";
import { resolveConfig, spec } from "../../src/core/registry.js";
import { evaluate, type EvaluationResult } from "../evaluate.js";
import { evaluateParallel } from "../evaluate-parallel.js";
import { BASELINE_NAMES, baselineFactory, parallelBaselineFactory } from "../policies.js";
import { formatTable } from "../table.js";
import { SOLVERS, addSchemaOptions, intArg, parseOptions, readConfigFile, writeFile } from "./common.js";

/** The options of `gridgym evaluate`. */
export const evaluateOptionsSchema = z.strictObject({
  env: z.string().min(1).optional().meta({ description: "environment id (`gridgym envs` lists them; default with --model: the model's)", value: "id" }),
  policy: z.string().min(1).optional().meta({ description: `baseline policy, one of ${BASELINE_NAMES.join(", ")} (each env serves some)`, value: "name" }),
  model: z.string().min(1).optional().meta({ description: "a saved model directory (gridgym train's output) to score instead of a baseline", value: "dir" }),
  config: z.string().optional().meta({ description: "environment config (JSON file)", value: "file" }),
  seed: intArg(0).default(0).meta({ description: "first seed", value: "n" }),
  episodes: intArg(1).default(1).meta({ description: "episodes, on seeds seed .. seed+k-1", value: "k" }),
  solver: z.enum(SOLVERS).default("auto").meta({ description: "LP backend for mpc and oracle", value: "backend" }),
  json: z.boolean().default(false).meta({ description: "print one JSON object: the KPIs (means over the episodes), each episode's values and, per KPI, mean, std and 95 % CI" }),
  trajectory: z.string().optional().meta({ description: "write the first episode's per-tick trajectory as CSV", value: "file.csv" }),
}).superRefine((o, ctx) => {
  if ((o.policy === undefined) === (o.model === undefined)) ctx.addIssue({ code: "custom", path: ["policy"], message: "either --policy NAME (a baseline) or --model DIR (a saved model), not both" });
  if (o.model === undefined && o.env === undefined) ctx.addIssue({ code: "custom", path: ["env"], message: "an environment id (required with --policy)" });
});

/**
 * The JSON form of an evaluation (`gridgym evaluate --json`, `gridgym train --json`): the KPIs
 * (one episode's, or the means over several), each episode's values, and per KPI the mean, std
 * and 95 % CI.
 */
export function evaluationJson(envId: string, result: EvaluationResult, seeds: readonly number[]) {
  const kpis = result.episodes.length === 1
    ? { ...result.episodes[0]!.kpis, return: result.episodes[0]!.return }
    : Object.fromEntries(Object.entries(result.summary).map(([k, s]) => [k, s.mean]));
  const episodes = result.episodes.map((e) => ({ seed: e.seed, return: e.return, steps: e.steps, kpis: e.kpis }));
  return { env: envId, policy: result.policy, seeds, kpis, episodes, summary: result.summary };
}

export function registerEvaluateCommand(program: Command): void {
  addSchemaOptions(program.command("evaluate").description("run a baseline policy on an environment and print its KPIs"), evaluateOptionsSchema)
    .action(async (raw: unknown) => {
      const o = parseOptions("evaluate", evaluateOptionsSchema, raw);
      const solver = o.solver;
      const config = readConfigFile(o.config);
      const seeds = Array.from({ length: o.episodes }, (_, i) => o.seed + i);
      const keepTrajectories = o.trajectory !== undefined;
      let result;
      let envId: string;
      if (o.model !== undefined) {
        const { evaluateModel } = await import("../evaluate-model.js");
        const scored = await evaluateModel(o.model, config, seeds, { keepTrajectories, ...(o.env === undefined ? {} : { envId: o.env }) });
        result = scored.result;
        envId = scored.model.envId;
      } else {
        envId = o.env!;
        resolveConfig(envId, config);
        const policy = o.policy!;
        result = spec(envId).kind === "parallel"
          ? evaluateParallel(envId, config, await parallelBaselineFactory(policy, { solver, envId }), seeds, { keepTrajectories })
          : evaluate(envId, config, await baselineFactory(policy, { solver, envId }), seeds, { keepTrajectories });
      }
      if (o.trajectory !== undefined) writeFile(o.trajectory, result.episodes[0]!.trajectory!.toCSV());
      if (o.json) {
        process.stdout.write(JSON.stringify(evaluationJson(envId, result, seeds)) + "\n");
        return;
      }
      process.stdout.write(formatTable([result]) + "\n");
    });
}
