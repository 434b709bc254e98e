/**
 * The benchmark's HTML report: run facts, the KPI table (mean ± 95 % CI per policy) and
 * vega-lite charts rendered to SVG in Node (vega's headless `none` renderer), all inlined
 * into one page, so the report opens from disk with no network and no script.
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { EvaluationResult } from "./evaluate.js";
import { kpiCell, kpiColumnsFor, type KpiColumn } from "./table.js";

/** One point of a learner's learning curve; either return may be missing at a given step. */
export interface LearningCurvePoint {
  step: number;
  /** Return of the training episode that ended at `step`. */
  episodeReturn?: number;
  /** Mean return of the periodic evaluation on held-out seeds at `step`. */
  evalReturn?: number;
}

/** The learning curve of one learner, named as its policy is in `results`. */
export interface LearningCurve {
  policy: string;
  points: LearningCurvePoint[];
}

/** Everything the report shows; the caller passes the date so equal inputs give equal pages. */
export interface ReportInput {
  title: string;
  envId: string;
  seeds: number[];
  /** Shown as given (e.g. an ISO timestamp); the report never reads the clock. */
  generatedAt: string;
  /** One per policy; episodes that carry a trajectory feed the one-day charts. */
  results: EvaluationResult[];
  /** Empty when no learner ran: the report then says so instead of drawing an empty chart. */
  learningCurves: LearningCurve[];
  notes?: string[];
  /** Rows of the KPI table (default: the suite that fits the results, training/table.ts). */
  kpiColumns?: readonly KpiColumn[];
}

/**
 * The `data-chart` value of each chart's `<figure>`, in page order. A chart without data
 * keeps its figure and shows a note in place of the SVG.
 */
export const REPORT_CHART_IDS = ["learning-curves", "soc", "grid-power", "cost"] as const;
export type ReportChartId = (typeof REPORT_CHART_IDS)[number];

/** Ticks of the one-day charts (hourly envs: one day). */
export const DAY_TICKS = 24;

// the KPI the bar chart compares; every storage env reports it
const COST_KPI = "totalCostEur";
const CHART_WIDTH_PX = 640;
const CHART_HEIGHT_PX = 220;

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/**
 * Renders the report to one self-contained HTML page (inline SVG and CSS, no script).
 * Equal inputs give byte-identical pages.
 */
export async function renderBenchmarkReport(input: ReportInput): Promise<string> {
  const policies = input.results.map((r) => r.policy);
  // one fixed colour domain, so a policy has the same colour in every chart
  const color = { field: "policy", type: "nominal", title: "policy", scale: { domain: policies } } as const;
  const figures = [
    await figure("learning-curves", "Learning curves", learningCurveSpec(input.learningCurves, color),
      "No learner ran in this benchmark, so there are no learning curves."),
    await figure("soc", `Battery state of charge over one day (first ${DAY_TICKS} ticks of each policy's first seed)`,
      daySpec(input.results, "soc", "level", "state of charge", color, { domain: [0, 1] }),
      "No trajectory with a soc column was kept, so there is no state-of-charge chart."),
    await figure("grid-power", `Grid power over one day (import > 0, export < 0; first ${DAY_TICKS} ticks of each policy's first seed)`,
      daySpec(input.results, "gridImportKw", "rate", "grid power (kW)", color),
      "No trajectory with a gridImportKw column was kept, so there is no grid power chart."),
    await figure("cost", "Total cost per policy (mean with 95 % confidence interval over the seeds)",
      costSpec(input.results, color),
      `No policy reports ${COST_KPI}, so there is no cost chart.`),
  ];
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
    "<p>Cells: mean ± half-width of the 95 % confidence interval of the mean over the seeds (Student's t).</p>",
    kpiTable(input.results, input.kpiColumns ?? kpiColumnsFor(input.results)),
    "<h2>Charts</h2>",
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
  "main{max-width:980px;margin:0 auto;padding:24px}",
  "h1{font-size:1.6em;margin:0 0 .4em}h2{font-size:1.2em;margin:1.6em 0 .5em;border-bottom:1px solid #dde2e8}",
  "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}dl.facts dt{color:#5a6472}dl.facts dd{margin:0}",
  "table{border-collapse:collapse;font-variant-numeric:tabular-nums}th,td{padding:4px 10px;border-bottom:1px solid #e6e9ee}",
  "th{text-align:left}td.num,th.num{text-align:right;white-space:nowrap}thead th{border-bottom:2px solid #c9cfd8}",
  "figure{margin:1.2em 0}figcaption{font-weight:600;margin-bottom:.4em}figure svg{max-width:100%;height:auto;display:block}",
  "p.empty{color:#5a6472;font-style:italic}",
].join("");

function facts(input: ReportInput): string {
  const rows: [string, string][] = [
    ["environment", input.envId],
    ["seeds", input.seeds.join(", ")],
    ["policies", input.results.map((r) => r.policy).join(", ")],
    ["generated", input.generatedAt],
  ];
  return `<dl class="facts">${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("")}</dl>`;
}

function kpiTable(results: readonly EvaluationResult[], columns: readonly KpiColumn[]): string {
  const head = `<tr><th>KPI</th>${results.map((r) => `<th class="num">${escapeHtml(r.policy)}</th>`).join("")}</tr>`;
  const body = columns
    .map((c) => `<tr><th>${escapeHtml(c.label)}</th>${results.map((r) => `<td class="num">${escapeHtml(kpiCell(r, c))}</td>`).join("")}</tr>`)
    .join("\n");
  return `<table id="kpi-table">\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

type ColorEncoding = { field: "policy"; type: "nominal"; title: string; scale: { domain: string[] } };

function learningCurveSpec(curves: readonly LearningCurve[], color: ColorEncoding): TopLevelSpec | undefined {
  const values: { policy: string; step: number; series: string; value: number }[] = [];
  for (const c of curves) {
    for (const p of c.points) {
      if (p.episodeReturn !== undefined && Number.isFinite(p.episodeReturn)) values.push({ policy: c.policy, step: p.step, series: "episode return", value: p.episodeReturn });
      if (p.evalReturn !== undefined && Number.isFinite(p.evalReturn)) values.push({ policy: c.policy, step: p.step, series: "eval return", value: p.evalReturn });
    }
  }
  if (values.length === 0) return undefined;
  const learners = [...new Set(values.map((v) => v.policy))];
  return {
    width: CHART_WIDTH_PX,
    height: CHART_HEIGHT_PX,
    data: { values },
    mark: { type: "line", point: { size: 16 }, strokeWidth: 1.5 },
    encoding: {
      x: { field: "step", type: "quantitative", title: "environment step" },
      y: { field: "value", type: "quantitative", title: "return", scale: { zero: false } },
      // learners' colours come after the baselines', so a learner keeps its colour in the
      // other charts; the legend lists only the learners
      color: { field: "policy", type: "nominal", title: "learner", scale: { domain: [...color.scale.domain, ...learners.filter((p) => !color.scale.domain.includes(p))] }, legend: { values: learners } },
      strokeDash: {
        field: "series", type: "nominal", title: "series", scale: { domain: ["episode return", "eval return"], range: [[1, 0], [5, 3]] },
        // vega-lite leaves the dash legend's strokes uncoloured (colour is the other legend's
        // job); the entry repeats vega-lite's own symbol defaults so the two merge without a warning
        legend: {
          symbolType: "stroke", symbolSize: 300,
          encoding: { symbols: { fill: { value: "black" }, fillOpacity: { value: 1 }, opacity: { value: 1 }, stroke: { value: "#1d2430" }, strokeWidth: { value: 1.5 } } },
        },
      },
      detail: { field: "series" },
    },
  };
}

/**
 * `level` columns (SoC) hold the value at the end of tick t, drawn as a line through
 * (t + 1, value); `rate` columns (power) hold for the whole tick, drawn as a step over
 * [t, t + 1). Both share one x axis from 0 to DAY_TICKS, so the two charts line up.
 */
function daySpec(results: readonly EvaluationResult[], column: string, kind: "level" | "rate", title: string, color: ColorEncoding, yScale: { domain?: [number, number] } = {}): TopLevelSpec | undefined {
  const values: { policy: string; tick: number; value: number }[] = [];
  for (const r of results) {
    const trajectory = r.episodes.find((e) => e.trajectory)?.trajectory;
    if (!trajectory || !trajectory.names.includes(column)) continue;
    const col = trajectory.column(column);
    const n = Math.min(DAY_TICKS, col.length);
    for (let t = 0; t < n; t++) values.push({ policy: r.policy, tick: kind === "level" ? t + 1 : t, value: col[t]! });
    // closes the last step at the end of its tick
    if (kind === "rate" && n > 0) values.push({ policy: r.policy, tick: n, value: col[n - 1]! });
  }
  if (values.length === 0) return undefined;
  return {
    width: CHART_WIDTH_PX,
    height: CHART_HEIGHT_PX,
    data: { values },
    mark: { type: "line", interpolate: kind === "rate" ? "step-after" : "linear", strokeWidth: 1.75 },
    encoding: {
      x: { field: "tick", type: "quantitative", title: kind === "rate" ? "tick" : "tick (value at its end)", scale: { domain: [0, DAY_TICKS] }, axis: { tickMinStep: 1 } },
      y: { field: "value", type: "quantitative", title, scale: yScale },
      color,
    },
  };
}

function costSpec(results: readonly EvaluationResult[], color: ColorEncoding): TopLevelSpec | undefined {
  const values = results
    .filter((r) => r.summary[COST_KPI] && Number.isFinite(r.summary[COST_KPI].mean))
    .map((r) => {
      const s = r.summary[COST_KPI]!;
      return { policy: r.policy, mean: s.mean, low: s.mean - s.ci95, high: s.mean + s.ci95 };
    });
  if (values.length === 0) return undefined;
  const x = { field: "policy", type: "nominal", title: "policy", sort: color.scale.domain, axis: { labelAngle: 0 } } as const;
  return {
    width: CHART_WIDTH_PX,
    height: CHART_HEIGHT_PX,
    data: { values },
    layer: [
      { mark: { type: "bar", width: { band: 0.6 } }, encoding: { x, y: { field: "mean", type: "quantitative", title: "total cost (EUR)" }, color: { ...color, legend: null } } },
      { mark: { type: "errorbar", ticks: { size: 24 }, color: "#1d2430" }, encoding: { x, y: { field: "low", type: "quantitative", title: "total cost (EUR)" }, y2: { field: "high" } } },
    ],
  };
}

async function figure(id: ReportChartId, caption: string, spec: TopLevelSpec | undefined, emptyNote: string): Promise<string> {
  const body = spec ? await renderSvg(spec) : `<p class="empty">${escapeHtml(emptyNote)}</p>`;
  return `<figure id="chart-${id}" data-chart="${id}">\n<figcaption>${escapeHtml(caption)}</figcaption>\n${body}\n</figure>`;
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
