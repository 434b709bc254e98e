/**
 * The one error hierarchy of gridgym.
 *
 * Every error has a stable `code` and a `name`, and its message follows one shape:
 * owner, dotted field path, what was expected, what was received. A message only
 * promises what the check that throws it enforces.
 *
 * Config errors come from zod: `parseConfig` parses with `explainIssue` as zod's error map, so
 * each issue's message is the "expected" part (a schema's own `error` parameter outranks it),
 * paths are rendered by `z.core.toDotPath`, and a misspelled key is answered with the nearest
 * known key of its object.
 */
import { z } from "zod";

/** Base class: catch this to catch every error gridgym throws on purpose. */
export class GymError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/** One bad field of a configuration, file or request. */
export interface FieldIssue {
  /** Dotted path, e.g. `battery.capacityKwh` or `prices[3]`. */
  path: string;
  expected: string;
  received: string;
}

/** Short, single-line rendering of a received value for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  if (Array.isArray(value)) return `array(${value.length})`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  try {
    const json = JSON.stringify(value);
    return json.length > 60 ? `${json.slice(0, 57)}...` : json;
  } catch {
    return typeof value;
  }
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/** Levenshtein distance, case-insensitive: how far a misspelled id or key is from a known one. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[t.length]!;
}

/** The candidate nearest to `name` by edit distance, or null when none is within a third of its length (at least 2). */
export function nearestName(name: string, candidates: Iterable<string>): string | null {
  let best: string | null = null;
  let bestScore = Infinity;
  for (const known of candidates) {
    const score = editDistance(name, known);
    if (score < bestScore) {
      bestScore = score;
      best = known;
    }
  }
  return best !== null && bestScore <= Math.max(2, Math.floor(name.length / 3)) ? best : null;
}

/** Any zod schema (classic or mini): what describeSchema and the error map read. */
export type Schema = z.core.$ZodType;

const TRANSPARENT = new Set(["default", "prefault", "optional", "nonoptional", "readonly", "catch"]);

/**
 * The schema under wrappers that only fill in or relax a value (defaults, optional), not its
 * shape. A lazy schema stays as it is: it is how zod writes recursive types (z.json()).
 */
function unwrap(schema: Schema): Schema {
  let s = schema;
  for (;;) {
    const def = s._zod.def as z.core.$ZodTypeDef & { innerType?: Schema; in?: Schema };
    if (TRANSPARENT.has(def.type)) s = def.innerType!;
    else if (def.type === "pipe") s = def.in!;
    else return s;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/** The option of a union that `value` was meant for (by discriminator, else by shape). */
function optionFor(schema: Schema, value: unknown): Schema {
  let s = unwrap(schema);
  if (s instanceof z.core.$ZodNullable && value !== null) s = unwrap(s._zod.def.innerType as Schema);
  if (!(s instanceof z.core.$ZodUnion)) return s;
  const def = s._zod.def as z.core.$ZodDiscriminatedUnionDef;
  const options = def.options.map(unwrap);
  const found = def.discriminator !== undefined && isPlainObject(value)
    ? options.find((o) => shapeOf(o)?.[def.discriminator]?._zod.values?.has(value[def.discriminator] as never))
    : options.find((o) => (isPlainObject(value) && o instanceof z.core.$ZodObject) || (Array.isArray(value) && o instanceof z.core.$ZodArray));
  return found === undefined ? s : optionFor(found, value);
}

function shapeOf(schema: Schema): Record<string, Schema> | undefined {
  return schema instanceof z.core.$ZodObject ? (schema._zod.def.shape as Record<string, Schema>) : undefined;
}

/** The schema that validated `path` of `input`, following objects, arrays and union options. */
function schemaAt(schema: Schema, path: ReadonlyArray<PropertyKey>, input: unknown): Schema | undefined {
  let s: Schema | undefined = optionFor(schema, input);
  let value = input;
  for (const key of path) {
    if (s === undefined) return undefined;
    if (s instanceof z.core.$ZodObject) s = shapeOf(s)![String(key)];
    else if (s instanceof z.core.$ZodArray) s = s._zod.def.element as Schema;
    else if (s instanceof z.core.$ZodRecord) s = s._zod.def.valueType as Schema;
    else return undefined;
    value = isPlainObject(value) || Array.isArray(value) ? (value as Record<PropertyKey, unknown>)[key] : undefined;
    if (s !== undefined) s = optionFor(s, value);
  }
  return s;
}

/** `a`, `a or b`, `a, b or c`. */
function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)!}`;
}

function boundText(op: string, value: unknown): string {
  return `${op} ${String(value)}`;
}

/** "an integer in [1, 360]", "a number > 0": a number schema's checks, phrased for a person. */
function describeNumber(schema: Schema): string {
  const def = schema._zod.def as z.core.$ZodNumberDef & { format?: string };
  let integer = def.format === "safeint" || def.format === "int32" || def.format === "uint32";
  let lo: { value: unknown; inclusive: boolean } | undefined;
  let hi: { value: unknown; inclusive: boolean } | undefined;
  let multipleOf: unknown;
  for (const check of def.checks ?? []) {
    const c = check._zod.def as { check: string; value?: unknown; inclusive?: boolean; format?: string };
    if (c.check === "number_format" && c.format !== "float32" && c.format !== "float64") integer = true;
    else if (c.check === "greater_than") lo = { value: c.value, inclusive: c.inclusive === true };
    else if (c.check === "less_than") hi = { value: c.value, inclusive: c.inclusive === true };
    else if (c.check === "multiple_of") multipleOf = c.value;
  }
  const noun = integer ? "an integer" : "a number";
  let text = noun;
  if (lo !== undefined && hi !== undefined) text = `${noun} in ${lo.inclusive ? "[" : "("}${String(lo.value)}, ${String(hi.value)}${hi.inclusive ? "]" : ")"}`;
  else if (lo !== undefined) text = `${noun} ${boundText(lo.inclusive ? ">=" : ">", lo.value)}`;
  else if (hi !== undefined) text = `${noun} ${boundText(hi.inclusive ? "<=" : "<", hi.value)}`;
  return multipleOf === undefined ? text : `${text}, a multiple of ${String(multipleOf)}`;
}

/** The alternatives a schema accepts, each phrased for a person ("\"random\"", "an integer >= 0"). */
function alternatives(schema: Schema): string[] {
  const s = unwrap(schema);
  const def = s._zod.def;
  if (s instanceof z.core.$ZodUnion) {
    const d = def as z.core.$ZodDiscriminatedUnionDef;
    if (d.discriminator !== undefined) {
      const values = d.options.flatMap((o) => [...(shapeOf(unwrap(o))?.[d.discriminator]?._zod.values ?? [])]);
      return [`an object with ${d.discriminator} ${orList(values.map((v) => JSON.stringify(v)))}`];
    }
    return d.options.flatMap(alternatives);
  }
  if (s instanceof z.core.$ZodNullable) return [...alternatives(s._zod.def.innerType as Schema), "null"];
  if (s instanceof z.core.$ZodLiteral || s instanceof z.core.$ZodEnum) return [...(s._zod.values ?? [])].map((v) => JSON.stringify(v));
  return [describeSchema(s)];
}

/**
 * What a value of `schema` is, phrased for a person: `an integer in [1, 360]`,
 * `"random" or an integer >= 0`, `one of "arbitrage", "self-consumption"`. Error messages
 * use it for unions (what was expected), the config tables of the README for the type column.
 */
export function describeSchema(schema: Schema): string {
  const s = unwrap(schema);
  if (s instanceof z.core.$ZodNumber) return describeNumber(s);
  if (s instanceof z.core.$ZodString) {
    const min = (s._zod.def.checks ?? []).some((c) => (c._zod.def as { check: string; minimum?: number }).check === "min_length");
    return min ? "a non-empty string" : "a string";
  }
  if (s instanceof z.core.$ZodBoolean) return "true or false";
  if (s instanceof z.core.$ZodNull) return "null";
  if (s instanceof z.core.$ZodEnum || (s instanceof z.core.$ZodLiteral && (s._zod.values?.size ?? 0) > 1)) {
    return `one of ${alternatives(s).join(", ")}`;
  }
  if (s instanceof z.core.$ZodLazy) return "any value";
  if (s instanceof z.core.$ZodArray) {
    const element = describeSchema(s._zod.def.element as Schema);
    return element === "any value" ? "an array" : `an array, each ${element}`;
  }
  if (s instanceof z.core.$ZodTuple) return `[${(s._zod.def.items as Schema[]).map(describeSchema).join(", ")}]`;
  if (s instanceof z.core.$ZodObject) return `an object { ${Object.keys(shapeOf(s)!).join(", ")} }`;
  if (s instanceof z.core.$ZodRecord) return "an object";
  if (s instanceof z.core.$ZodUnion || s instanceof z.core.$ZodNullable || s instanceof z.core.$ZodLiteral) return orList(alternatives(s));
  return s._zod.def.type;
}

const TYPE_NAMES: Record<string, string> = {
  number: "a number",
  int: "an integer",
  string: "a string",
  boolean: "a boolean",
  object: "an object",
  array: "an array",
  bigint: "a bigint",
  date: "a date",
};

/**
 * zod's error map for config parses: each issue's message is what was expected, phrased for a
 * person (`a number > 0`, `"random" or an integer >= 0`). A schema's own `error` parameter
 * outranks it, so a field whose generic phrase reads poorly says it in its own words.
 */
export const explainIssue: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      return TYPE_NAMES[issue.expected] ?? issue.expected;
    case "too_small": {
      if (issue.minimum === 1 && issue.inclusive !== false && (issue.origin === "string" || issue.origin === "array")) {
        return `a non-empty ${issue.origin}`;
      }
      const op = issue.inclusive === false ? ">" : ">=";
      return issue.origin === "array" || issue.origin === "string"
        ? `length ${op} ${String(issue.minimum)}`
        : `a number ${op} ${String(issue.minimum)}`;
    }
    case "too_big": {
      const op = issue.inclusive === false ? "<" : "<=";
      return issue.origin === "array" || issue.origin === "string"
        ? `length ${op} ${String(issue.maximum)}`
        : `a number ${op} ${String(issue.maximum)}`;
    }
    case "invalid_value":
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "not_multiple_of":
      return `a multiple of ${String(issue.divisor)}`;
    case "invalid_format":
      return `format ${issue.format}`;
    case "unrecognized_keys":
      return "no such field (unknown key)";
    case "invalid_union": {
      // a discriminated union whose discriminator matched no option is reported at the discriminator
      const options = (issue as { options?: unknown[] }).options;
      if (issue.discriminator !== undefined && options !== undefined && issue.errors.length === 0) {
        return `one of ${options.map((v) => JSON.stringify(v)).join(", ")}`;
      }
      return issue.inst instanceof z.core.$ZodType ? describeSchema(issue.inst) : undefined;
    }
    default:
      return undefined;
  }
};

/** An invalid configuration, file or request: lists every bad field at once. */
export class ConfigError extends GymError {
  readonly owner: string;
  readonly issues: FieldIssue[];
  constructor(owner: string, issues: FieldIssue[]) {
    const lines = issues.map((i) => `  ${i.path || "(root)"}: expected ${i.expected}, got ${i.received}`);
    super("CONFIG_INVALID", `invalid ${owner}:\n${lines.join("\n")}`);
    this.owner = owner;
    this.issues = issues;
  }

  /**
   * Builds the error from a zod parse made with `{ error: explainIssue }` (each message is what
   * was expected); `input` is what was parsed, to quote values, and `schema` what parsed it, to
   * suggest the nearest known key for a misspelled one.
   */
  static fromZod(owner: string, error: z.ZodError, input: unknown, schema?: z.ZodType): ConfigError {
    const issues: FieldIssue[] = error.issues.flatMap((issue) => {
      // an unknown key is reported at its own path, like any other bad field
      if (issue.code === "unrecognized_keys") {
        const owning = schema === undefined ? undefined : schemaAt(schema, issue.path, input);
        const known = owning instanceof z.core.$ZodObject ? Object.keys(shapeOf(owning)!) : [];
        return issue.keys.map((key) => {
          const near = nearestName(key, known);
          return {
            path: z.core.toDotPath([...issue.path, key]),
            expected: near === null ? "no such field (unknown key)" : `no such field (unknown key; did you mean ${JSON.stringify(near)}?)`,
            received: describeValue(valueAt(input, [...issue.path, key])),
          };
        });
      }
      return [{ path: z.core.toDotPath(issue.path), expected: issue.message, received: describeValue(valueAt(input, issue.path)) }];
    });
    return new ConfigError(owner, issues);
  }
}

/** Parses `input` with `schema`, or throws a ConfigError naming every bad field. */
export function parseConfig<S extends z.ZodType>(owner: string, schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input, { error: explainIssue });
  if (!result.success) throw ConfigError.fromZod(owner, result.error, input, schema);
  return result.data;
}

/** An action outside the action space: never clipped silently. */
export class InvalidActionError extends GymError {
  constructor(
    readonly envId: string,
    readonly index: number | null,
    readonly expected: string,
    readonly received: string,
  ) {
    const where = index === null ? "action" : `action[${index}]`;
    super("ACTION_INVALID", `${envId}: ${where} must be ${expected}, got ${received}`);
  }
}

/** make() or spec() with an id that is not registered. */
export class UnregisteredEnvError extends GymError {
  constructor(readonly id: string, readonly suggestion: string | null) {
    super(
      "ENV_UNREGISTERED",
      `no environment registered as "${id}"` + (suggestion ? `; did you mean "${suggestion}"?` : ""),
    );
  }
}

/** step() called before reset(), or after the episode ended, or after close(). */
export class ResetNeededError extends GymError {
  constructor(envId: string, why: string) {
    super("RESET_NEEDED", `${envId}: ${why}; call reset() first`);
  }
}

/** An LP solve that failed, timed out, or returned a point that breaks the model. */
export class SolverError extends GymError {
  constructor(
    readonly reason: "infeasible" | "unbounded" | "timeout" | "verification" | "backend",
    message: string,
  ) {
    super(`SOLVER_${reason.toUpperCase()}`, message);
  }
}

/** A task that a worker could not complete. */
export class WorkerError extends GymError {
  constructor(message: string) {
    super("WORKER_FAILED", message);
  }
}

/** How many items a list in an error message shows before it says how many more there are. */
export const MAX_LISTED_ITEMS = 10;

/**
 * `a, b, c`, or `a, b, ... (12 more)` past `max` items: every list an error message prints goes
 * through this, so a file with 10,000 columns gives a one-line message, not a 10,000-name one.
 */
export function boundedList(items: readonly string[], max: number = MAX_LISTED_ITEMS): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")}, ... (${items.length - max} more)`;
}

const PLAIN_NAME = /^[A-Za-z0-9_ .%()[\]/-]{1,40}$/;

/**
 * A name read from a file (a CSV header) as an error message may show it: quoted when it is a
 * short plain name, else only its length, so a message never carries arbitrary bytes of a file.
 */
export function describeFileName(name: string): string {
  return PLAIN_NAME.test(name) ? JSON.stringify(name) : `(a name of ${name.length} characters)`;
}

/**
 * What a piece of file content is, without quoting any of it ("an empty cell", "text of 3
 * characters"): the row and column in the message say where to look, and a file named by a
 * job on a shared queue never leaks into an error, a log or Redis.
 */
export function describeContent(text: string): string {
  if (text === "") return "an empty cell";
  const kind = /^\s|\s$/.test(text) ? "text with leading or trailing space" : "text";
  return `${kind} of ${text.length} character${text.length === 1 ? "" : "s"}`;
}

/**
 * A URL fit for a message or a log: its password left out (`redis://user@host:6379`). Text that
 * does not parse as a URL loses whatever sits between `//` (or the start) and an `@`, so a typo
 * never prints a secret either.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "";
    return parsed.href.replace(/\/$/, "");
  } catch {
    return url.replace(/^([^/@]*\/\/)?[^@]*@/, (_m, scheme: string | undefined) => `${scheme ?? ""}***@`);
  }
}

/** A file or folder named by a config, job or option that lies outside the root it must stay in. */
export class PathError extends ConfigError {
  constructor(readonly field: string, readonly root: string, readonly path: string, why: string) {
    super("path", [{ path: field, expected: `a path inside ${root}`, received: `${describeValue(path)} (${why})` }]);
  }
}

/**
 * Where JSON.parse failed, without the text around it that its own message quotes: "invalid
 * JSON at position 12", or "invalid JSON" when the position is not known.
 */
export function jsonErrorWhere(err: unknown): string {
  const m = /position (\d+)/.exec(err instanceof Error ? err.message : "");
  if (m !== null) return `invalid JSON at position ${m[1]}`;
  return err instanceof Error && /Unexpected end of JSON input/.test(err.message) ? "invalid JSON (the text ends early)" : "invalid JSON";
}
