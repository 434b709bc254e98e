/**
 * The config reference of README.md, generated from the registered schemas: one markdown table
 * per env id (field path, type, default, description), each between `<!-- config:<ids> -->` and
 * `<!-- /config -->`. Ids that share one schema share one table (`<!-- config:EnergyHub-v0
 * EnergyHubParallel-v0 -->`). The descriptions are the schemas' `.meta({ description })`, so a
 * field documented in its schema is documented here; `npm run docs:config` rewrites README.md,
 * test/training/config-docs.test.ts fails when the README's tables are stale.
 *
 * Paths read as in a config: `battery.capacityKwh`, `pvArrays[].panels` (every element of an
 * array), and a field of one option of a discriminated union is marked with that option
 * (`data.file`, described "(source `csv`) ...").
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import "../envs/index.js";
import { describeSchema } from "../src/core/errors.js";
import { list, spec } from "../src/core/registry.js";

type Schema = z.core.$ZodType;

/** One row of a config table. */
export interface ConfigRow {
  path: string;
  type: string;
  default: string;
  description: string;
}

const TRANSPARENT = new Set(["default", "prefault", "optional", "nonoptional", "readonly", "catch"]);

function descriptionOf(schema: Schema): string | undefined {
  return (z.globalRegistry.get(schema) as { description?: string } | undefined)?.description;
}

/** A field's schema seen through its wrappers: the description, the default and the schema that checks values. */
function field(schema: Schema): { inner: Schema; description: string | undefined; default: string } {
  let s = schema;
  let description = descriptionOf(s);
  let shown: string | undefined;
  let optional = false;
  while (TRANSPARENT.has(s._zod.def.type)) {
    const def = s._zod.def as z.core.$ZodDefaultDef;
    if (shown === undefined && (def.type === "default" || def.type === "prefault")) shown = showValue(def.defaultValue);
    if ((def.type as string) === "optional") optional = true;
    s = def.innerType as Schema;
    description ??= descriptionOf(s);
  }
  return { inner: s, description, default: shown ?? (optional ? "absent" : "required") };
}

/** A default as it is written in a config (`{}` is every field at its own default). */
function showValue(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) return `\`${String(value)}\``;
  return `\`${JSON.stringify(value, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v))}\``;
}

function isObject(s: Schema): s is z.core.$ZodObject {
  return s instanceof z.core.$ZodObject;
}

/** The schemas of registered ids, so a nested env config is named rather than repeated. */
function registeredSchemas(except: Schema): Map<Schema, string> {
  const out = new Map<Schema, string>();
  for (const s of list()) if (s.configSchema !== except && !out.has(s.configSchema)) out.set(s.configSchema, s.id);
  return out;
}

function typeText(s: Schema, named: Map<Schema, string>): string {
  const id = named.get(s);
  if (id !== undefined) return `a ${id} config (its table)`;
  if (isObject(s)) return Object.keys(s._zod.def.shape).length === 0 ? "object" : "object (fields below)";
  if (s instanceof z.core.$ZodArray) {
    const element = field(s._zod.def.element as Schema).inner;
    if (isObject(element)) return "array of objects (fields below)";
    if (element instanceof z.core.$ZodUnion && (element._zod.def as z.core.$ZodDiscriminatedUnionDef).discriminator !== undefined) {
      return `array of ${describeSchema(element).replace(/^an object/, "objects")} (fields below)`;
    }
  }
  return describeSchema(s).replace(/^(an?|one of) /, (m) => (m === "one of " ? m : ""));
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

interface Variant {
  discriminator: string;
  tag: string;
  /** How many options the union has: a field all of them share needs no marker. */
  options: number;
}

interface RawRow extends ConfigRow {
  variant: Variant | null;
}

/** Rows of one schema: every field, depth first, nested objects after their own row. */
export function configRows(schema: z.ZodType, named: Map<Schema, string> = registeredSchemas(schema)): ConfigRow[] {
  const rows: RawRow[] = [];
  const visit = (s: Schema, path: string, variant: Variant | null): void => {
    if (named.has(s)) return;
    if (isObject(s)) {
      for (const [key, child] of Object.entries(s._zod.def.shape as Record<string, Schema>)) {
        // the discriminator of a union option is its marker, not a field of its own
        if (variant?.discriminator === key) continue;
        const f = field(child);
        const at = path === "" ? key : `${path}.${key}`;
        rows.push({ path: at, type: typeText(f.inner, named), default: f.default, description: f.description ?? "", variant });
        visit(f.inner, at, variant);
      }
    } else if (s instanceof z.core.$ZodArray) {
      visit(field(s._zod.def.element as Schema).inner, `${path}[]`, variant);
    } else if (s instanceof z.core.$ZodRecord) {
      visit(field(s._zod.def.valueType as Schema).inner, `${path}.<key>`, variant);
    } else if (s instanceof z.core.$ZodNullable) {
      visit(field(s._zod.def.innerType as Schema).inner, path, variant);
    } else if (s instanceof z.core.$ZodUnion) {
      const discriminator = (s._zod.def as z.core.$ZodDiscriminatedUnionDef).discriminator;
      for (const option of s._zod.def.options as Schema[]) {
        const o = field(option).inner;
        const tag = discriminator !== undefined && isObject(o)
          ? [...((o._zod.def.shape as Record<string, Schema>)[discriminator]!._zod.values ?? [])][0]
          : undefined;
        visit(o, path, tag === undefined ? variant : { discriminator: discriminator!, tag: String(tag), options: s._zod.def.options.length });
      }
    }
  };
  visit(field(schema).inner, "", null);
  return mergeVariants(rows);
}

/**
 * One row for a field that several options of a discriminated union share (same path, type and
 * description), its options listed and, where they differ, each option's default.
 */
function mergeVariants(rows: readonly RawRow[]): ConfigRow[] {
  const groups = new Map<string, RawRow[]>();
  for (const r of rows) {
    const key = r.variant === null ? `${groups.size}` : [r.path, r.type, r.description, r.variant.discriminator].join("\u0000");
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0]!;
    if (first.variant === null) return { path: first.path, type: first.type, default: first.default, description: first.description };
    const tags = group.map((r) => r.variant!.tag);
    const defaults = new Set(group.map((r) => r.default));
    const marker = tags.length === first.variant.options ? "" : `(${first.variant.discriminator} ${tags.map((t) => `\`${t}\``).join(", ")}) `;
    return {
      path: first.path,
      type: first.type,
      default: defaults.size === 1 ? first.default : group.map((r) => `${r.default} (${r.variant!.tag})`).join(", "),
      description: `${marker}${first.description}`,
    };
  });
}

/** Fields of a schema without a description, by path (the docs test keeps this empty). */
export function undocumentedFields(schema: z.ZodType): string[] {
  return configRows(schema).filter((r) => r.description.replace(/^\([^)]*\) /, "") === "").map((r) => r.path);
}

/** The markdown table of the env ids given (they must share one config schema). */
export function configTable(ids: readonly string[]): string {
  const schema = spec(ids[0]!).configSchema;
  for (const id of ids) {
    if (spec(id).configSchema !== schema) throw new Error(`config-docs: ${id} does not share ${ids[0]!}'s config schema`);
  }
  const lines = ["| field | type | default | description |", "|---|---|---|---|"];
  // a variant id whose schema fills its own defaults in before another id's schema (a preprocess
  // pipe): one row naming that schema, with the variant's description of what it changes
  const def = schema._zod.def as { type: string; out?: Schema };
  const base = def.type === "pipe" && def.out !== undefined ? registeredSchemas(schema).get(def.out) : undefined;
  if (base !== undefined) {
    lines.push(`| (every field) | a ${base} config (its table) | ${escapeCell(descriptionOf(schema as Schema) ?? "")} | every field as ${base}'s, these defaults filled in first |`);
    return lines.join("\n");
  }
  for (const r of configRows(schema)) {
    lines.push(`| \`${r.path}\` | ${escapeCell(r.type)} | ${escapeCell(r.default)} | ${escapeCell(r.description)} |`);
  }
  return lines.join("\n");
}

const SECTION = /(<!-- config:([^>]*?) -->\n)[\s\S]*?(<!-- \/config -->)/g;

/** The ids of every config section of a README, in order. */
export function configSections(readme: string): string[][] {
  return [...readme.matchAll(SECTION)].map((m) => m[2]!.trim().split(/\s+/));
}

/** `readme` with every config section replaced by the generated table of its ids. */
export function renderConfigSections(readme: string): string {
  return readme.replace(SECTION, (_all, open: string, ids: string, close: string) => {
    const list = ids.trim().split(/\s+/);
    return `${open}<details><summary>${list.map((id) => `${id}`).join(" and ")} config fields</summary>\n\n${configTable(list)}\n\n</details>\n${close}`;
  });
}

const README = join(fileURLToPath(new URL(".", import.meta.url)), "..", "README.md");

/** `npm run docs:config`: rewrites README.md's config sections; prints what changed. */
function main(): void {
  const before = readFileSync(README, "utf8");
  const after = renderConfigSections(before);
  if (after !== before) writeFileSync(README, after);
  process.stdout.write(after === before ? "README.md config tables are up to date\n" : "README.md config tables rewritten\n");
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();
