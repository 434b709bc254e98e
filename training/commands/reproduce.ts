/**
 * `gridgym reproduce microgrid`: seed 001's Table 1 (SPEC section 1) over N seeds, the seed's
 * values beside ours, with the directions the reproduction must show; trajectories (one CSV
 * per run and seed) and a JSON summary go to --out.
 */
import type { Command } from "commander";
import { ConfigError } from "../../src/core/errors.js";
import { formatReproduction, reproduceMicrogrid } from "../reproduce-microgrid.js";
import { intOption, solverOption } from "./common.js";

const EXPERIMENTS = ["microgrid"] as const;

export function registerReproduceCommand(program: Command): void {
  program.command("reproduce")
    .description("reproduce a seed paper's results table (microgrid: seed 001, Table 1) over several seeds")
    .argument("<experiment>", `one of ${EXPERIMENTS.join(", ")}`)
    .option("--seeds <n>", "number of seeds", intOption("--seeds", 1), 10)
    .option("--first-seed <n>", "first seed", intOption("--first-seed", 0), 0)
    .option("--solver <backend>", "LP backend: auto, highs or jsls", "auto")
    .option("--out <dir>", "directory for the trajectories and the JSON summary", "runs/reproduce-microgrid")
    .option("--json", "print the summary as one JSON object")
    .action(async (experiment: string, o: { seeds: number; firstSeed: number; solver: string; out: string; json?: boolean }) => {
      if (!(EXPERIMENTS as readonly string[]).includes(experiment)) {
        throw new ConfigError("reproduce", [{ path: "experiment", expected: `one of ${EXPERIMENTS.join(", ")}`, received: JSON.stringify(experiment) }]);
      }
      const result = await reproduceMicrogrid({ seeds: o.seeds, firstSeed: o.firstSeed, solver: solverOption(o.solver), outDir: o.out });
      if (o.json) {
        process.stdout.write(JSON.stringify(result) + "\n");
        return;
      }
      process.stdout.write(formatReproduction(result) + "\n\n");
      process.stdout.write(`trajectories and summary: ${o.out}\n`);
    });
}
