/**
 * A small, strict CSV reader for the bundled time series.
 *
 * Accepted: a header row, comma-separated fields, optional double-quoted fields (`""` inside
 * quotes is a literal quote, and a quoted field may span lines), `\n` or `\r\n` line ends, an
 * optional trailing newline. Nothing is guessed: every record must have as many fields as
 * the header, a number must look like a decimal number (`-.5`, `1e-07`, no spaces, no NaN or
 * Infinity), and an empty cell is an error unless the caller allowed it for that series.
 *
 * Every problem is a ConfigError with owner `CSV <file>` whose path names the 1-based line
 * in the file (the header is line 1) and the column, so a person can open the file and go
 * there. All problems are collected, up to MAX_ISSUES, rather than stopping at the first.
 */
import { readFileSync } from "node:fs";
import { ConfigError, describeValue, type FieldIssue } from "../core/errors.js";

/** How many issues one error lists before summarising the rest. */
export const MAX_ISSUES = 20;

const NUMBER_PATTERN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

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

/** Splits CSV text into records; structural problems go to `issues`. */
function splitRecords(text: string, issues: IssueList): { records: string[][]; lines: number[] } {
  const records: string[][] = [];
  const lines: number[] = [];
  let record: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const n = text.length;
  const endRecord = (): void => {
    record.push(field);
    records.push(record);
    lines.push(recordLine);
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
        return { records, lines };
      }
      const next = text[i];
      if (i < n && next !== "," && next !== "\n" && !(next === "\r" && text[i + 1] === "\n")) {
        issues.add(`row ${line}`, "a comma or line end after a closing quote", describeValue(next));
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
      if (c === '"') issues.add(`row ${line}`, "a double quote only at the start of a field", describeValue(field + c));
      field += c;
      i++;
    }
  }
  if (field !== "" || record.length > 0) endRecord();
  return { records, lines };
}

/**
 * Reads and splits a CSV file, checking that every record has one field per header column
 * and that header names are unique.
 * @throws ConfigError (owner `CSV <file>`) listing every structural problem.
 */
export function readCsv(file: string): CsvTable {
  const issues = new IssueList(csvOwner(file));
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new ConfigError(csvOwner(file), [{ path: "file", expected: "a readable file", received: code }]);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const { records, lines } = splitRecords(text, issues);
  const header = records[0] ?? [];
  if (records.length === 0) issues.add("row 1", "a header row", "an empty file");
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) issues.add("row 1", "unique column names", `"${name}" twice`);
    seen.add(name);
  }
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
export function columnIndices(table: CsvTable, names: readonly string[], issues: IssueList): number[] {
  const present = table.header.map((h) => `"${h}"`).join(", ");
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
    issues.add(`row ${line}, column "${column}"`, "a number", describeValue(cell));
    return Number.NaN;
  }
  return Number(cell);
}

/** What to read from a CSV file of numeric series. */
export interface SeriesCsvSpec {
  /** Our series name -> the CSV column it comes from. */
  columns: Record<string, string>;
  /** Exact number of data rows (header excluded) the file must have. */
  expectedLength?: number;
  /** Series names (keys of `columns`) whose empty cells are read as NaN instead of rejected. */
  allowEmpty?: string[];
}

/**
 * Reads numeric columns of a CSV file into Float64Arrays, one per series in `spec.columns`.
 *
 * Empty cells are rejected unless the series is listed in `spec.allowEmpty` (then they are
 * NaN, for the caller to handle on purpose).
 * @throws ConfigError (owner `CSV <file>`) listing every problem: a missing column (with the
 *   columns present), a non-numeric or unhandled empty cell (with its line and column), a
 *   wrong number of rows.
 */
export function readSeriesCsv(file: string, spec: SeriesCsvSpec): Record<string, Float64Array> {
  const table = readCsv(file);
  const issues = new IssueList(csvOwner(file));
  const names = Object.keys(spec.columns);
  const allowEmpty = new Set(spec.allowEmpty ?? []);
  for (const name of allowEmpty) {
    if (!(name in spec.columns)) issues.add("allowEmpty", `a series name (${names.join(", ")})`, `"${name}"`);
  }
  const columnNames = names.map((name) => spec.columns[name]!);
  const indices = columnIndices(table, columnNames, issues);
  if (spec.expectedLength !== undefined && table.rows.length !== spec.expectedLength) {
    issues.add("rows", `${spec.expectedLength} data rows`, String(table.rows.length));
  }
  const out: Record<string, Float64Array> = {};
  names.forEach((name, k) => {
    const values = new Float64Array(table.rows.length);
    const index = indices[k]!;
    if (index >= 0) {
      const empty = allowEmpty.has(name);
      for (let r = 0; r < table.rows.length; r++) {
        values[r] = parseNumberCell(table.rows[r]![index]!, table.lines[r]!, columnNames[k]!, empty, issues);
      }
    }
    out[name] = values;
  });
  issues.throwIfAny();
  return out;
}
