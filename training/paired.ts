/**
 * Paired comparisons per seed. Seeds draw weeks across the year, so absolute costs vary far more
 * between seeds than between policies: a 95 % interval of a policy's mean cost says little about
 * whether it beats another. Every policy sees the same seeds, so the difference of two policies on
 * each seed cancels what the seed drew, and its interval separates them. Here: regret against the
 * oracle, the difference to the myopic rule, and the share of the oracle's saving over myopic.
 */
import type { BenchmarkRoles } from "../src/core/registry.js";
import { Rng } from "../src/core/rng.js";
import { summarize, type Summary } from "../src/kpi/summary.js";
import type { EvaluationResult } from "./evaluate.js";

/** A ratio with a percentile-bootstrap 95 % interval over the seeds. */
export interface RatioInterval {
  value: number;
  low: number;
  high: number;
}

/** One policy against the env's roles, on the seeds it shares with them. */
export interface PairedComparison {
  policy: string;
  /** Mean cost over the shared seeds. */
  cost: number;
  /** Cost minus the oracle's, per seed (mean ± 95 % CI); absent without an oracle. */
  regret?: Summary;
  /** Cost minus myopic's, per seed: negative means cheaper than myopic. */
  vsMyopic?: Summary;
  /**
   * (myopic - policy) / (myopic - oracle) in mean cost: 1 is the oracle, 0 is myopic. Absent
   * without an oracle, or when the oracle saves less than 0.1 % of myopic's cost (no room to share).
   */
  oracleShare?: RatioInterval;
}

/** The paired table of one benchmark: the seeds used and one row per policy. */
export interface PairedTable {
  costKpi: string;
  costLabel: string;
  myopic: string;
  oracle?: string;
  seeds: number[];
  rows: PairedComparison[];
  /** The oracle's saving over myopic as a share of myopic's cost (the room the env leaves). */
  oracleRoom?: number;
}

const BOOTSTRAP_SAMPLES = 2000;

function costsBySeed(r: EvaluationResult, kpi: string): Map<number, number> {
  return new Map(r.episodes.filter((e) => Number.isFinite(e.kpis[kpi])).map((e) => [e.seed, e.kpis[kpi]!]));
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Paired comparisons of every result against the roles' myopic and oracle results (found by
 * policy name among `results`). Only seeds every compared policy ran count. Returns null when the
 * myopic baseline is not among the results.
 */
export function pairedTable(results: readonly EvaluationResult[], roles: BenchmarkRoles): PairedTable | null {
  const myopic = results.find((r) => r.policy === roles.myopic);
  if (!myopic) return null;
  const oracle = roles.oracle === undefined ? undefined : results.find((r) => r.policy === roles.oracle);
  const kpi = roles.costKpi;
  const byPolicy = new Map(results.map((r) => [r.policy, costsBySeed(r, kpi)]));
  const all = [...byPolicy.values()];
  const seeds = [...all[0]!.keys()].filter((s) => all.every((m) => m.has(s))).sort((a, b) => a - b);
  if (seeds.length === 0) return null;
  const m = byPolicy.get(myopic.policy)!;
  const o = oracle ? byPolicy.get(oracle.policy)! : undefined;
  const myopicCosts = seeds.map((s) => m.get(s)!);
  const oracleCosts = o ? seeds.map((s) => o.get(s)!) : undefined;
  const room = oracleCosts ? mean(myopicCosts) - mean(oracleCosts) : 0;
  const hasRoom = oracleCosts !== undefined && room > 1e-3 * Math.abs(mean(myopicCosts));
  const rows = results.map((r): PairedComparison => {
    const c = byPolicy.get(r.policy)!;
    const costs = seeds.map((s) => c.get(s)!);
    const row: PairedComparison = { policy: r.policy, cost: mean(costs) };
    if (oracleCosts) row.regret = summarize(costs.map((x, i) => x - oracleCosts[i]!));
    row.vsMyopic = summarize(costs.map((x, i) => x - myopicCosts[i]!));
    if (hasRoom) row.oracleShare = shareInterval(costs, myopicCosts, oracleCosts!, `${r.policy}/${seeds.join(",")}`);
    return row;
  });
  const table: PairedTable = { costKpi: kpi, costLabel: roles.costLabel, myopic: myopic.policy, seeds, rows };
  if (oracle) {
    table.oracle = oracle.policy;
    table.oracleRoom = room / Math.abs(mean(myopicCosts));
  }
  return table;
}

/**
 * The share of the oracle's saving and its percentile-bootstrap 95 % interval: seeds resampled
 * with replacement (the same draw for the three policies, so the pairing holds), from a stream
 * named by the policy and seeds so equal inputs give equal intervals.
 */
function shareInterval(costs: readonly number[], myopic: readonly number[], oracle: readonly number[], stream: string): RatioInterval {
  const n = costs.length;
  const share = (idx: ArrayLike<number>): number => {
    let saved = 0;
    let room = 0;
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      saved += myopic[i]! - costs[i]!;
      room += myopic[i]! - oracle[i]!;
    }
    return room === 0 ? NaN : saved / room;
  };
  const value = share(Array.from({ length: n }, (_, i) => i));
  if (n < 2) return { value, low: value, high: value };
  const rng = new Rng(0, `paired-bootstrap/${stream}`);
  const draws: number[] = [];
  const idx = new Int32Array(n);
  for (let b = 0; b < BOOTSTRAP_SAMPLES; b++) {
    for (let k = 0; k < n; k++) idx[k] = rng.int(n);
    const x = share(idx);
    if (Number.isFinite(x)) draws.push(x);
  }
  draws.sort((a, b) => a - b);
  const at = (q: number): number => draws[Math.min(draws.length - 1, Math.max(0, Math.floor(q * draws.length)))]!;
  return { value, low: at(0.025), high: at(0.975) };
}

/** "mean ± CI" of a paired difference. */
function diffCell(s: Summary | undefined, digits: number): string {
  if (!s || !Number.isFinite(s.mean)) return "-";
  const sign = s.mean > 0 ? "+" : "";
  return s.n > 1 ? `${sign}${s.mean.toFixed(digits)} ± ${s.ci95.toFixed(digits)}` : `${sign}${s.mean.toFixed(digits)}`;
}

/** "84.1 % [80.2, 87.5]" */
function shareCell(s: RatioInterval | undefined): string {
  if (!s || !Number.isFinite(s.value)) return "-";
  const pct = (x: number): string => (100 * x).toFixed(1);
  return s.low === s.high ? `${pct(s.value)} %` : `${pct(s.value)} % [${pct(s.low)}, ${pct(s.high)}]`;
}

/** The paired table's header and rows as cells (policy, cost, vs myopic, regret, share). */
export function pairedCells(t: PairedTable, digits = 1): { header: string[]; rows: string[][] } {
  const header = ["policy", t.costLabel, `vs ${t.myopic}`];
  if (t.oracle !== undefined) header.push(`regret vs ${t.oracle}`, "oracle's saving [95 % CI]");
  const rows = t.rows.map((r) => {
    const cells = [r.policy, r.cost.toFixed(digits), r.policy === t.myopic ? "0" : diffCell(r.vsMyopic, digits)];
    if (t.oracle !== undefined) cells.push(r.policy === t.oracle ? "0" : diffCell(r.regret, digits), shareCell(r.oracleShare));
    return cells;
  });
  return { header, rows };
}

/** The paired table for a terminal; rows in the order of the results. */
export function formatPairedTable(t: PairedTable, digits = 1): string {
  const { header, rows } = pairedCells(t, digits);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** The paired table in Markdown. */
export function formatPairedMarkdown(t: PairedTable, digits = 1): string {
  const { header, rows } = pairedCells(t, digits);
  return [`| ${header.join(" | ")} |`, `|---|${header.slice(1).map(() => "---:").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

/** One sentence on the room the oracle leaves over myopic, for the report and the note. */
export function roomSentence(t: PairedTable): string {
  if (t.oracle === undefined || t.oracleRoom === undefined) return `No oracle on this env: policies are compared with ${t.myopic} only.`;
  const pct = (100 * Math.abs(t.oracleRoom)).toFixed(1);
  if (t.oracleRoom < 0) return `The oracle (${t.oracle}) costs ${pct} % more than ${t.myopic} on these seeds (it optimises the env's reward, of which this cost is a part): no room for any policy to beat the myopic rule on this cost.`;
  return `The oracle (${t.oracle}) costs ${pct} % less than ${t.myopic} on these seeds${t.oracleRoom <= 0.02 ? ": little room for any policy to beat the myopic rule" : ""}.`;
}
