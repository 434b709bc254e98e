/**
 * `gridgym benchmark` (the main job behind `npm start`): the baselines side by side on
 * held-out seeds, a KPI table with 95 % confidence intervals, and a report on disk.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { resolveConfig } from "../../src/core/registry.js";
import { evaluate, type EvaluationResult } from "../evaluate.js";
import { baselineFactory, baselinesFor } from "../policies.js";
import { formatMarkdownTable, formatTable } from "../table.js";
import { DEFAULT_ENV, intOption, readConfigFile, solverOption } from "./common.js";

export async function runBenchmark(opts: { env: string; seeds: number; firstSeed: number; out: string; json: boolean; solver: string; config?: string }): Promise<void> {
  const config = readConfigFile(opts.config);
  resolveConfig(opts.env, config);
  // held-out seeds: learners (issue 4) train on seeds below 1000
  const seeds = Array.from({ length: opts.seeds }, (_, i) => opts.firstSeed + i);
  const results: EvaluationResult[] = [];
  const timings: Record<string, number> = {};
  for (const name of baselinesFor(opts.env).filter((n) => n !== "random")) {
    const started = performance.now();
    const factory = await baselineFactory(name, { solver: solverOption(opts.solver), envId: opts.env });
    results.push(evaluate(opts.env, config, factory, seeds, { keepTrajectories: true }));
    timings[name] = performance.now() - started;
  }
  mkdirSync(opts.out, { recursive: true });
  for (const r of results) {
    for (const ep of r.episodes) {
      if (ep.trajectory) writeFileSync(join(opts.out, `trajectory-${r.policy}-seed${ep.seed}.csv`), ep.trajectory.toCSV());
      delete ep.trajectory;
    }
  }
  const summary = { env: opts.env, seeds, results: results.map((r) => ({ policy: r.policy, summary: r.summary, episodes: r.episodes })) };
  writeFileSync(join(opts.out, "kpis.json"), JSON.stringify(summary, null, 2));
  const report = [
    `# gridgym benchmark: ${opts.env}`,
    "",
    `Seeds ${seeds.join(", ")} (held out from training). Cells: mean ± 95 % confidence interval over the seeds.`,
    "Total cost = spot cost of the grid exchange + the battery energy missing at the end valued at the episode's mean price.",
    "",
    formatMarkdownTable(results),
    "",
    "Wall time per policy (all seeds, including LP solves): " +
      Object.entries(timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} s`).join(", "),
    "",
    "Learned policies (DQN, PPO) join this table when the learners land (issue 4).",
    "",
  ].join("\n");
  writeFileSync(join(opts.out, "report.md"), report);
  if (opts.json) {
    process.stdout.write(JSON.stringify(summary) + "\n");
    return;
  }
  process.stdout.write(`\n${opts.env}, ${seeds.length} held-out seeds (mean ± 95 % CI)\n\n${formatTable(results)}\n\n`);
  process.stdout.write(`report: ${join(opts.out, "report.md")}, KPIs: ${join(opts.out, "kpis.json")}, trajectories: ${opts.out}/trajectory-*.csv\n`);
}

export function registerBenchmarkCommand(program: Command): void {
  program.command("benchmark")
    .description("run myopic, MPC and oracle side by side on held-out seeds; print the KPI table and write a report")
    .option("--env <id>", "environment id", DEFAULT_ENV)
    .option("--config <file>", "environment config (JSON)")
    .option("--seeds <k>", "number of held-out seeds", intOption("--seeds", 1), 5)
    .option("--first-seed <n>", "first held-out seed", intOption("--first-seed", 0), 1000)
    .option("--solver <backend>", "LP backend: auto, highs or jsls", "auto")
    .option("--out <dir>", "report directory", "runs/benchmark")
    .option("--json", "print the KPI summary as JSON")
    .action(async (o: { env: string; config?: string; seeds: number; firstSeed: number; solver: string; out: string; json?: boolean }) => {
      await runBenchmark({ ...o, json: o.json ?? false });
    });
}
