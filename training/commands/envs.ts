/**
 * `gridgym envs [--json]`: the registered environments, each with its kind (env or parallel),
 * family, action kind, the baselines that run on it and what it models, all from the registry.
 */
import type { Command } from "commander";
import { z } from "zod";
import { list } from "../../src/core/registry.js";
import { addSchemaOptions, parseOptions } from "./common.js";

/** The options of `gridgym envs`. */
export const envsOptionsSchema = z.strictObject({
  json: z.boolean().default(false).meta({ description: "print one JSON array, an object per environment" }),
});

/** One registered environment as `gridgym envs` lists it. */
export interface EnvListing {
  id: string;
  kind: "env" | "parallel";
  family: string | null;
  actionKind: "box" | "discrete";
  baselines: readonly string[];
  defaultEpisodeSteps: number | null;
  description: string;
}

/** The registry's entries as listed, sorted by id. */
export function envListings(): EnvListing[] {
  return list().map((s) => ({
    id: s.id,
    kind: s.kind,
    family: s.family ?? null,
    actionKind: s.actionKind,
    baselines: s.baselines ?? [],
    defaultEpisodeSteps: s.defaultEpisodeSteps ?? null,
    description: s.description,
  }));
}

/** A plain-text table: id, kind, family, action kind and baselines, then the description. */
export function formatEnvListings(envs: readonly EnvListing[]): string {
  const rows = envs.map((e) => [e.id, e.kind, e.family ?? "-", e.actionKind, e.baselines.length === 0 ? "-" : e.baselines.join(","), e.description]);
  const header = ["id", "kind", "family", "action", "baselines", "description"];
  const widths = header.slice(0, -1).map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i < widths.length ? c.padEnd(widths[i]!) : c)).join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}

export function registerEnvsCommand(program: Command): void {
  addSchemaOptions(program.command("envs").description("list registered environments"), envsOptionsSchema)
    .action((raw: unknown) => {
      const o = parseOptions("envs", envsOptionsSchema, raw);
      const envs = envListings();
      process.stdout.write((o.json ? JSON.stringify(envs) : formatEnvListings(envs)) + "\n");
    });
}
