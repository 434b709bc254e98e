/** `gridgym evaluate`: one baseline on one environment, KPIs as a table or JSON, optional trajectory CSV. */
import type { Command } from "commander";
import { resolveConfig } from "../../src/core/registry.js";
import { evaluate } from "../evaluate.js";
import { BASELINE_NAMES, baselineFactory } from "../policies.js";
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
    .option("--solver <backend>", "LP backend for mpc and oracle: auto, highs or jsls", "auto")
    .option("--json", "print the KPIs as one JSON object")
    .option("--trajectory <file.csv>", "write the first episode's per-tick trajectory as CSV")
    .action(async (o: { env: string; policy: string; config?: string; seed: number; episodes: number; solver: string; json?: boolean; trajectory?: string }) => {
      const solver = solverOption(o.solver);
      const config = readConfigFile(o.config);
      resolveConfig(o.env, config);
      const factory = await baselineFactory(o.policy, { solver, envId: o.env });
      const seeds = Array.from({ length: o.episodes }, (_, i) => o.seed + i);
      const result = evaluate(o.env, config, factory, seeds, { keepTrajectories: o.trajectory !== undefined });
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
