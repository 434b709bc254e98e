/**
 * The results store of a sweep: a JSONL file, one line per finished trial, keyed by trial id.
 *
 * Why append one line rather than rewrite the file (write-temp-then-rename): a sweep writes a
 * result every time a trial finishes, and rewriting would cost O(file) per trial, O(n^2) over a
 * sweep of hundreds of trials, for no gain in safety. Each result is written by one
 * `appendFileSync` of one complete, newline-terminated line to a file opened with O_APPEND,
 * then fsync'd before the trial counts as recorded. The only damage a crash (SIGKILL, power
 * loss) can do is a torn last line: bytes of a line without its terminating newline. So:
 *
 * - a line counts only if it ends with "\n" and parses as a trial result whose id matches
 *   the hash of its spec; a torn tail is ignored when reading;
 * - before the first append, the writer cuts the file back to its last newline, so a new
 *   line never glues onto a torn fragment; readers never modify the file (a reader could
 *   otherwise cut a line that a running sweep is writing at that moment);
 * - a trial already in the file is never appended again, so a re-run records each trial once.
 *
 * A malformed line that is not the last one cannot come from a crash of ours, so it is an
 * error that names the file and line rather than data silently dropped.
 */
import { appendFileSync, closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { GymError, jsonErrorWhere, parseConfig } from "../src/core/errors.js";
import { type TrialResult, TrialResultSchema, canonicalJson, trialId } from "./trial.js";

/** File name of the results store inside a sweep's output directory. */
export const RESULTS_FILE = "results.jsonl";

/** A results file with a line that is not a trial result (and not a torn last line). */
export class ResultsFileError extends GymError {
  constructor(readonly file: string, readonly line: number, reason: string) {
    super("RESULTS_CORRUPT", `${file}:${line}: ${reason}; remove or fix that line, then run again`);
  }
}

/** What reading a results file found. */
export interface LoadedResults {
  /** Results in file order, each id once (the first line wins). */
  results: TrialResult[];
  /** Bytes at the end of the file that form no complete line: a write torn by a crash. */
  tornBytes: number;
}

function parseLine(file: string, lineNo: number, line: string): TrialResult {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (err) {
    throw new ResultsFileError(file, lineNo, `not valid JSON (${jsonErrorWhere(err)})`);
  }
  const parsed = TrialResultSchema.safeParse(json);
  if (!parsed.success) throw new ResultsFileError(file, lineNo, "not a trial result");
  if (trialId(parsed.data.spec) !== parsed.data.id) {
    throw new ResultsFileError(file, lineNo, `id ${parsed.data.id} is not the hash of the line's spec`);
  }
  return parsed.data;
}

/** Reads a results file without modifying it; a missing file holds no results. */
export function readResults(file: string): LoadedResults {
  if (!existsSync(file)) return { results: [], tornBytes: 0 };
  if (!statSync(file).isFile()) {
    throw new GymError("RESULTS_NOT_A_FILE", `${file}: expected the sweep's results file (JSON lines), found a folder or other non-file; move it away, then run again`);
  }
  const text = readFileSync(file, "utf8");
  const end = text.lastIndexOf("\n") + 1;
  const results: TrialResult[] = [];
  const seen = new Set<string>();
  const lines = text.slice(0, end).split("\n");
  lines.pop(); // the empty string after the final newline
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    const result = parseLine(file, i + 1, line);
    if (seen.has(result.id)) return;
    seen.add(result.id);
    results.push(result);
  });
  return { results, tornBytes: Buffer.byteLength(text.slice(end)) };
}

/** Cuts a torn tail off the file: everything after its last newline. */
function cutTornTail(file: string): void {
  const fd = openSync(file, "r+");
  try {
    const size = fstatSync(fd).size;
    const chunk = Buffer.alloc(64 * 1024);
    let pos = size;
    // scan backwards for the last newline; the tail of one torn line is rarely long
    while (pos > 0) {
      const start = Math.max(0, pos - chunk.length);
      const n = readSync(fd, chunk, 0, pos - start, start);
      const idx = chunk.subarray(0, n).lastIndexOf(0x0a);
      if (idx >= 0) {
        pos = start + idx + 1;
        break;
      }
      pos = start;
    }
    if (pos < size) {
      ftruncateSync(fd, pos);
      fsyncSync(fd);
    }
  } finally {
    closeSync(fd);
  }
}

/** fsync a directory so a newly created file's entry survives a crash too. */
function syncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * One sweep's results file. Single writer: one sweep driver appends to a given file at a time.
 */
export class ResultsStore {
  /** Absolute path of the JSONL file. */
  readonly file: string;
  #ids: Set<string> | null = null;
  #results: TrialResult[] = [];
  #repaired = false;

  constructor(file: string) {
    this.file = resolve(file);
  }

  /** The store of a sweep output directory: `<outDir>/results.jsonl`. */
  static inDir(outDir: string): ResultsStore {
    return new ResultsStore(resolve(outDir, RESULTS_FILE));
  }

  /** (Re)reads the file and returns the ids of finished trials. A torn last line is ignored. */
  load(): ReadonlySet<string> {
    return this.#load();
  }

  #load(): Set<string> {
    const { results } = readResults(this.file);
    this.#results = results;
    this.#ids = new Set(results.map((r) => r.id));
    return this.#ids;
  }

  /** Whether a trial is recorded. */
  has(id: string): boolean {
    return (this.#ids ?? this.load()).has(id);
  }

  /** Every recorded result, in the order they finished. */
  results(): TrialResult[] {
    if (this.#ids === null) this.load();
    return [...this.#results];
  }

  /**
   * Records a finished trial, durably, unless it is already recorded. Returns false for a
   * trial already in the store, so a redelivered result is never written twice.
   */
  append(result: TrialResult): boolean {
    const checked = parseConfig("trial result", TrialResultSchema, result);
    if (trialId(checked.spec) !== checked.id) {
      throw new GymError("RESULT_ID_MISMATCH", `result id ${checked.id} is not the hash of its spec (${trialId(checked.spec)})`);
    }
    const ids = this.#ids ?? this.#load();
    if (ids.has(checked.id)) return false;
    const created = !existsSync(this.file);
    if (created) mkdirSync(dirname(this.file), { recursive: true });
    else if (!this.#repaired) cutTornTail(this.file);
    this.#repaired = true;
    const line = Buffer.from(canonicalJson(checked) + "\n", "utf8");
    const fd = openSync(this.file, "a");
    try {
      appendFileSync(fd, line);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (created) syncDir(dirname(this.file));
    ids.add(checked.id);
    this.#results.push(checked);
    return true;
  }
}

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return "";
  const text = typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll("\"", "\"\"")}"` : text;
}

function flatten(prefix: string, value: unknown, out: Map<string, unknown>): void {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(`${prefix}.${k}`, v, out);
  } else {
    out.set(prefix, value);
  }
}

/**
 * Results as CSV (RFC 4180), one row per trial: id, env, algo, seed, steps, then every
 * env-config and hyperparameter field as a dotted column, then backend, wall time, and every
 * KPI as `kpi.<name>`. Columns are the sorted union over all rows; a missing field is empty.
 */
export function toCSV(results: readonly TrialResult[]): string {
  const rows = results.map((r) => {
    const fields = new Map<string, unknown>();
    flatten("envConfig", r.spec.envConfig, fields);
    flatten("hyperparameters", r.spec.hyperparameters, fields);
    const kpis = new Map(Object.entries(r.kpis).map(([k, v]) => [`kpi.${k}`, v] as const));
    return { r, fields, kpis };
  });
  const fieldCols = [...new Set(rows.flatMap(({ fields }) => [...fields.keys()]))].sort();
  const kpiCols = [...new Set(rows.flatMap(({ kpis }) => [...kpis.keys()]))].sort();
  const header = ["id", "envId", "algo", "seed", "steps", ...fieldCols, "backend", "wallSeconds", ...kpiCols];
  const lines = rows.map(({ r, fields, kpis }) => [
    r.id, r.spec.envId, r.spec.algo, r.spec.seed, r.spec.steps,
    ...fieldCols.map((c) => fields.get(c)),
    r.backend, r.wallSeconds,
    ...kpiCols.map((c) => kpis.get(c)),
  ].map(csvCell).join(","));
  return [header.map(csvCell).join(","), ...lines].join("\n") + "\n";
}
