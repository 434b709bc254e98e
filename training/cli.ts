#!/usr/bin/env node
/**
 * The gridgym command line: list environments, evaluate a policy, run the benchmark.
 * Input (options, config files) is validated with zod; errors print one clear message
 * and exit with status 2, never a stack trace.
 */
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join, resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import "../envs/index.js";
import { GymError, ConfigError } from "../src/core/errors.js";
import { list, resolveConfig } from "../src/core/registry.js";
import { evaluate, type EvaluationResult } from "./evaluate.js";
import { BASELINE_NAMES, baselineFactory } from "./policies.js";
import { formatMarkdownTable, formatTable } from "./table.js";

export const DEFAULT_ENV = "CommunityBattery-v0";

function intOption(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
    return n;
  };
}

function readConfigFile(file: string | undefined): unknown {
  if (file === undefined) return {};
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError("--config", [{ path: file, expected: "a readable JSON file", received: (err as Error).message }]);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError("--config", [{ path: file, expected: "valid JSON", received: (err as Error).message }]);
  }
}

function writeFile(path: string, text: string): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, text);
}

async function runBenchmark(opts: { env: string; seeds: number; firstSeed: number; out: string; json: boolean; solver: string; config?: string }): Promise<void> {
  const config = readConfigFile(opts.config);
  resolveConfig(opts.env, config);
  // held-out seeds: learners (issue 4) train on seeds below 1000
  const seeds = Array.from({ length: opts.seeds }, (_, i) => opts.firstSeed + i);
  const results: EvaluationResult[] = [];
  const timings: Record<string, number> = {};
  for (const name of ["myopic", "mpc", "oracle"]) {
    const started = performance.now();
    const factory = await baselineFactory(name, { solver: opts.solver as "auto" });
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

export function buildProgram(): Command {
  const program = new Command();
  program.name("gridgym").description("Reinforcement-learning environments for energy systems").showHelpAfterError();

  program.command("envs")
    .description("list registered environments")
    .option("--json", "print as JSON")
    .action((o: { json?: boolean }) => {
      const specs = list();
      if (o.json) {
        process.stdout.write(JSON.stringify(specs.map((s) => ({ id: s.id, kind: s.kind, description: s.description, defaultEpisodeSteps: s.defaultEpisodeSteps }))) + "\n");
        return;
      }
      for (const s of specs) process.stdout.write(`${s.id.padEnd(24)} ${s.kind.padEnd(9)} ${s.description}\n`);
    });

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
      if (!["auto", "highs", "jsls"].includes(o.solver)) {
        throw new ConfigError("--solver", [{ path: "solver", expected: "auto, highs or jsls", received: JSON.stringify(o.solver) }]);
      }
      const config = readConfigFile(o.config);
      resolveConfig(o.env, config);
      const factory = await baselineFactory(o.policy, { solver: o.solver as "auto" });
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
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().exitOverride().parseAsync(argv, { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof GymError) {
      process.stderr.write(`gridgym: ${err.message}\n`);
      return 2;
    }
    const code = (err as { code?: string }).code;
    if (typeof code === "string" && code.startsWith("commander.")) {
      return code === "commander.helpDisplayed" || code === "commander.version" ? 0 : 2;
    }
    throw err;
  }
}

function invokedDirectly(): boolean {
  if (process.argv[1] === undefined) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
