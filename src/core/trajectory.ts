/**
 * Per-tick trajectory records: one Float64Array per named column, preallocated for the
 * episode, so KPIs, plots and CSV exports all come from one record of what happened.
 *
 * An env writes a row by name, `columns.gridImportKw[t] = ...` for each column, then
 * `setLength(t + 1)`; nothing is positional, so adding or reordering columns cannot shift values
 * into the wrong column. `columns` is built in one piece (Object.fromEntries), which keeps it a
 * fast-property object in V8 at any column count; built key by key, an object of some 40
 * columns turns into a hash-table dictionary and every named write pays a lookup.
 */

export class Trajectory<C extends string = string> {
  readonly columns: Readonly<Record<C, Float64Array>>;
  readonly names: readonly C[];
  #length = 0;

  constructor(names: readonly C[], capacity: number) {
    this.names = [...names];
    this.columns = Object.fromEntries(names.map((n) => [n, new Float64Array(capacity)])) as Record<C, Float64Array>;
  }

  /** Rows written so far. */
  get length(): number {
    return this.#length;
  }

  /** Marks rows [0, n) as written (the env writes columns directly, then commits the row count). */
  setLength(n: number): void {
    this.#length = n;
  }

  /** A column trimmed to the rows written (a view, not a copy). */
  column(name: C): Float64Array {
    return this.columns[name].subarray(0, this.#length);
  }

  /** CSV text: a header row of column names, then one row per tick, numbers at full precision. */
  toCSV(): string {
    const lines = [this.names.join(",")];
    const cols = this.names.map((n) => this.columns[n]);
    for (let t = 0; t < this.#length; t++) {
      lines.push(cols.map((c) => String(c[t])).join(","));
    }
    return lines.join("\n") + "\n";
  }
}

/** An env that records its trajectory and computes its KPI suite from it. */
export interface RecordsTrajectory {
  /** The trajectory recorded since the last reset. */
  trajectory(): Trajectory;
  /** KPIs of the episode recorded so far, from the trajectory alone. */
  kpis(): Record<string, number>;
}

/** True when `env` has both `trajectory()` and `kpis()` methods (it records its trajectory). */
export function recordsTrajectory(env: unknown): env is RecordsTrajectory {
  return typeof (env as RecordsTrajectory | null)?.trajectory === "function"
    && typeof (env as RecordsTrajectory | null)?.kpis === "function";
}
