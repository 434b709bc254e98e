/**
 * Pieces every gridgym command shares: options declared once as a zod schema (each field's
 * `.meta({ description, value })` is its `--help` line, its default the help's default) and
 * validated with it, and config-file reading; each failure is a ConfigError that names the
 * option (`--eval-every`) or file.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type Command, Option } from "commander";
import { z } from "zod";
import { ConfigError, jsonErrorWhere, parseConfig } from "../../src/core/errors.js";

export const DEFAULT_ENV = "CommunityBattery-v0";

/** LP backends a command can ask for. */
export const SOLVERS = ["auto", "simplex", "highs", "jsls"] as const;

/** What an option schema's field says about itself: its help line and the name of its value (`--seed <n>`). */
export interface OptionMeta {
  description: string;
  /** Placeholder of the value in the help; absent for a boolean flag. */
  value?: string;
}

/** An integer option, at least `min`: typed as text on the command line, a number from code. */
export function intArg(min: number) {
  // text that is no number at all coerces to NaN: say what was wanted, not just "a number"
  return z.coerce.number<string | number>({ error: (issue) => (issue.code === "invalid_type" ? `an integer >= ${min}` : undefined) }).int().min(min);
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The option schema of a field as commander sees it: its default, whether it is required, whether it is a flag. */
function optionShape(field: z.ZodType): { defaultValue: unknown; required: boolean; flag: boolean; choices: readonly string[] | null } {
  let s = field as z.core.$ZodType;
  let defaultValue: unknown;
  let required = true;
  for (;;) {
    const def = s._zod.def as z.core.$ZodTypeDef & { innerType?: z.core.$ZodType; defaultValue?: unknown };
    if (def.type === "default") {
      defaultValue = def.defaultValue;
      required = false;
    } else if (def.type === "optional") {
      required = false;
    } else if (def.type === "pipe") {
      // a transformed option: what the command line gives is the pipe's input
      s = (def as z.core.$ZodPipeDef).in;
      continue;
    } else break;
    s = def.innerType!;
  }
  const choices = s instanceof z.core.$ZodEnum ? (Object.values(s._zod.def.entries) as string[]) : null;
  return { defaultValue, required, flag: s instanceof z.core.$ZodBoolean, choices };
}

/**
 * Declares one commander option per field of `schema`: `--kebab-case <value>` with the field's
 * description (its choices appended for an enum) and default; a boolean is a flag, `--no-x`
 * when it defaults to true. Required fields are required options.
 */
export function addSchemaOptions(command: Command, schema: z.ZodObject): Command {
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const meta = z.globalRegistry.get(field) as OptionMeta | undefined;
    if (meta?.description === undefined) throw new Error(`option ${key} of ${command.name()} has no description`);
    const shape = optionShape(field);
    const description = shape.choices === null ? meta.description : `${meta.description}: ${shape.choices.join(", ")}`;
    const option = shape.flag
      ? new Option(shape.defaultValue === true ? `--no-${kebab(key)}` : `--${kebab(key)}`, description)
      : new Option(`--${kebab(key)} <${meta.value ?? "value"}>`, description);
    if (!shape.flag && shape.defaultValue !== undefined) option.default(shape.defaultValue);
    if (shape.required) option.makeOptionMandatory();
    command.addOption(option);
  }
  return command;
}

/** Validates a command's parsed options with its schema; a ConfigError names each bad option by its flag. */
export function parseOptions<S extends z.ZodType>(command: string, schema: S, options: unknown): z.output<S> {
  try {
    return parseConfig(`${command} options`, schema, options);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new ConfigError(err.owner, err.issues.map((i) => ({ ...i, path: `--${kebab(i.path)}` })));
  }
}

export function readConfigFile(file: string | undefined): unknown {
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
    throw new ConfigError("--config", [{ path: file, expected: "valid JSON", received: jsonErrorWhere(err) }]);
  }
}

export function writeFile(path: string, text: string): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, text);
}
