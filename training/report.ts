/**
 * The benchmark's HTML report, per env: run facts, the KPI table of that env's suite (mean ± 95 %
 * CI per policy), the paired comparison per seed (regret against the oracle, difference to myopic,
 * share of the oracle's saving, with CIs), learning curves (smoothed, the spread over training
 * seeds, the evaluation line on top, against env steps and training wall time), dispatch over
 * several days with the price on a second axis, and requested against applied power. vega-lite
 * charts are rendered to SVG in Node (vega's headless `none` renderer) and inlined into one page,
 * so the report opens from disk with no network and no script. A chart whose data the env does
 * not record is left out, never drawn empty.
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { list, type BenchmarkRoles } from "../src/core/registry.js";
import type { EvaluationResult } from "./evaluate.js";
import { pairedCells, roomSentence, type PairedTable } from "./paired.js";
import { kpiColumnsFor, type KpiColumn } from "./table.js";

/** One point of a learner's learning curve; either return may be missing at a given step. */
export interface LearningCurvePoint {
  step: number;
  /** Training wall time at the point, evaluations excluded (absent in old results). */
  seconds?: number;
  /** Return of the training episode that ended at `step`. */
  episodeReturn?: number;
  /** Mean return of the periodic evaluation on validation seeds at `step`. */
  evalReturn?: number;
}

/** The learning curve of one training run, named as its policy is in `results`. */
export interface LearningCurve {
  policy: string;
  /** The training seed; curves of one policy over several seeds are drawn as a mean and a band. */
  seed?: number;
  points: LearningCurvePoint[];
}

/** Everything the report shows; the caller passes the date so equal inputs give equal pages. */
export interface ReportInput {
  title: string;
  envId: string;
  seeds: number[];
  /** Shown as given (e.g. an ISO timestamp); the report never reads the clock. */
  generatedAt: string;
  /** One per policy; episodes that carry a trajectory feed the dispatch charts. */
  results: EvaluationResult[];
  /** Empty when no learner ran: the report then says so instead of drawing a chart. */
  learningCurves: LearningCurve[];
  notes?: string[];
  /** Rows of the KPI table (default: the suite that fits the results, training/table.ts). */
  kpiColumns?: readonly KpiColumn[];
  /** The env's benchmark roles (default: its registry entry's, when it is registered). */
  roles?: BenchmarkRoles;
  /** The paired comparison per seed (training/paired.ts), shown as a table and a regret chart. */
  paired?: PairedTable | null;
  /** What the learners' returns measure, e.g. "reward minus an idle battery's"; stated on the curves. */
  rewardBasis?: string;
  /** Hours per env step (default 1; 0.5 for the half-hourly energy hub). */
  hoursPerTick?: number;
}

/** The `data-chart` value of each chart the report can hold, in page order. */
export const REPORT_CHART_IDS = ["learning-curves", "learning-time", "regret", "cost", "state", "grid-power", "requested-applied"] as const;
export type ReportChartId = (typeof REPORT_CHART_IDS)[number];

/** Hours of the dispatch charts: the first three days of each policy's first seed. */
export const DISPATCH_HOURS = 72;

const CHART_WIDTH_PX = 560;
const CHART_HEIGHT_PX = 200;

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Which trajectory columns a family records for each dispatch chart (the first present wins). */
const STATE_COLUMNS: readonly { column: string; title: string; unit?: [number, number] }[] = [
  { column: "soc", title: "state of charge", unit: [0, 1] },
  { column: "cbEnergyKwh", title: "community battery energy (kWh)" },
];
const GRID_COLUMNS: readonly { column: string; minus?: string; title: string }[] = [
  { column: "gridImportKw", title: "grid power (kW, import > 0)" },
  { column: "pccPowerKw", title: "PCC power (kW, import > 0)" },
  { column: "importKw", minus: "exportKw", title: "grid power (kW, import > 0)" },
  { column: "inElectricityKw", title: "grid electricity (kW)" },
];
const PRICE_COLUMNS: readonly { column: string; title: string }[] = [
  { column: "priceEurPerKwh", title: "price (EUR/kWh)" },
  { column: "spotEurPerKwh", title: "spot price (EUR/kWh)" },
];
const REQUEST_COLUMNS: readonly { requested: string; applied: string; appliedMinus?: string }[] = [
  { requested: "requestedKw", applied: "appliedKw" },
  { requested: "cbRequestedKw", applied: "cbPowerKw" },
  { requested: "battery0RequestedKw", applied: "battery0ChargeKw", appliedMinus: "battery0DischargeKw" },
];

/**
 * Renders the report to one self-contained HTML page (inline SVG and CSS, no script).
 * Equal inputs give byte-identical pages.
 */
export async function renderBenchmarkReport(input: ReportInput): Promise<string> {
  const policies = input.results.map((r) => r.policy);
  const roles = input.roles ?? list().find((s) => s.id === input.envId)?.benchmark;
  const hoursPerTick = input.hoursPerTick ?? 1;
  // one fixed colour domain, so a policy has the same colour in every chart
  const color: ColorEncoding = { field: "policy", type: "nominal", title: "policy", scale: { domain: policies } };
  const basis = input.rewardBasis ? ` (${input.rewardBasis})` : "";
  const hours = Math.min(DISPATCH_HOURS, ...input.results.map((r) => episodeHours(r, hoursPerTick)));
  const specs: [ReportChartId, string, TopLevelSpec | undefined][] = [
    ["learning-curves", `Learning curves: return${basis} against env steps; training episodes smoothed, evaluation on validation seeds on top; mean and range over ${trainingSeedsText(input.learningCurves)}`, learningCurveSpec(input.learningCurves, color, "step")],
    ["learning-time", `Evaluation return${basis} against training wall time (evaluations excluded)`, learningCurveSpec(input.learningCurves, color, "seconds")],
    ["regret", input.paired?.oracle !== undefined
      ? `Regret against the oracle (${input.paired.oracle}), paired per seed: mean and 95 % CI of the extra ${input.paired.costLabel}`
      : `Difference to ${input.paired?.myopic ?? "myopic"}, paired per seed (mean and 95 % CI)`, input.paired ? regretSpec(input.paired, color) : undefined],
    ["cost", `${roles?.costLabel ?? "cost"} per policy (mean with 95 % CI over the seeds; seeds differ far more than policies, see the paired comparison)`, roles ? costSpec(input.results, roles, color) : undefined],
    ["state", `Storage over the first ${hours} hours of each policy's first seed`, stateSpec(input.results, color, hoursPerTick, hours)],
    ["grid-power", `Grid power over the first ${hours} hours of each policy's first seed, with the price (grey, right axis)`, gridSpec(input.results, color, hoursPerTick, hours)],
    ["requested-applied", `Requested (dashed) and applied (solid) battery power over the first ${hours} hours: what a policy asks for beyond what the battery can follow is not applied`, requestedSpec(input.results, color, hoursPerTick, hours)],
  ];
  const figures: string[] = [];
  for (const [id, caption, spec] of specs) if (spec) figures.push(await figure(id, caption, spec));
  const notes = input.notes ?? [];
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(input.title)}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    "<main>",
    `<h1>${escapeHtml(input.title)}</h1>`,
    facts(input),
    "<h2>KPIs</h2>",
    "<p>Cells: mean, and below it the half-width of the 95 % confidence interval of the mean over the seeds (Student's t).</p>",
    kpiTable(input.results, input.kpiColumns ?? kpiColumnsFor(input.results)),
    input.paired ? pairedSection(input.paired) : "",
    "<h2>Charts</h2>",
    input.learningCurves.length === 0 ? '<p class="empty">No learner ran in this benchmark, so there are no learning curves.</p>' : "",
    ...figures,
    notes.length > 0 ? `<h2>Notes</h2>\n<ul>${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>` : "",
    "</main>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

const STYLE = [
  "body{margin:0;font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2430;background:#fff}",
  "main{max-width:980px;margin:0 auto;padding:16px;box-sizing:border-box}",
  "h1{font-size:1.5em;margin:0 0 .4em;overflow-wrap:anywhere}h2{font-size:1.2em;margin:1.6em 0 .5em;border-bottom:1px solid #dde2e8}",
  "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}dl.facts dt{color:#5a6472}dl.facts dd{margin:0;overflow-wrap:anywhere}",
  "table{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:13px;max-width:100%}th,td{padding:3px 6px;border-bottom:1px solid #e6e9ee}",
  "th{text-align:left;font-weight:600}td.num,th.num{text-align:right}thead th{border-bottom:2px solid #c9cfd8;overflow-wrap:anywhere}",
  "td.num span.ci{display:block;color:#5a6472;font-size:11px}",
  "figure{margin:1.2em 0}figcaption{font-weight:600;margin-bottom:.4em}figure svg{max-width:100%;height:auto;display:block}",
  "p.empty{color:#5a6472;font-style:italic}",
].join("");

function facts(input: ReportInput): string {
  const rows: [string, string][] = [
    ["environment", input.envId],
    ["seeds", input.seeds.join(", ")],
    ["policies", input.results.map((r) => r.policy).join(", ")],
    ...(input.rewardBasis ? [["learners' reward", input.rewardBasis] as [string, string]] : []),
    ["generated", input.generatedAt],
  ];
  return `<dl class="facts">${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("")}</dl>`;
}

/** A cell of the HTML KPI table: the mean, the CI's half-width on a line of its own (narrow columns). */
function htmlKpiCell(r: EvaluationResult, c: KpiColumn): string {
  const s = r.summary[c.key];
  if (!s || !Number.isFinite(s.mean)) return "-";
  const k = c.scale ?? 1;
  const d = c.digits ?? 2;
  const mean = escapeHtml((s.mean * k).toFixed(d));
  return s.n > 1 ? `${mean}<span class="ci">± ${escapeHtml((s.ci95 * k).toFixed(d))}</span>` : mean;
}

function kpiTable(results: readonly EvaluationResult[], columns: readonly KpiColumn[]): string {
  const head = `<tr><th>KPI</th>${results.map((r) => `<th class="num">${escapeHtml(r.policy)}</th>`).join("")}</tr>`;
  const body = columns
    .filter((c) => results.some((r) => htmlKpiCell(r, c) !== "-"))
    .map((c) => `<tr><th>${escapeHtml(c.label)}</th>${results.map((r) => `<td class="num">${htmlKpiCell(r, c)}</td>`).join("")}</tr>`)
    .join("\n");
  return `<table id="kpi-table">\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function pairedSection(t: PairedTable): string {
  const { header, rows } = pairedCells(t);
  const head = `<tr>${header.map((h, i) => `<th${i === 0 ? "" : ' class="num"'}>${escapeHtml(h)}</th>`).join("")}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th>${escapeHtml(c)}</th>` : `<td class="num">${escapeHtml(c)}</td>`)).join("")}</tr>`).join("\n");
  return [
    "<h2>Paired per seed</h2>",
    `<p>Every policy ran the same ${t.seeds.length} seeds (${escapeHtml(t.seeds.join(", "))}). Differences are taken per seed, then averaged (mean ± 95 % CI, Student's t); the share of the oracle's saving, (myopic - policy) / (myopic - oracle) in mean ${escapeHtml(t.costLabel)}, has a percentile-bootstrap interval over the seeds. ${escapeHtml(roomSentence(t))}</p>`,
    `<table id="paired-table">\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`,
  ].join("\n");
}

type ColorEncoding = { field: "policy"; type: "nominal"; title: string; scale: { domain: string[] } };

function trainingSeedsText(curves: readonly LearningCurve[]): string {
  const perPolicy = new Map<string, number>();
  for (const c of curves) perPolicy.set(c.policy, (perPolicy.get(c.policy) ?? 0) + 1);
  const counts = [...new Set(perPolicy.values())];
  return counts.length === 1 ? `${counts[0]} training seed${counts[0] === 1 ? "" : "s"}` : "the training seeds";
}

/** Trailing moving average over `window` points. */
function smooth(values: readonly number[], window: number): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]!;
    if (i >= window) sum -= values[i - window]!;
    out.push(sum / Math.min(i + 1, window));
  }
  return out;
}

interface CurveRow { policy: string; x: number; series: string; mean: number; low: number; high: number }

/**
 * Per policy and series, the seeds' curves on a common grid of x values: each seed's value at a
 * grid point is its last point at or before it; the row holds their mean and range.
 */
function acrossSeeds(policy: string, series: string, perSeed: readonly { x: number; y: number }[][], gridSize: number): CurveRow[] {
  const live = perSeed.filter((c) => c.length > 0);
  if (live.length === 0) return [];
  const xMax = Math.min(...live.map((c) => c[c.length - 1]!.x));
  const xMin = Math.max(...live.map((c) => c[0]!.x));
  const xs = live.length === 1 ? live[0]!.map((p) => p.x) : Array.from({ length: gridSize }, (_, i) => xMin + ((xMax - xMin) * i) / Math.max(1, gridSize - 1));
  const rows: CurveRow[] = [];
  const at = live.map(() => 0);
  for (const x of xs) {
    const ys = live.map((c, k) => {
      while (at[k]! + 1 < c.length && c[at[k]! + 1]!.x <= x) at[k]!++;
      return c[at[k]!]!.y;
    });
    rows.push({ policy, x, series, mean: ys.reduce((a, b) => a + b, 0) / ys.length, low: Math.min(...ys), high: Math.max(...ys) });
  }
  return rows;
}

function learningCurveSpec(curves: readonly LearningCurve[], color: ColorEncoding, xField: "step" | "seconds"): TopLevelSpec | undefined {
  const byPolicy = new Map<string, LearningCurve[]>();
  for (const c of curves) byPolicy.set(c.policy, [...(byPolicy.get(c.policy) ?? []), c]);
  const rows: CurveRow[] = [];
  for (const [policy, runs] of byPolicy) {
    const xOf = (p: LearningCurvePoint): number | undefined => (xField === "step" ? p.step : p.seconds);
    const evalRuns = runs.map((r) => r.points.filter((p) => p.evalReturn !== undefined && Number.isFinite(p.evalReturn) && xOf(p) !== undefined).map((p) => ({ x: xOf(p)!, y: p.evalReturn! })));
    if (xField === "step") {
      const episodeRuns = runs.map((r) => {
        const pts = r.points.filter((p) => p.episodeReturn !== undefined && Number.isFinite(p.episodeReturn));
        const ys = smooth(pts.map((p) => p.episodeReturn!), Math.max(1, Math.round(pts.length / 25)));
        return pts.map((p, i) => ({ x: p.step, y: ys[i]! }));
      });
      rows.push(...acrossSeeds(policy, "training episodes (smoothed)", episodeRuns, 80));
    }
    rows.push(...acrossSeeds(policy, "evaluation", evalRuns, Math.max(2, ...evalRuns.map((r) => r.length))));
  }
  if (rows.length === 0) return undefined;
  const learners = [...byPolicy.keys()];
  const x = { field: "x", type: "quantitative", title: xField === "step" ? "environment step" : "training wall time (s)" } as const;
  const colorScale = { field: "policy", type: "nominal", title: "learner", scale: { domain: [...color.scale.domain, ...learners.filter((p) => !color.scale.domain.includes(p))] }, legend: { values: learners, orient: "bottom" } } as const;
  const dash = { field: "series", type: "nominal", title: "series", scale: { domain: ["training episodes (smoothed)", "evaluation"], range: [[4, 3], [1, 0]] }, legend: { orient: "bottom", symbolType: "stroke", symbolStrokeColor: "#1d2430", symbolStrokeWidth: 2, labelLimit: 220 } } as const;
  return {
    width: CHART_WIDTH_PX,
    height: CHART_HEIGHT_PX,
    data: { values: rows },
    layer: [
      { mark: { type: "area", opacity: 0.18 }, encoding: { x, y: { field: "low", type: "quantitative", title: "return", scale: { zero: false } }, y2: { field: "high" }, color: colorScale, detail: { field: "series" } } },
      ...(["training episodes (smoothed)", "evaluation"] as const)
        .filter((series) => rows.some((r) => r.series === series))
        // the evaluation line last, so it is drawn on top of the training episodes
        .map((series) => ({
          mark: series === "evaluation" ? { type: "line" as const, strokeWidth: 2.5, point: { size: 20 } } : { type: "line" as const, strokeWidth: 1.25 },
          transform: [{ filter: `datum.series === '${series}'` }],
          encoding: { x, y: { field: "mean", type: "quantitative" as const, title: "return" }, color: colorScale, strokeDash: dash },
        })),
    ],
  };
}

function regretSpec(t: PairedTable, color: ColorEncoding): TopLevelSpec | undefined {
  const useRegret = t.oracle !== undefined;
  const values = t.rows
    .filter((r) => r.policy !== (useRegret ? t.oracle : t.myopic))
    .map((r) => ({ policy: r.policy, s: useRegret ? r.regret : r.vsMyopic }))
    .filter((r) => r.s !== undefined && Number.isFinite(r.s.mean))
    .map((r) => ({ policy: r.policy, mean: r.s!.mean, low: r.s!.mean - r.s!.ci95, high: r.s!.mean + r.s!.ci95 }));
  if (values.length === 0) return undefined;
  const x = { field: "policy", type: "nominal", title: "policy", sort: color.scale.domain, axis: { labelAngle: 0 } } as const;
  const title = useRegret ? `regret, ${t.costLabel}` : `difference to ${t.myopic}, ${t.costLabel}`;
  return {
    width: CHART_WIDTH_PX,
    height: CHART_HEIGHT_PX,
    data: { values },
    layer: [
      { mark: { type: "bar", width: { band: 0.6 } }, encoding: { x, y: { field: "mean", type: "quantitative", title }, color: { ...color, legend: null } } },
      { mark: { type: "errorbar", ticks: { size: 18 }, color: "#1d2430" }, encoding: { x, y: { field: "low", type: "quantitative", title }, y2: { field: "high" } } },
    ],
  };
}

function costSpec(results: readonly EvaluationResult[], roles: BenchmarkRoles, color: ColorEncoding): TopLevelSpec | undefined {
  const values = results
    .filter((r) => r.summary[roles.costKpi] && Number.isFinite(r.summary[roles.costKpi]!.mean))
    .map((r) => {
      const s = r.summary[roles.costKpi]!;
      return { policy: r.policy, mean: s.mean, low: s.mean - s.ci95, high: s.mean + s.ci95 };
    });
  if (values.length === 0) return undefined;
  const x = { field: "policy", type: "nominal", title: "policy", sort: color.scale.domain, axis: { labelAngle: 0 } } as const;
  return {
    width: CHART_WIDTH_PX,
    height: CHART_HEIGHT_PX,
    data: { values },
    layer: [
      { mark: { type: "bar", width: { band: 0.6 } }, encoding: { x, y: { field: "mean", type: "quantitative", title: roles.costLabel }, color: { ...color, legend: null } } },
      { mark: { type: "errorbar", ticks: { size: 18 }, color: "#1d2430" }, encoding: { x, y: { field: "low", type: "quantitative", title: roles.costLabel }, y2: { field: "high" } } },
    ],
  };
}

/** The first recorded trajectory of a result, if any. */
function firstTrajectory(r: EvaluationResult) {
  return r.episodes.find((e) => e.trajectory)?.trajectory;
}

function episodeHours(r: EvaluationResult, hoursPerTick: number): number {
  const t = firstTrajectory(r);
  return t ? t.length * hoursPerTick : Infinity;
}

const hourAxis = (hours: number) => ({ field: "hour", type: "quantitative" as const, title: "hour of the episode", scale: { domain: [0, hours] }, axis: { values: Array.from({ length: Math.floor(hours / 12) + 1 }, (_, i) => i * 12) } });

/** Rows {policy, hour, value} of `column` (minus `minus`) over the first `hours`; `level` columns hold the value at the end of the tick. */
function seriesRows(results: readonly EvaluationResult[], column: string, minus: string | undefined, hoursPerTick: number, hours: number, kind: "level" | "rate", extra: Record<string, string> = {}) {
  const rows: ({ policy: string; hour: number; value: number } & Record<string, string | number>)[] = [];
  for (const r of results) {
    const t = firstTrajectory(r);
    if (!t || !t.names.includes(column) || (minus !== undefined && !t.names.includes(minus))) continue;
    const col = t.column(column);
    const sub = minus !== undefined ? t.column(minus) : undefined;
    const n = Math.min(Math.round(hours / hoursPerTick), col.length);
    const v = (i: number) => col[i]! - (sub ? sub[i]! : 0);
    for (let i = 0; i < n; i++) rows.push({ policy: r.policy, hour: (kind === "level" ? i + 1 : i) * hoursPerTick, value: v(i), ...extra });
    // closes the last step at the end of its tick
    if (kind === "rate" && n > 0) rows.push({ policy: r.policy, hour: n * hoursPerTick, value: v(n - 1), ...extra });
  }
  return rows;
}

function stateSpec(results: readonly EvaluationResult[], color: ColorEncoding, hoursPerTick: number, hours: number): TopLevelSpec | undefined {
  for (const c of STATE_COLUMNS) {
    const values = seriesRows(results, c.column, undefined, hoursPerTick, hours, "level");
    if (values.length === 0) continue;
    return {
      width: CHART_WIDTH_PX,
      height: CHART_HEIGHT_PX,
      data: { values },
      mark: { type: "line", strokeWidth: 1.5 },
      encoding: { x: hourAxis(hours), y: { field: "value", type: "quantitative", title: c.title, ...(c.unit ? { scale: { domain: c.unit } } : {}) }, color: { ...color, legend: { orient: "bottom" } } },
    };
  }
  return undefined;
}

function gridSpec(results: readonly EvaluationResult[], color: ColorEncoding, hoursPerTick: number, hours: number): TopLevelSpec | undefined {
  for (const g of GRID_COLUMNS) {
    const values = seriesRows(results, g.column, g.minus, hoursPerTick, hours, "rate");
    if (values.length === 0) continue;
    const power = { mark: { type: "line", interpolate: "step-after", strokeWidth: 1.5 }, encoding: { x: hourAxis(hours), y: { field: "value", type: "quantitative", title: g.title }, color: { ...color, legend: { orient: "bottom" } } } } as const;
    const price = PRICE_COLUMNS.map((p) => ({ p, rows: seriesRows(results.slice(0, 1), p.column, undefined, hoursPerTick, hours, "rate") })).find((x) => x.rows.length > 0);
    if (!price) return { width: CHART_WIDTH_PX, height: CHART_HEIGHT_PX, data: { values }, ...power };
    return {
      width: CHART_WIDTH_PX,
      height: CHART_HEIGHT_PX,
      layer: [
        { data: { values: price.rows }, mark: { type: "area", interpolate: "step-after", color: "#9aa3ae", opacity: 0.25 }, encoding: { x: hourAxis(hours), y: { field: "value", type: "quantitative", title: price.p.title, axis: { orient: "right" } } } },
        { data: { values }, ...power },
      ],
      resolve: { scale: { y: "independent" } },
    };
  }
  return undefined;
}

function requestedSpec(results: readonly EvaluationResult[], color: ColorEncoding, hoursPerTick: number, hours: number): TopLevelSpec | undefined {
  for (const c of REQUEST_COLUMNS) {
    const requested = seriesRows(results, c.requested, undefined, hoursPerTick, hours, "rate", { series: "requested" });
    if (requested.length === 0) continue;
    // policies that request nothing (a rule that never drives this battery) would only add flat lines
    const active = new Set(requested.filter((r) => r.value !== 0).map((r) => r.policy));
    if (active.size === 0) return undefined;
    const applied = seriesRows(results, c.applied, c.appliedMinus, hoursPerTick, hours, "rate", { series: "applied" });
    const values = [...requested, ...applied].filter((r) => active.has(r.policy));
    return {
      width: CHART_WIDTH_PX,
      height: CHART_HEIGHT_PX,
      data: { values },
      mark: { type: "line", interpolate: "step-after", strokeWidth: 1.5 },
      encoding: {
        x: hourAxis(hours),
        y: { field: "value", type: "quantitative", title: "battery power (kW, charge > 0)" },
        color: { ...color, legend: { orient: "bottom" } },
        strokeDash: { field: "series", type: "nominal", title: "series", scale: { domain: ["applied", "requested"], range: [[1, 0], [4, 3]] }, legend: { orient: "bottom", symbolType: "stroke", symbolStrokeColor: "#1d2430", symbolStrokeWidth: 2, labelLimit: 220 } },
        detail: { field: "series" },
      },
    };
  }
  return undefined;
}

async function figure(id: ReportChartId, caption: string, spec: TopLevelSpec): Promise<string> {
  return `<figure id="chart-${id}" data-chart="${id}">\n<figcaption>${escapeHtml(caption)}</figcaption>\n${await renderSvg(spec)}\n</figure>`;
}

// a loader that refuses every request: the specs carry inline values, and a report that
// silently fetched something would render differently offline
const offlineLoader = vega.loader();
offlineLoader.load = async (uri: string) => {
  throw new Error(`the report renders offline; vega tried to load ${uri}`);
};

/** Compiles a vega-lite spec and renders it to an SVG string in Node (no canvas, no DOM). */
async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // a fixed y-axis width keeps the plot areas of stacked charts aligned
  const config = { font: "system-ui, sans-serif", axis: { labelFontSize: 11, titleFontSize: 12 }, axisY: { minExtent: 48 }, legend: { labelFontSize: 11, titleFontSize: 12 } };
  const compiled = compile({ ...spec, config } as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none", loader: offlineLoader, logLevel: vega.Warn });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
