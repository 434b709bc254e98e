/**
 * The one error hierarchy of gridgym.
 *
 * Every error has a stable `code` and a `name`, and its message follows one shape:
 * owner, dotted field path, what was expected, what was received. A message only
 * promises what the check that throws it enforces.
 */
import type { z } from "zod";

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

/** Renders a path array from zod as `a.b[0].c`. */
export function toDotPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
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

/** What a zod issue expected, phrased for a person. */
function expectedOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return TYPE_NAMES[issue.expected] ?? issue.expected;
    case "too_small": {
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
    default:
      return issue.message;
  }
}

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

  /** Builds the error from a failed zod parse; `input` is what was parsed, to quote values. */
  static fromZod(owner: string, error: z.ZodError, input: unknown): ConfigError {
    const issues: FieldIssue[] = error.issues.flatMap((issue) => {
      // an unknown key is reported at its own path, like any other bad field
      if (issue.code === "unrecognized_keys") {
        return issue.keys.map((key) => ({
          path: toDotPath([...issue.path, key]),
          expected: "no such field (unknown key)",
          received: describeValue(valueAt(input, [...issue.path, key])),
        }));
      }
      return [{ path: toDotPath(issue.path), expected: expectedOf(issue), received: describeValue(valueAt(input, issue.path)) }];
    });
    return new ConfigError(owner, issues);
  }
}

/** Parses `input` with `schema`, or throws a ConfigError naming every bad field. */
export function parseConfig<S extends z.ZodType>(owner: string, schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw ConfigError.fromZod(owner, result.error, input);
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
