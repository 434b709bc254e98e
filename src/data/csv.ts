/**
 * A small, strict CSV reader for the bundled time series.
 *
 * Accepted: a header row, comma-separated fields, optional double-quoted fields (`""` inside
 * quotes is a literal quote, and a quoted field may span lines), `\n` or `\r\n` line ends, an
 * optional trailing newline. Nothing is guessed: every record must have as many fields as
 * the header, a number must look like a decimal number (`-.5`, `1e-07`, no spaces, no NaN or
 * Infinity), and an empty cell is an error unless the caller allowed it for that series.
 *
 * Numbers must be finite and within float32's range (|x| <= 3.4e38), since every series ends
 * up in a float32 observation: `1e400` (Infinity in float64) and `1e39` are refused.
 *
 * Every problem is a ConfigError with owner `CSV <file>` whose path names the 1-based line
 * in the file (the header is line 1) and the column, so a person can open the file and go
 * there. All problems are collected, up to MAX_ISSUES, rather than stopping at the first.
 * Messages never quote a cell: they say what kind of text it holds (`text of 3 characters`),
 * and show a header name only when it is a short plain name (describeFileName), so an error
 * about a file that is not a CSV at all carries none of its contents.
 *
 * Every path goes through the data root's confinement (src/data/paths.ts) before it is opened.
 * `readSeriesCsv` parses straight into typed columns, keeping only the requested ones, and
 * caches them by file, size and modification time, so making an env once per evaluation seed
 * reads a large file once.
 */
import { readFileSync, statSync } from "node:fs";
import { ConfigError, boundedList, describeContent, describeFileName, type FieldIssue } from "../core/errors.js";
import { dataPath } from "./paths.js";

/** How many issues one error lists before summarising the rest. */
export const MAX_ISSUES = 20;

const NUMBER_PATTERN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The largest finite float32, the bound every CSV number must stay within. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** A parsed CSV file: the header, the data records, and the line where each record starts. */
export interface CsvTable {
  file: string;
  header: string[];
  rows: string[][];
  /** `lines[i]` is the 1-based line number of `rows[i]` in the file. */
  lines: number[];
}

/**
 * Collects FieldIssues and throws them as one ConfigError; after MAX_ISSUES it only counts,
 * and the error ends with a line saying how many more there were.
 */
export class IssueList {
  readonly #issues: FieldIssue[] = [];
  #dropped = 0;
  constructor(readonly owner: string) {}

  add(path: string, expected: string, received: string): void {
    if (this.#issues.length < MAX_ISSUES) this.#issues.push({ path, expected, received });
    else this.#dropped++;
  }

  get count(): number {
    return this.#issues.length + this.#dropped;
  }

  /** Throws the collected issues, if any. */
  throwIfAny(): void {
    if (this.count === 0) return;
    const issues = [...this.#issues];
    if (this.#dropped > 0) {
      issues.push({ path: `... and ${this.#dropped} more`, expected: "the same checks", received: "not listed" });
    }
    throw new ConfigError(this.owner, issues);
  }
}

/** The owner string of every error about `file`. */
export function csvOwner(file: string): string {
  return `CSV ${file}`;
}

/**
 * Splits CSV text into records, handing each to `onRecord` with the line it starts on (so a
 * large file is never held as one array of records); structural problems go to `issues`.
 */
function splitRecords(text: string, issues: IssueList, onRecord: (record: string[], line: number) => void): void {
  let record: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const n = text.length;
  const endRecord = (): void => {
    record.push(field);
    onRecord(record, recordLine);
    record = [];
    field = "";
  };
  while (i < n) {
    const c = text[i];
    if (c === '"' && field === "") {
      const openLine = line;
      i++;
      let closed = false;
      while (i < n) {
        const q = text[i];
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          closed = true;
          i++;
          break;
        }
        if (q === "\n") line++;
        field += q;
        i++;
      }
      if (!closed) {
        issues.add(`row ${openLine}`, "a closing double quote", "end of file");
        return;
      }
      const next = text[i];
      if (i < n && next !== "," && next !== "\n" && !(next === "\r" && text[i + 1] === "\n")) {
        issues.add(`row ${line}`, "a comma or line end after a closing quote", "other text");
        while (i < n && text[i] !== "," && text[i] !== "\n") i++;
      }
      continue;
    }
    if (c === ",") {
      record.push(field);
      field = "";
      i++;
    } else if (c === "\n" || (c === "\r" && text[i + 1] === "\n")) {
      endRecord();
      i += c === "\r" ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      if (c === '"') issues.add(`row ${line}`, "a double quote only at the start of a field", "a double quote inside a field");
      // the plain run up to the next delimiter, quote or CR in one slice (a 100 MB file is mostly these)
      let j = i + 1;
      for (; j < n; j++) {
        const code = text.charCodeAt(j);
        if (code === 44 || code === 10 || code === 13 || code === 34) break;
      }
      field += text.slice(i, j);
      i = j;
    }
  }
  if (field !== "" || record.length > 0) endRecord();
}

/** The file's text, from a path confined to the data root (`field` names the config field). */
function readText(file: string, field: string): { path: string; text: string } {
  const path = dataPath(file, field);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "an unreadable file";
    throw new ConfigError(csvOwner(file), [{ path: "file", expected: "a readable file", received: code }]);
  }
  return { path, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

function checkHeader(header: readonly string[], issues: IssueList): void {
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) issues.add("row 1", "unique column names", `${describeFileName(name)} twice`);
    seen.add(name);
  }
}

/**
 * Reads and splits a CSV file, checking that every record has one field per header column
 * and that header names are unique.
 * @param field the config field that named the file, for a refused path (default `file`)
 * @throws PathError for a path outside the data root; ConfigError (owner `CSV <file>`) listing
 *   every structural problem.
 */
export function readCsv(file: string, field = "file"): CsvTable {
  const issues = new IssueList(csvOwner(file));
  const { text } = readText(file, field);
  const records: string[][] = [];
  const lines: number[] = [];
  splitRecords(text, issues, (record, line) => {
    records.push(record);
    lines.push(line);
  });
  const header = records[0] ?? [];
  if (records.length === 0) issues.add("row 1", "a header row", "an empty file");
  checkHeader(header, issues);
  for (let r = 1; r < records.length; r++) {
    const got = records[r]!.length;
    if (got !== header.length) issues.add(`row ${lines[r]}`, `${header.length} fields`, String(got));
  }
  issues.throwIfAny();
  return { file, header, rows: records.slice(1), lines: lines.slice(1) };
}

/**
 * Index of each requested column in `table`, or an issue per missing one that lists the
 * columns the file does have.
 */
export function columnIndices(table: Pick<CsvTable, "header">, names: readonly string[], issues: IssueList): number[] {
  const present = boundedList(table.header.map(describeFileName));
  return names.map((name) => {
    const index = table.header.indexOf(name);
    if (index < 0) issues.add(`column "${name}"`, "a column with this name", `only columns ${present}`);
    return index;
  });
}

/**
 * Parses one cell as a number, or records why it is not one. An empty cell becomes NaN
 * when `allowEmpty`, else it is an issue.
 */
export function parseNumberCell(
  cell: string,
  line: number,
  column: string,
  allowEmpty: boolean,
  issues: IssueList,
): number {
  if (cell === "") {
    if (!allowEmpty) issues.add(`row ${line}, column "${column}"`, "a number", "an empty cell");
    return Number.NaN;
  }
  if (!NUMBER_PATTERN.test(cell)) {
    issues.add(`row ${line}, column "${column}"`, "a number", describeContent(cell));
    return Number.NaN;
  }
  const value = Number(cell);
  if (!(Math.abs(value) <= FLOAT32_MAX)) {
    issues.add(`row ${line}, column "${column}"`, "a number within float32's range (|x| <= 3.4e38)",
      Number.isFinite(value) ? `a number of magnitude 1e${Math.floor(Math.log10(Math.abs(value)))}` : "a number that overflows to Infinity");
    return Number.NaN;
  }
  return value;
}

/** What to read from a CSV file of numeric series. */
export interface SeriesCsvSpec {
  /** Our series name -> the CSV column it comes from. */
  columns: Record<string, string>;
  /** Exact number of data rows (header excluded) the file must have. */
  expectedLength?: number;
  /** Series names (keys of `columns`) whose empty cells are read as NaN instead of rejected. */
  allowEmpty?: string[];
  /** Series names (keys of `columns`) whose values must be >= 0 (a load, a PV output). */
  nonNegative?: string[];
  /** The config field that named the file, for a refused path (default `file`). */
  field?: string;
}

/** How many parsed files the series cache keeps (least recently used dropped first). */
const SERIES_CACHE_SIZE = 4;
const seriesCache = new Map<string, Record<string, Float64Array>>();

function copySeries(series: Record<string, Float64Array>): Record<string, Float64Array> {
  return Object.fromEntries(Object.entries(series).map(([k, v]) => [k, v.slice()]));
}

/** Grows a Float64Array by doubling; `push` then `take` the filled part. */
class GrowingColumn {
  #values = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.length++] = v;
  }
  take(): Float64Array {
    return this.#values.slice(0, this.length);
  }
}

/**
 * Reads numeric columns of a CSV file into Float64Arrays, one per series in `spec.columns`.
 *
 * Empty cells are rejected unless the series is listed in `spec.allowEmpty` (then they are
 * NaN, for the caller to handle on purpose); negative values are rejected in the series listed
 * in `spec.nonNegative`. The parsed columns are cached by path, size and modification time (a
 * changed file is read again); each call returns its own copies.
 * @throws PathError for a path outside the data root; ConfigError (owner `CSV <file>`) listing
 *   every problem: a missing column (with the columns present), a non-numeric, out-of-range or
 *   unhandled empty cell (with its line and column), a wrong number of rows.
 */
export function readSeriesCsv(file: string, spec: SeriesCsvSpec): Record<string, Float64Array> {
  const path = dataPath(file, spec.field ?? "file");
  let key: string | null = null;
  try {
    const st = statSync(path);
    if (st.isFile()) key = JSON.stringify([path, st.size, st.mtimeMs, spec.columns, spec.expectedLength ?? null, spec.allowEmpty ?? [], spec.nonNegative ?? []]);
  } catch {
    // unreadable: readText below says so
  }
  const cached = key === null ? undefined : seriesCache.get(key);
  if (cached !== undefined) {
    seriesCache.delete(key!);
    seriesCache.set(key!, cached);
    return copySeries(cached);
  }
  const series = parseSeries(file, spec);
  if (key !== null) {
    seriesCache.set(key, series);
    if (seriesCache.size > SERIES_CACHE_SIZE) seriesCache.delete(seriesCache.keys().next().value!);
  }
  return copySeries(series);
}

function parseSeries(file: string, spec: SeriesCsvSpec): Record<string, Float64Array> {
  const issues = new IssueList(csvOwner(file));
  const { text } = readText(file, spec.field ?? "file");
  const names = Object.keys(spec.columns);
  const allowEmpty = new Set(spec.allowEmpty ?? []);
  const nonNegative = new Set(spec.nonNegative ?? []);
  for (const [option, set] of [["allowEmpty", allowEmpty], ["nonNegative", nonNegative]] as const) {
    for (const name of set) {
      if (!(name in spec.columns)) issues.add(option, `a series name (${names.join(", ")})`, `"${name}"`);
    }
  }
  const columnNames = names.map((name) => spec.columns[name]!);
  const columns = names.map(() => new GrowingColumn());
  let header: string[] | null = null;
  let indices: number[] = [];
  let rows = 0;
  splitRecords(text, issues, (record, line) => {
    if (header === null) {
      header = record;
      checkHeader(header, issues);
      indices = columnIndices({ header }, columnNames, issues);
      return;
    }
    rows++;
    if (record.length !== header.length) {
      issues.add(`row ${line}`, `${header.length} fields`, String(record.length));
      return;
    }
    for (let k = 0; k < names.length; k++) {
      const index = indices[k]!;
      if (index < 0) continue;
      const value = parseNumberCell(record[index]!, line, columnNames[k]!, allowEmpty.has(names[k]!), issues);
      if (value < 0 && nonNegative.has(names[k]!)) issues.add(`row ${line}, column "${columnNames[k]!}"`, "a number >= 0", "a negative number");
      columns[k]!.push(value);
    }
  });
  if (header === null) issues.add("row 1", "a header row", "an empty file");
  if (spec.expectedLength !== undefined && rows !== spec.expectedLength) {
    issues.add("rows", `${spec.expectedLength} data rows`, String(rows));
  }
  issues.throwIfAny();
  return Object.fromEntries(names.map((name, k) => [name, columns[k]!.take()]));
}
