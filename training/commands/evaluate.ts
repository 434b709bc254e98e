/**
 * `gridgym evaluate`: one baseline on one environment, KPIs as a table or JSON, optional
 * trajectory CSV. A parallel env (Community-v0, EnergyHubParallel-v0) runs its joint or
 * per-agent baselines through evaluateParallel; its return is the sum over agents.
 */
import type { Command } from "commander";
import { resolveConfig, spec } from "../../src/core/registry.js";
import { evaluate } from "../evaluate.js";
import { evaluateParallel } from "../evaluate-parallel.js";
import { BASELINE_NAMES, baselineFactory, parallelBaselineFactory } from "../policies.js";
import { formatTable } from "../table.js";
import { intOption, readConfigFile, solverOption, writeFile } from "./common.js";

export function registerEvaluateCommand(program: Command): void {
  program.command("evaluate")
    .description("run a baseline policy on an environment and print its KPIs")
    .requiredOption("--env <id>", "environment id")
    .requiredOption("--policy <name>", `one of ${BASELINE_NAMES.join(", ")}`)
    .option("--config <file>", "environment config (JSON)")
    .option("--seed <n>", "first seed", intOption("--seed", 0), 0)
    .option("--episodes <k>", "episodes (seeds seed .. seed+k-1)", intOption("--episodes", 1), 1)
    .option("--solver <backend>", "LP backend for mpc and oracle: auto, simplex, highs or jsls", "auto")
    .option("--json", "print the KPIs as one JSON object")
    .option("--trajectory <file.csv>", "write the first episode's per-tick trajectory as CSV")
    .action(async (o: { env: string; policy: string; config?: string; seed: number; episodes: number; solver: string; json?: boolean; trajectory?: string }) => {
      const solver = solverOption(o.solver);
      const config = readConfigFile(o.config);
      resolveConfig(o.env, config);
      const seeds = Array.from({ length: o.episodes }, (_, i) => o.seed + i);
      const keepTrajectories = o.trajectory !== undefined;
      const result = spec(o.env).kind === "parallel"
        ? evaluateParallel(o.env, config, await parallelBaselineFactory(o.policy, { solver, envId: o.env }), seeds, { keepTrajectories })
        : evaluate(o.env, config, await baselineFactory(o.policy, { solver, envId: o.env }), seeds, { keepTrajectories });
      if (o.trajectory !== undefined) writeFile(o.trajectory, result.episodes[0]!.trajectory!.toCSV());
      const kpis = o.episodes === 1
        ? { ...result.episodes[0]!.kpis, return: result.episodes[0]!.return }
        : Object.fromEntries(Object.entries(result.summary).map(([k, s]) => [k, s.mean]));
      if (o.json) {
        process.stdout.write(JSON.stringify({ env: o.env, policy: result.policy, seeds, kpis }) + "\n");
        return;
      }
      process.stdout.write(formatTable([result]) + "\n");
    });
}
