/**
 * Plain-text and Markdown KPI tables: one row per KPI, one column per policy,
 * each cell "mean ± 95 % CI".
 */
import type { EvaluationResult } from "./evaluate.js";

export interface KpiColumn {
  key: string;
  label: string;
  /** Multiplier for display (e.g. 100 for shares shown in percent). */
  scale?: number;
  digits?: number;
}

export const STORAGE_KPI_COLUMNS: readonly KpiColumn[] = [
  { key: "totalCostEur", label: "total cost (EUR)", digits: 1 },
  { key: "energyCostEur", label: "energy cost (EUR)", digits: 1 },
  { key: "gridImportKwh", label: "grid import (kWh)", digits: 0 },
  { key: "gridExportKwh", label: "grid export (kWh)", digits: 0 },
  { key: "selfConsumption", label: "self-consumption (%)", scale: 100, digits: 1 },
  { key: "selfSufficiency", label: "self-sufficiency (%)", scale: 100, digits: 1 },
  { key: "peakImportKw", label: "peak import (kW)", digits: 0 },
  { key: "pccPowerStdKw", label: "PCC power std (kW)", digits: 0 },
  { key: "efc", label: "equivalent full cycles", digits: 2 },
  { key: "shortfallKwh", label: "shortfall (kWh)", digits: 0 },
];

/** One cell: "mean ± 95 % CI" over the episodes (just the mean for one episode), "-" when missing. */
export function kpiCell(r: EvaluationResult, c: KpiColumn): string {
  const s = r.summary[c.key];
  if (!s || !Number.isFinite(s.mean)) return "-";
  const k = c.scale ?? 1;
  const d = c.digits ?? 2;
  return s.n > 1 ? `${(s.mean * k).toFixed(d)} ± ${(s.ci95 * k).toFixed(d)}` : (s.mean * k).toFixed(d);
}

/** Fixed-width table for a terminal. */
export function formatTable(results: readonly EvaluationResult[], columns: readonly KpiColumn[] = kpiColumnsFor(results)): string {
  const header = ["KPI", ...results.map((r) => r.policy)];
  // a KPI no policy reports (e.g. ADMM iterations without an ADMM planner) is left out
  const rows = columns.map((c) => [c.label, ...results.map((r) => kpiCell(r, c))]).filter((r) => r.slice(1).some((x) => x !== "-"));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** The same table in Markdown. */
export function formatMarkdownTable(results: readonly EvaluationResult[], columns: readonly KpiColumn[] = kpiColumnsFor(results)): string {
  const header = `| KPI | ${results.map((r) => r.policy).join(" | ")} |`;
  const sep = `|---|${results.map(() => "---:").join("|")}|`;
  const rows = columns.filter((c) => results.some((r) => kpiCell(r, c) !== "-")).map((c) => `| ${c.label} | ${results.map((r) => kpiCell(r, c)).join(" | ")} |`);
  return [header, sep, ...rows].join("\n");
}

/** The microgrid suite (SPEC section 1): the seed's Table 1 rows plus import and unserved energy. */
export const MICROGRID_KPI_COLUMNS: readonly KpiColumn[] = [
  { key: "importCost", label: "import cost", digits: 1 },
  { key: "importKwh", label: "grid import (kWh)", digits: 0 },
  { key: "exportKwh", label: "grid export (kWh)", digits: 0 },
  { key: "selfSufficiency", label: "self-sufficiency (%)", scale: 100, digits: 1 },
  { key: "cebrSeedPct", label: "final CEBR, seed def. (%)", digits: 1 },
  { key: "cebrLocalPct", label: "final CEBR, local (%)", digits: 1 },
  { key: "iebrSeedPostMeanPct", label: "mean IEBR post (%)", digits: 1 },
  { key: "avgSocPostPct", label: "avg SoC post (%)", digits: 1 },
  { key: "bri50PostPct", label: "BRI>=50 (% of ticks)", digits: 1 },
  { key: "scarcityPostPct", label: "scarcity (% of ticks)", digits: 1 },
  { key: "efc", label: "equivalent full cycles", digits: 2 },
  { key: "unservedKwh", label: "unserved (kWh)", digits: 1 },
];

/** The energy-hub suite (SPEC section 2): cost, emissions, inputs, deviations and their resolution, auctions. */
export const HUB_KPI_COLUMNS: readonly KpiColumn[] = [
  { key: "costGbp", label: "cost (GBP)", digits: 2 },
  { key: "costGbpPerInputKwh", label: "cost per input kWh (GBP)", digits: 4 },
  { key: "emissionsKg", label: "emissions (kgCO2)", digits: 1 },
  { key: "primaryInputKwh", label: "primary input (kWh)", digits: 0 },
  { key: "inputElectricityKwh", label: "grid electricity (kWh)", digits: 0 },
  { key: "inputGasKwh", label: "gas (kWh)", digits: 0 },
  { key: "unmetLoadKwh", label: "unmet load (kWh)", digits: 2 },
  { key: "shedLoadKwh", label: "load shed, Method 1 (kWh)", digits: 1 },
  { key: "heatDumpedKwh", label: "heat dumped (kWh)", digits: 1 },
  { key: "deviationsRequested", label: "deviations requested", digits: 0 },
  { key: "resolvedMethod1", label: "resolved by Method 1", digits: 0 },
  { key: "resolvedMethod2", label: "resolved by Method 2", digits: 0 },
  { key: "resolvedMethod3", label: "resolved by Method 3", digits: 0 },
  { key: "sentToBalancing", label: "sent to balancing market", digits: 0 },
  { key: "balancingCostGbp", label: "balancing cost (GBP)", digits: 2 },
  { key: "auctionVolumeKwh", label: "auction volume (kWh)", digits: 1 },
  { key: "auctionMeanPriceGbpPerKwh", label: "auction mean price (GBP/kWh)", digits: 4 },
];

/** The local energy community suite (SPEC section 3, src/kpi/community.ts). */
export const COMMUNITY_KPI_COLUMNS: readonly KpiColumn[] = [
  { key: "costWithPenaltiesEur", label: "cost with penalties (EUR)", digits: 2 },
  { key: "totalCostEur", label: "community cost (EUR)", digits: 2 },
  { key: "costPerHouseholdEur", label: "cost per household (EUR)", digits: 2 },
  { key: "savingsEur", label: "savings vs no-asset reference (EUR)", digits: 2 },
  { key: "selfConsumption", label: "self-consumption (%)", scale: 100, digits: 1 },
  { key: "selfSufficiency", label: "self-sufficiency (%)", scale: 100, digits: 1 },
  { key: "peakImportKw", label: "peak PCC import (kW)", digits: 1 },
  { key: "pccPowerStdKw", label: "PCC power std (kW)", digits: 1 },
  { key: "pccMaxRampKw", label: "PCC max ramp (kW)", digits: 1 },
  { key: "minPccVoltagePu", label: "min PCC voltage (p.u.)", digits: 4 },
  { key: "maxPccVoltagePu", label: "max PCC voltage (p.u.)", digits: 4 },
  { key: "hoursVoltageViolation", label: "hours outside voltage limits", digits: 0 },
  { key: "transformerOverloadHours", label: "transformer overload hours", digits: 0 },
  { key: "p2pVolumeKwh", label: "P2P volume (kWh)", digits: 1 },
  { key: "fairnessGini", label: "fairness, Gini of savings", digits: 3 },
  { key: "flexDeliveredShare", label: "flexibility delivered / requested (%)", scale: 100, digits: 1 },
  { key: "flexPenaltyEur", label: "flexibility penalties (EUR)", digits: 2 },
  { key: "evUnmetKwh", label: "EV energy unmet (kWh)", digits: 1 },
  { key: "admmIterationsPerPlan", label: "ADMM iterations per plan", digits: 1 },
];

/** The KPI rows that fit an env's KPI suite (by the keys its first result reports). */
export function kpiColumnsFor(results: readonly EvaluationResult[]): readonly KpiColumn[] {
  const keys = results[0] ? Object.keys(results[0].summary) : [];
  if (keys.includes("auctionVolumeKwh")) return HUB_KPI_COLUMNS;
  if (keys.includes("p2pVolumeKwh")) return COMMUNITY_KPI_COLUMNS;
  return keys.includes("cebrSeedPct") ? MICROGRID_KPI_COLUMNS : STORAGE_KPI_COLUMNS;
}
