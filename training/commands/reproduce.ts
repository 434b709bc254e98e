/**
 * `gridgym reproduce microgrid`: seed 001's Table 1 (SPEC section 1) over N seeds, the seed's
 * values beside ours, with the directions the reproduction must show; trajectories (one CSV
 * per run and seed) and a JSON summary go to --out.
 * `gridgym reproduce hub`: seed 002's optimised vs base case for one hub over one day, and its
 * deviation sensitivity study (Table 4 analogue, training/reproduce-hub.ts).
 * `gridgym reproduce community`: seed 003's PCC result, self-consumption (LEC-MS) vs arbitrage
 * (LEC-MPEA) over N weeks, on the aggregated CommunityBattery-v0 and on Community-v0 itself
 * (training/reproduce-community.ts).
 * `gridgym reproduce flexibility`: seed 004's flexibility marketplace on Community-v0, one week
 * (--first-seed), contracts, activations, per-ISP settlement (training/reproduce-flexibility.ts).
 */
import type { Command } from "commander";
import { z } from "zod";
import { ConfigError } from "../../src/core/errors.js";
import {
  formatCommunityEnvReproduction, formatCommunityReproduction, reproduceCommunity, reproduceCommunityEnv, writeCommunityReport,
} from "../reproduce-community.js";
import { formatFlexibilityReproduction, reproduceFlexibility, writeFlexibilityReproduction } from "../reproduce-flexibility.js";
import {
  formatHubDefaultScenario, formatHubDeviationStudy, formatTable4Gap, reproduceHubReport, writeHubReport, type HubReproduction,
} from "../reproduce-hub.js";
import { formatReproduction, reproduceMicrogrid, type ReproductionProgress, type ReproductionSetting } from "../reproduce-microgrid.js";
import { SOLVERS, addSchemaOptions, intArg, parseOptions } from "./common.js";

const EXPERIMENTS = ["microgrid", "hub", "community", "flexibility"] as const;
const SETTINGS = ["seed", "tou-hold", "resilience"] as const satisfies readonly ReproductionSetting[];

/** The options of `gridgym reproduce`. */
export const reproduceOptionsSchema = z.strictObject({
  seeds: intArg(1).default(10).meta({ description: "number of seeds", value: "n" }),
  firstSeed: intArg(0).default(0).meta({ description: "first seed", value: "n" }),
  solver: z.enum(SOLVERS).default("auto").meta({ description: "LP backend", value: "backend" }),
  out: z.string().min(1).default("runs/reproduce-microgrid").meta({ description: "directory for the trajectories and the JSON summary (microgrid: runs/reproduce-microgrid/<setting> by default)", value: "dir" }),
  setting: z.enum(SETTINGS).default("seed").meta({
    description: "microgrid: the seed's tariff and planner (seed), a time-of-use tariff with hourly re-planning and a holding value on stored energy (tou-hold), or MicrogridResilience-v0 with its outages and lost load priced (resilience)",
    value: "name",
  }),
  emulateSeedDefects: z.boolean().default(false).meta({ description: "microgrid: add runs with the seed code's defects emulated (env emulateSeedDefects: all three on the seed's four columns, each alone on baseline and predictive) and say whether the seed's figures reappear" }),
  json: z.boolean().default(false).meta({ description: "print the summary as one JSON object" }),
});

/** The output folder of `experiment`: --out when given, else runs/reproduce-<experiment>. */
function outDirFor(experiment: string, out: string): string {
  return out === reproduceOptionsSchema.shape.out.parse(undefined) ? `runs/reproduce-${experiment}` : out;
}

/** The microgrid reproduction's folder: --out when given, else one folder per setting, runs/reproduce-microgrid/<setting>. */
export function microgridOutDir(out: string, setting: string): string {
  return out === reproduceOptionsSchema.shape.out.parse(undefined) ? `runs/reproduce-microgrid/${setting}` : out;
}

/**
 * The microgrid progress display on stderr: on a terminal one line rewritten after every seed
 * (run i/N, seed, elapsed); elsewhere (CI logs) one line per finished run.
 */
export function microgridProgress(stream: NodeJS.WriteStream): (p: ReproductionProgress) => void {
  const tty = stream.isTTY === true;
  return (p) => {
    const head = `run ${p.runIndex}/${p.runs} ${p.run}`;
    if (p.seed !== null) {
      if (tty) stream.write(`\r${head}: seed ${p.seed} (${p.seedsDone}/${p.seedsTotal}), ${p.elapsedS.toFixed(0)} s elapsed\x1b[K`);
      return;
    }
    stream.write(`${tty ? "\r" : ""}${head}: ${p.seedsTotal} seeds done, ${p.elapsedS.toFixed(0)} s elapsed${tty ? "\x1b[K" : ""}\n`);
  };
}

function formatHub(r: HubReproduction): string {
  const row = (label: string, c: HubReproduction["cost"], digits: number) =>
    `${label.padEnd(20)} ${c.base.toFixed(digits).padStart(10)} ${c.optimised.toFixed(digits).padStart(10)} ${`${c.totalPct.toFixed(2)} %`.padStart(10)} ${`${c.meanStepPct.toFixed(2)} %`.padStart(12)} ${`${c.seedPct.toFixed(2)} %`.padStart(9)}`;
  return [
    `one hub, one day (${r.steps} half hours), cost objective, LP on ${r.backend}`,
    `${"".padEnd(20)} ${"base".padStart(10)} ${"optimised".padStart(10)} ${"day total".padStart(10)} ${"mean per step".padStart(12)} ${"seed".padStart(9)}`,
    row("cost (GBP)", r.cost, 2),
    row("emissions (kg)", r.emissions, 1),
    row("primary input (kWh)", r.primaryInput, 0),
  ].join("\n");
}

export function registerReproduceCommand(program: Command): void {
  const command = program.command("reproduce")
    .description("reproduce a seed paper's results (microgrid: seed 001, Table 1 over several seeds; hub: seed 002, optimised vs base case and the deviation study; community: seed 003, LEC-MS vs LEC-MPEA at the PCC; flexibility: seed 004, the flexibility marketplace on Community-v0)")
    .argument("<experiment>", `one of ${EXPERIMENTS.join(", ")}`);
  addSchemaOptions(command, reproduceOptionsSchema)
    .action(async (experiment: string, raw: unknown) => {
      const o = parseOptions("reproduce", reproduceOptionsSchema, raw);
      if (!(EXPERIMENTS as readonly string[]).includes(experiment)) {
        throw new ConfigError("reproduce", [{ path: "experiment", expected: `one of ${EXPERIMENTS.join(", ")}`, received: JSON.stringify(experiment) }]);
      }
      if (experiment === "flexibility") {
        const flex = reproduceFlexibility({ seed: o.firstSeed });
        const files = writeFlexibilityReproduction(outDirFor("flexibility", o.out), flex);
        process.stdout.write((o.json ? JSON.stringify(flex) : `${formatFlexibilityReproduction(flex)}\n\nsummary: ${files.join("\n         ")}`) + "\n");
        return;
      }
      if (experiment === "community") {
        const community = await reproduceCommunity({ seeds: o.seeds, firstSeed: o.firstSeed, solver: o.solver });
        const communityV0 = await reproduceCommunityEnv({ seeds: o.seeds, firstSeed: o.firstSeed, solver: o.solver });
        const report = { ...community, communityV0 };
        const text = `${formatCommunityReproduction(community)}\n\n${formatCommunityEnvReproduction(communityV0)}`;
        const files = writeCommunityReport(outDirFor("community", o.out), report, text);
        process.stdout.write((o.json ? JSON.stringify(report) : `${text}\n\nsummary: ${files.join("\n         ")}`) + "\n");
        return;
      }
      if (experiment === "hub") {
        const r = await reproduceHubReport({ backend: o.solver });
        const text = [formatHub(r), formatHubDefaultScenario(r.defaultScenario), formatHubDeviationStudy(r.deviations), formatTable4Gap(r.table4Gap)].join("\n\n");
        const files = writeHubReport(outDirFor("hub", o.out), r, text);
        process.stdout.write((o.json ? JSON.stringify(r) : `${text}\n\nsummary: ${files.join(", ")}`) + "\n");
        return;
      }
      const outDir = microgridOutDir(o.out, o.setting);
      const result = await reproduceMicrogrid({
        seeds: o.seeds, firstSeed: o.firstSeed, solver: o.solver, outDir, setting: o.setting, onProgress: microgridProgress(process.stderr),
        emulateSeedDefects: o.emulateSeedDefects,
      });
      if (o.json) {
        process.stdout.write(JSON.stringify(result) + "\n");
        return;
      }
      process.stdout.write(formatReproduction(result) + "\n\n");
      process.stdout.write(`trajectories, summary (reproduce-microgrid.json) and wide tables (reproduce-microgrid.md): ${outDir}\n`);
    });
}
