#!/usr/bin/env node
/**
 * The gridgym command line. Each command lives in training/commands/ and registers itself
 * here. Input (options, config files) is validated; errors print one clear message and
 * exit with status 2, never a stack trace.
 */
import { statSync } from "node:fs";
import { Command } from "commander";
import "../envs/index.js";
import { ConfigError, GymError, describeValue } from "../src/core/errors.js";
import { setDataRoot } from "../src/data/paths.js";
import { registerBenchmarkCommand } from "./commands/benchmark.js";
import { registerEnvsCommand } from "./commands/envs.js";
import { registerEvaluateCommand } from "./commands/evaluate.js";
import { registerReproduceCommand } from "./commands/reproduce.js";
import { registerSweepCommand } from "./commands/sweep.js";
import { registerTrainCommand } from "./commands/train.js";
import { registerWorkerCommand } from "./commands/worker.js";
import { invokedDirectly } from "./main-module.js";

/** `--data-root`'s folder, which must exist. */
function checkedDataRoot(dir: string): string {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // missing: said below
  }
  if (!isDir) throw new ConfigError("gridgym options", [{ path: "--data-root", expected: "an existing folder", received: describeValue(dir) }]);
  return dir;
}

/** The gridgym program with every command registered. */
export function buildProgram(): Command {
  const program = new Command();
  // exitOverride before the commands are added: subcommands inherit it, so a missing required
  // option (commander's own check) exits 2 like every other usage error instead of 1
  program.name("gridgym").description("Reinforcement-learning environments for energy systems").showHelpAfterError().exitOverride();
  // every file a config or job names must lie under the data root (src/data/paths.ts)
  program.option("--data-root <dir>", "folder that files named in configs must lie in (default: the current directory)");
  program.hook("preAction", () => {
    const root = program.opts<{ dataRoot?: string }>().dataRoot;
    if (root !== undefined) setDataRoot(checkedDataRoot(root));
  });
  registerEnvsCommand(program);
  registerEvaluateCommand(program);
  registerBenchmarkCommand(program);
  registerReproduceCommand(program);
  registerTrainCommand(program);
  registerSweepCommand(program);
  registerWorkerCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: "user" });
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

if (invokedDirectly(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
