/**
 * Reproduction of seed 001's Table 1 (SPEC section 1, "Seed results"): the myopic baseline
 * against the predictive controller on the nominal campus week, the predictive controller
 * under the stress scenarios (PV outage, load spike), and the seed's future work (reserve-aware
 * and stochastic planners) on the nominal week and under the load spike, over N seeds, with the
 * perfect-foresight oracle as a reference, in one of three settings (REPRODUCTION_SETTINGS:
 * `seed`, `tou-hold`, `resilience` on MicrogridResilience-v0). Every run of one seed sees the
 * same weather, load and outages (the env draws them from the seed alone; the forecaster does
 * not change them), so each row also gets a paired difference to the baseline, per seed, with
 * its Student-t 95 % interval. Beside Table 1's rows: import cost, unserved energy and total
 * cost (import + VoLL x unserved, where lost load is priced).
 *
 * In the `seed` and `tou-hold` settings the predictive planners forecast with their own quantile
 * forest (the seed's 100 trees, refitted at every planning instant as the seed does), so the env
 * runs with its forecaster off; in `resilience` they use their own default forecast source. The
 * forecast MAE is scored on exactly the forecasts the planner used: q50 at every planning instant
 * against the realised load and PV of each forecast tick inside the episode.
 *
 * Directions checked (SPEC: "the directions must hold"), on the means over seeds:
 * - predictive beats baseline on every Table 1 row: CEBR (seed-compatible), IEBR (seed-
 *   compatible), average SoC, BRI>=50 and EFC higher, scarcity lower;
 * - the PV outage stays close to nominal predictive: mean post IEBR within 15 % (relative),
 *   average SoC and scarcity within 10 percentage points;
 * - the load spike drains the baseline (myopic under the spike) to its nominal scarcity or worse;
 * - the seed's reading of its load-spike column: the spike drains the predictive planner toward
 *   baseline-like scarcity (at least the baseline's minus 10 points, average SoC at most nominal
 *   predictive's). Where an outage hazard is priced the planner holds charge against outages, so
 *   a failure there says why;
 * - the reserve-aware planner lowers that scarcity (below the seed planner's under the spike);
 *   where a hazard is priced the reserve-aware planner is the deterministic one (its outage-risk
 *   term replaces the fixed reserve), so this check is marked not applicable;
 * - the stochastic planner leaves less load unserved than the deterministic one;
 * - ours: predictive beats baseline on import cost, unserved energy and total cost.
 * Reported beside them: the reserve-aware planner on the nominal week, row by row against the
 * baseline (a planner that holds charge; see checkDirections), and the oracle-import check
 * (oracleImportCheck): where the oracle imports what myopic imports, the failed rows say why
 * they cannot hold under correct physics.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import "../envs/index.js";
import { SEED_DEFECTS, type SeedDefectName } from "../envs/microgrid/index.js";
import type { Policy } from "../src/core/env.js";
import { ConfigError } from "../src/core/errors.js";
import { make } from "../src/core/registry.js";
import { ForecastScore } from "../src/forecast/index.js";
import { summarize, type Summary } from "../src/kpi/summary.js";
import { createSolver, type BackendChoice, type Solver } from "../src/solvers/index.js";
import { MicrogridMyopicPolicy } from "../baselines/microgrid/myopic.js";
import { MicrogridOraclePolicy } from "../baselines/microgrid/oracle.js";
import { MicrogridPredictivePolicy, PREDICTIVE_VARIANTS, type PredictiveVariant } from "../baselines/microgrid/predictive.js";
import { runEpisode } from "./evaluate.js";

/** One column of the reproduction: a controller on a scenario. */
export interface ReproductionRun {
  name: string;
  /** At most 12 characters: the column's header in the console tables. */
  short: string;
  scenario: "nominal" | "pv-outage" | "load-spike";
  policy: "myopic" | "oracle" | PredictiveVariant;
  /** Seed defects the run's env emulates (config `emulateSeedDefects`); none: our physics. */
  defects?: readonly SeedDefectName[];
}

export const REPRODUCTION_RUNS: readonly ReproductionRun[] = [
  { name: "baseline", short: "baseline", scenario: "nominal", policy: "myopic" },
  { name: "predictive", short: "predictive", scenario: "nominal", policy: "mpc" },
  { name: "pv-outage", short: "pv-outage", scenario: "pv-outage", policy: "mpc" },
  { name: "load-spike", short: "load-spike", scenario: "load-spike", policy: "mpc" },
  { name: "baseline-load-spike", short: "base-spike", scenario: "load-spike", policy: "myopic" },
  { name: "stochastic", short: "stochastic", scenario: "nominal", policy: "mpc-stochastic" },
  { name: "reserve", short: "reserve", scenario: "nominal", policy: "mpc-reserve" },
  { name: "load-spike-reserve", short: "spike-resv", scenario: "load-spike", policy: "mpc-reserve" },
  { name: "load-spike-stochastic", short: "spike-stoch", scenario: "load-spike", policy: "mpc-stochastic" },
  { name: "oracle", short: "oracle", scenario: "nominal", policy: "oracle" },
];

/**
 * The seed-defect row set (`emulateSeedDefects` option): the seed's four columns with every
 * defect on, then the baseline and the predictive planner with each defect alone, to tell
 * which defect moves which row.
 */
export const DEFECT_RUNS: readonly ReproductionRun[] = [
  { name: "baseline+defects", short: "base+all", scenario: "nominal", policy: "myopic", defects: SEED_DEFECTS },
  { name: "predictive+defects", short: "pred+all", scenario: "nominal", policy: "mpc", defects: SEED_DEFECTS },
  { name: "pv-outage+defects", short: "pv-out+all", scenario: "pv-outage", policy: "mpc", defects: SEED_DEFECTS },
  { name: "load-spike+defects", short: "spike+all", scenario: "load-spike", policy: "mpc", defects: SEED_DEFECTS },
  { name: "baseline+doubleSubtractedDischarge", short: "base+double", scenario: "nominal", policy: "myopic", defects: ["doubleSubtractedDischarge"] },
  { name: "predictive+doubleSubtractedDischarge", short: "pred+double", scenario: "nominal", policy: "mpc", defects: ["doubleSubtractedDischarge"] },
  { name: "baseline+uncappedDischargeOffer", short: "base+uncap", scenario: "nominal", policy: "myopic", defects: ["uncappedDischargeOffer"] },
  { name: "predictive+uncappedDischargeOffer", short: "pred+uncap", scenario: "nominal", policy: "mpc", defects: ["uncappedDischargeOffer"] },
  { name: "baseline+socReadInKwh", short: "base+kwh", scenario: "nominal", policy: "myopic", defects: ["socReadInKwh"] },
  { name: "predictive+socReadInKwh", short: "pred+kwh", scenario: "nominal", policy: "mpc", defects: ["socReadInKwh"] },
];

/** The seed's four Table 1 columns. */
export const SEED_COLUMNS = ["baseline", "predictive", "pv-outage", "load-spike"] as const;
type SeedColumn = (typeof SEED_COLUMNS)[number];

/** A row: our KPI key, its labels, the seed's values (null: not reported) and which way is better. */
export interface TableRow {
  key: string;
  label: string;
  /** At most 22 characters: the row's label in the console tables. */
  short: string;
  /** Decimals shown. */
  digits: number;
  seed: Record<SeedColumn, number | null>;
  /** Which way is "better" (null: reported, no direction). */
  better: "higher" | "lower" | null;
  /** A row of the seed's Table 1 (the others are ours: cost and lost load). */
  table1: boolean;
}

const NO_SEED = { baseline: null, predictive: null, "pv-outage": null, "load-spike": null } as const;

export const TABLE_ROWS: readonly TableRow[] = [
  { key: "cebrSeedPct", label: "final CEBR % (seed def.)", short: "CEBR % (seed def.)", digits: 2, seed: { baseline: 172.59, predictive: 279.13, "pv-outage": 269.27, "load-spike": null }, better: "higher", table1: true },
  { key: "cebrLocalPct", label: "final CEBR % (local)", short: "CEBR % (local)", digits: 2, seed: NO_SEED, better: null, table1: false },
  { key: "iebrSeedPostMeanPct", label: "mean IEBR post % (seed def.)", short: "IEBR post % (seed)", digits: 2, seed: { baseline: 214.53, predictive: 502.09, "pv-outage": 440.03, "load-spike": 414.13 }, better: "higher", table1: true },
  { key: "iebrLocalPostMeanPct", label: "mean IEBR post % (local)", short: "IEBR post % (local)", digits: 2, seed: NO_SEED, better: null, table1: false },
  { key: "avgSocPostPct", label: "avg SoC post %", short: "avg SoC post %", digits: 2, seed: { baseline: 18.63, predictive: 61.76, "pv-outage": 65.02, "load-spike": 10.57 }, better: "higher", table1: true },
  { key: "bri50PostPct", label: "BRI>=50 % of ticks", short: "BRI>=50 %", digits: 2, seed: { baseline: 17.86, predictive: 71.43, "pv-outage": 72.62, "load-spike": 8.43 }, better: "higher", table1: true },
  { key: "scarcityPostPct", label: "scarcity % of ticks", short: "scarcity %", digits: 2, seed: { baseline: 48.81, predictive: 11.9, "pv-outage": 7.14, "load-spike": 48.19 }, better: "lower", table1: true },
  { key: "efc", label: "EFC", short: "EFC", digits: 2, seed: { baseline: 12.58, predictive: 20.75, "pv-outage": null, "load-spike": null }, better: "higher", table1: true },
  { key: "forecastMaeLoadKw", label: "forecast MAE load kW", short: "MAE load kW", digits: 2, seed: { baseline: null, predictive: 7.56, "pv-outage": null, "load-spike": null }, better: null, table1: false },
  { key: "forecastMaePvKw", label: "forecast MAE PV kW", short: "MAE PV kW", digits: 2, seed: { baseline: null, predictive: 5.06, "pv-outage": null, "load-spike": null }, better: null, table1: false },
  { key: "selfSufficiency", label: "self-sufficiency (1 - import/load)", short: "self-sufficiency", digits: 3, seed: NO_SEED, better: null, table1: false },
  { key: "importKwh", label: "grid import kWh", short: "import kWh", digits: 0, seed: NO_SEED, better: null, table1: false },
  { key: "importCost", label: "import cost", short: "import cost", digits: 0, seed: NO_SEED, better: "lower", table1: false },
  { key: "unservedKwh", label: "unserved kWh", short: "unserved kWh", digits: 1, seed: NO_SEED, better: "lower", table1: false },
  { key: "totalCost", label: "total cost (import + VoLL x unserved)", short: "total cost", digits: 0, seed: NO_SEED, better: "lower", table1: false },
];

/** How one setting builds its envs and planners. */
export interface ReproductionSettingSpec {
  /** The registered env id every run makes. */
  envId: string;
  /** Env config beside the run's scenario. */
  env: Record<string, unknown>;
  /** Config every predictive planner gets beside its variant's. */
  planner: Record<string, unknown>;
  /**
   * `seed`: the planners forecast with the seed's quantile forest (SEED_FORECASTER, refitted at
   * every planning instant), the env's own forecaster off. `planner`: the planners' own default
   * forecast source, the env's forecast config at its default: whatever forecaster the planners
   * are built to serve them best with, so better planners change the numbers, not this file.
   */
  forecast: "seed" | "planner";
  description: string;
}

/**
 * The experiment's settings. `seed` (default): the seed's flat tariff and planner (re-plan every
 * 2 ticks, the LP's import objective). `tou-hold`: the alternative the seed's directions need
 * (see the closing note of issue 3): a time-of-use tariff (Microgrid-v0 `grid.tariff: tou`),
 * re-planning every tick and a holding value of 0.001 per kWh and tick on stored energy.
 * `resilience`: MicrogridResilience-v0 (time-of-use tariff, seeded random grid outages, lost
 * load at a value of lost load), the planners as they come: they read the outage hazard from
 * the env's reset info and value reserve by it.
 */
export const REPRODUCTION_SETTINGS = {
  seed: { envId: "Microgrid-v0", env: {}, planner: {}, forecast: "seed", description: "Microgrid-v0, the seed's flat tariff and planner" },
  "tou-hold": {
    envId: "Microgrid-v0", env: { grid: { tariff: { kind: "tou" } } }, planner: { replanEvery: 1, holdingValuePerKwhStep: 0.001 }, forecast: "seed",
    description: "Microgrid-v0 with a time-of-use tariff, hourly re-planning and a holding value on stored energy",
  },
  resilience: {
    envId: "MicrogridResilience-v0", env: {}, planner: {}, forecast: "planner",
    description: "MicrogridResilience-v0: time-of-use tariff, random grid outages, lost load priced at VoLL; the planners' own forecasts",
  },
} as const satisfies Record<string, ReproductionSettingSpec>;
export type ReproductionSetting = keyof typeof REPRODUCTION_SETTINGS;

/** One progress report: a seed of a run is done (`seed` null: the whole run is). */
export interface ReproductionProgress {
  run: string;
  /** 1-based index of the run, and the number of runs. */
  runIndex: number;
  runs: number;
  seed: number | null;
  /** Seeds of this run done so far, of `seedsTotal`. */
  seedsDone: number;
  seedsTotal: number;
  elapsedS: number;
}

export interface ReproduceOptions {
  seeds: number;
  /** The experiment's settings (default `seed`). */
  setting?: ReproductionSetting;
  firstSeed?: number;
  solver?: BackendChoice;
  /** The planners' forecaster (createForecaster config); default: the setting's (see ReproductionSettingSpec.forecast). */
  forecaster?: unknown;
  /** Directory for the trajectory CSVs, the JSON summary and the markdown tables; none: nothing written. */
  outDir?: string;
  /** Config merged over every env's (tests shorten episodes with it: episodeTicks, activationTick). */
  envConfig?: Record<string, unknown>;
  /** Only these runs (by name; default all). The direction checks that need a missing run are left out. */
  runs?: readonly string[];
  /** Called after each seed of each run and after each run. */
  onProgress?: (p: ReproductionProgress) => void;
  /** Add the seed-defect row set (DEFECT_RUNS) and its finding (ReproductionResult.seedDefects). */
  emulateSeedDefects?: boolean;
}

/** One of the seed's figures with the defects on and off. */
export interface SeedFigure {
  key: string;
  label: string;
  column: SeedColumn;
  seed: number;
  /** Our mean with correct physics, and with every defect on. */
  correct: number;
  emulated: number;
  /** Emulated minus correct, per seed. */
  paired: PairedDifference;
  /** Our correct mean is already within 10 % of the seed's value (relative). */
  matchesWithout: boolean;
  /** The emulated mean is within 10 % of the seed's value and the correct one is not: the defects bring the figure back. */
  reappears: boolean;
}

/** Do the seed's figures reappear with its code's defects emulated? */
export interface SeedDefectFinding {
  defects: readonly SeedDefectName[];
  figures: SeedFigure[];
  /** Table 1's directions (predictive beats baseline, ...) on the runs with every defect on. */
  directions: DirectionCheck[];
  /** Per defect alone, per row: its run's mean minus the correct run's, for baseline and predictive. */
  byDefect: Record<string, Record<string, { baseline: number; predictive: number }>>;
  summary: string;
}

/** Predictive minus baseline on one row, per seed: mean and the Student-t 95 % half-width over seeds. */
export interface PairedDifference extends Summary {
  /** The 95 % interval excludes 0. */
  excludesZero: boolean;
}

export interface DirectionCheck {
  name: string;
  holds: boolean;
  detail: string;
  /** The paired difference the check reads (run minus baseline, per seed), where it compares two runs. */
  paired?: PairedDifference;
  /** Why the direction cannot hold under correct physics (set where the oracle-import check explains it). */
  why?: string;
  /** The comparison means nothing in this setting (why says so); not counted as failed. */
  notApplicable?: boolean;
}

/**
 * Does the myopic rule already minimise what the seed's planner minimises? The oracle (perfect
 * foresight, the seed's import objective) against myopic on the nominal week: where the oracle's
 * import cost is within 0.5 % of myopic's, no import-minimising planner can beat myopic on import,
 * and holding charge (SoC, BRI, scarcity) or cycling more (EFC) can only cost import.
 */
export interface OracleImportCheck {
  /** The oracle imports what myopic imports (import cost within `tolerancePct`). */
  holds: boolean;
  tolerancePct: number;
  myopicImportKwh: number;
  oracleImportKwh: number;
  myopicImportCost: number;
  oracleImportCost: number;
  /** Oracle minus myopic import cost, per seed. */
  pairedImportCost: PairedDifference;
  /** (oracle - myopic) / myopic import cost, %. */
  gapPct: number;
  /** What holding charge costs: the reserve-aware planner's import cost minus myopic's (%), and its average SoC; null without that run. */
  reserve: { importCostPct: number; avgSocPostPct: number; myopicAvgSocPostPct: number } | null;
  explanation: string;
}

export interface ReproductionResult {
  experiment: "microgrid";
  setting: ReproductionSetting;
  env: string;
  description: string;
  seeds: number[];
  runs: { name: string; scenario: string; policy: string; kpis: Record<string, Summary> }[];
  /** Per run (not the baseline) and row key: run minus baseline, per seed. */
  paired: Record<string, Record<string, PairedDifference>>;
  directions: DirectionCheck[];
  oracleImport: OracleImportCheck | null;
  /** With the `emulateSeedDefects` option: the seed-defect finding; null otherwise. */
  seedDefects: SeedDefectFinding | null;
  files: string[];
}

/** The seed's forecaster schedule: the quantile forest refitted at every planning instant. */
export const SEED_FORECASTER = Object.freeze({ kind: "quantile-forest", refitEvery: 1 });

function policyFor(run: ReproductionRun, env: ReturnType<typeof make>, solver: Solver, seed: number, forecaster: unknown, planner: object): Policy {
  if (run.policy === "myopic") return new MicrogridMyopicPolicy();
  if (run.policy === "oracle") return new MicrogridOraclePolicy(env, solver);
  const forecast = forecaster === undefined ? {} : { forecast: { source: "forecaster", forecaster, seed } };
  return new MicrogridPredictivePolicy(solver, { ...PREDICTIVE_VARIANTS[run.policy], ...planner, ...forecast }, run.policy);
}

/** Forecast MAE of the planner's q50 over all planning instants, against the recorded truth. */
function forecastMae(policy: MicrogridPredictivePolicy, loadKw: Float64Array, pvKw: Float64Array): { load: number; pv: number } {
  const load = new ForecastScore();
  const pv = new ForecastScore();
  for (const f of policy.planningForecasts) {
    const steps = Math.min(f.loadKw.length, loadKw.length - f.tick - 1);
    if (steps <= 0) continue;
    const q = (a: Float64Array) => ({ q05: a, q50: a, q95: a });
    load.add(loadKw.subarray(f.tick + 1, f.tick + 1 + steps), q(f.loadKw), steps);
    pv.add(pvKw.subarray(f.tick + 1, f.tick + 1 + steps), q(f.pvKw), steps);
  }
  return { load: load.count > 0 ? load.mae : NaN, pv: pv.count > 0 ? pv.mae : NaN };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `over` merged into `base` key by key (objects merged, everything else replaced). */
function merged(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isPlainObject(v) && isPlainObject(base[k]) ? merged(base[k], v) : v;
  return out;
}

function pairedOf(values: readonly number[]): PairedDifference {
  const s = summarize(values);
  return { ...s, excludesZero: s.n > 1 && Number.isFinite(s.mean) && Math.abs(s.mean) > s.ci95 };
}

/** Runs every reproduction column over `seeds` seeds and checks the seed's directions. */
export async function reproduceMicrogrid(opts: ReproduceOptions): Promise<ReproductionResult> {
  const settingName = opts.setting ?? "seed";
  const setting: ReproductionSettingSpec | undefined = (REPRODUCTION_SETTINGS as Record<string, ReproductionSettingSpec>)[settingName];
  if (setting === undefined) {
    throw new ConfigError("reproduce microgrid", [{ path: "setting", expected: `one of ${Object.keys(REPRODUCTION_SETTINGS).join(", ")}`, received: JSON.stringify(settingName) }]);
  }
  const selected = [
    ...(opts.runs === undefined ? REPRODUCTION_RUNS : REPRODUCTION_RUNS.filter((r) => opts.runs!.includes(r.name))),
    ...(opts.emulateSeedDefects === true ? DEFECT_RUNS : []),
  ];
  const unknown = (opts.runs ?? []).filter((n) => !REPRODUCTION_RUNS.some((r) => r.name === n));
  if (unknown.length > 0 || selected.length === 0) {
    throw new ConfigError("reproduce microgrid", [{ path: "runs", expected: `names among ${REPRODUCTION_RUNS.map((r) => r.name).join(", ")}`, received: JSON.stringify(unknown.length > 0 ? unknown : opts.runs) }]);
  }
  const solver = await createSolver({ backend: opts.solver ?? "auto" });
  const first = opts.firstSeed ?? 0;
  const seeds = Array.from({ length: opts.seeds }, (_, i) => first + i);
  const forecaster = opts.forecaster ?? (setting.forecast === "seed" ? SEED_FORECASTER : undefined);
  // the env forecasts only for planners that read it (no own forecaster)
  const envBase = merged(setting.env, forecaster === undefined ? {} : { forecast: { model: "off" } });
  const files: string[] = [];
  if (opts.outDir !== undefined) mkdirSync(opts.outDir, { recursive: true });
  const runs: ReproductionResult["runs"] = [];
  const perSeedByRun = new Map<string, Record<string, number>[]>();
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  for (const [ri, run] of selected.entries()) {
    const perSeed: Record<string, number>[] = [];
    for (const seed of seeds) {
      const defects = Object.fromEntries((run.defects ?? []).map((d) => [d, true]));
      const env = make(setting.envId, merged(merged(envBase, opts.envConfig ?? {}), { scenario: run.scenario, ...(run.defects === undefined ? {} : { emulateSeedDefects: defects }) }));
      try {
        const policy = policyFor(run, env, solver, seed, forecaster, setting.planner);
        const ep = runEpisode(env, policy, seed);
        const kpis: Record<string, number> = { ...ep.kpis, return: ep.return };
        if (policy instanceof MicrogridPredictivePolicy) {
          const mae = forecastMae(policy, ep.trajectory!.column("loadKw"), ep.trajectory!.column("pvKw"));
          kpis["forecastMaeLoadKw"] = mae.load;
          kpis["forecastMaePvKw"] = mae.pv;
        }
        perSeed.push(kpis);
        if (opts.outDir !== undefined) {
          const file = join(opts.outDir, `${run.name}-seed${seed}.csv`);
          writeFileSync(file, ep.trajectory!.toCSV());
          files.push(file);
        }
      } finally {
        env.close();
      }
      opts.onProgress?.({ run: run.name, runIndex: ri + 1, runs: selected.length, seed, seedsDone: perSeed.length, seedsTotal: seeds.length, elapsedS: elapsed() });
    }
    opts.onProgress?.({ run: run.name, runIndex: ri + 1, runs: selected.length, seed: null, seedsDone: perSeed.length, seedsTotal: seeds.length, elapsedS: elapsed() });
    perSeedByRun.set(run.name, perSeed);
    const keys = Object.keys(perSeed[0]!);
    const kpis = Object.fromEntries(keys.map((k) => [k, summarize(perSeed.map((p) => p[k]!))]));
    runs.push({ name: run.name, scenario: run.scenario, policy: run.policy, kpis });
  }
  const paired: ReproductionResult["paired"] = {};
  const base = perSeedByRun.get("baseline");
  if (base !== undefined) {
    for (const [name, perSeed] of perSeedByRun) {
      if (name === "baseline") continue;
      const rows: Record<string, PairedDifference> = {};
      for (const row of TABLE_ROWS) {
        const d = perSeed.map((p, i) => (p[row.key] ?? NaN) - (base[i]![row.key] ?? NaN));
        if (d.every(Number.isFinite)) rows[row.key] = pairedOf(d);
      }
      paired[name] = rows;
    }
  }
  const oracleImport = oracleImportCheck(perSeedByRun);
  const result: ReproductionResult = {
    experiment: "microgrid", setting: settingName, env: setting.envId, description: setting.description, seeds, runs, paired,
    directions: checkDirections(runs.filter((x) => !x.name.includes("+")), paired, oracleImport, { hazardPriced: setting.envId === "MicrogridResilience-v0" }), oracleImport,
    seedDefects: opts.emulateSeedDefects === true ? seedDefectFinding(runs, perSeedByRun) : null, files,
  };
  if (opts.outDir !== undefined) {
    const json = join(opts.outDir, "reproduce-microgrid.json");
    const md = join(opts.outDir, "reproduce-microgrid.md");
    result.files.push(json, md);
    writeFileSync(md, formatReproductionMarkdown(result));
    writeFileSync(json, JSON.stringify(result, null, 2));
  }
  return result;
}

/** The seed's figures that the defects might explain: Table 1's rows where the seed's value is far from ours. */
const DEFECT_FIGURE_KEYS = ["cebrSeedPct", "iebrSeedPostMeanPct", "avgSocPostPct", "bri50PostPct", "scarcityPostPct", "efc"];

/** The seed-defect finding from the correct runs and their `+defects` twins (SeedDefectFinding). */
export function seedDefectFinding(runs: ReproductionResult["runs"], perSeedByRun: ReadonlyMap<string, readonly Record<string, number>[]>): SeedDefectFinding {
  const mean = (run: string, key: string): number => runs.find((r) => r.name === run)?.kpis[key]?.mean ?? NaN;
  const figures: SeedFigure[] = [];
  for (const row of TABLE_ROWS.filter((r) => DEFECT_FIGURE_KEYS.includes(r.key))) {
    for (const column of SEED_COLUMNS) {
      const seed = row.seed[column];
      const on = perSeedByRun.get(`${column}+defects`);
      const off = perSeedByRun.get(column);
      if (seed === null || on === undefined || off === undefined) continue;
      const emulated = mean(`${column}+defects`, row.key);
      figures.push({
        key: row.key, label: row.label, column, seed, correct: mean(column, row.key), emulated,
        paired: pairedOf(on.map((x, i) => x[row.key]! - off[i]![row.key]!)),
        matchesWithout: Math.abs(mean(column, row.key) - seed) <= 0.1 * Math.abs(seed),
        reappears: Math.abs(emulated - seed) <= 0.1 * Math.abs(seed) && Math.abs(mean(column, row.key) - seed) > 0.1 * Math.abs(seed),
      });
    }
  }
  // the seed's directions on the emulated runs: the same checks, the "+defects" runs in their twins' places
  const twins = runs.filter((r) => r.name.endsWith("+defects")).map((r) => ({ ...r, name: r.name.slice(0, -"+defects".length) }));
  const directions = checkDirections(twins).filter((d) => d.name.startsWith("predictive beats baseline:") || d.name.startsWith("PV outage") || d.name.startsWith("load spike"));
  const byDefect: SeedDefectFinding["byDefect"] = {};
  for (const d of SEED_DEFECTS) {
    const rows: Record<string, { baseline: number; predictive: number }> = {};
    for (const key of [...DEFECT_FIGURE_KEYS, "importKwh"]) {
      rows[key] = { baseline: mean(`baseline+${d}`, key) - mean("baseline", key), predictive: mean(`predictive+${d}`, key) - mean("predictive", key) };
    }
    byDefect[d] = rows;
  }
  const back = figures.filter((f) => f.reappears);
  const pick = (key: string, column: SeedColumn) => figures.find((f) => f.key === key && f.column === column);
  const say = (f: SeedFigure | undefined) => (f === undefined ? "" : `${f.label} ${f.column}: seed ${f.seed.toFixed(2)}, ours ${f.correct.toFixed(2)} correct, ${f.emulated.toFixed(2)} with the defects`);
  const held = directions.filter((d) => d.name.startsWith("predictive beats baseline:") && d.holds).length;
  const of = directions.filter((d) => d.name.startsWith("predictive beats baseline:")).length;
  const already = figures.filter((f) => f.matchesWithout);
  const summary = `${back.length === 0 ? "None" : back.length} of the seed's ${figures.length} Table 1 figures reappear${back.length === 0 ? "" : ` (${back.map((f) => `${f.label} ${f.column}`).join(", ")})`} with the three defects emulated (within 10 % of the seed's value, and not within it without them; ${already.length} already are without them${already.length === 0 ? "" : `: ${already.map((f) => `${f.label} ${f.column}`).join(", ")}`}). `
    + `${[say(pick("cebrSeedPct", "predictive")), say(pick("efc", "predictive"))].filter((x) => x !== "").join("; ")}. `
    + `With the defects, predictive beats baseline on ${held} of ${of} Table 1 rows.`;
  return { defects: SEED_DEFECTS, figures, directions, byDefect, summary };
}

/** The oracle-imports-what-myopic-imports check (OracleImportCheck); null without both runs. */
export function oracleImportCheck(perSeedByRun: ReadonlyMap<string, readonly Record<string, number>[]>, tolerancePct = 0.5): OracleImportCheck | null {
  const m = perSeedByRun.get("baseline");
  const o = perSeedByRun.get("oracle");
  if (m === undefined || o === undefined) return null;
  const mean = (rows: readonly Record<string, number>[], k: string) => rows.reduce((a, r) => a + r[k]!, 0) / rows.length;
  const myopicImportCost = mean(m, "importCost");
  const oracleImportCost = mean(o, "importCost");
  const gapPct = (100 * (oracleImportCost - myopicImportCost)) / myopicImportCost;
  const holds = Math.abs(gapPct) <= tolerancePct;
  const r = perSeedByRun.get("reserve");
  const reserve = r === undefined ? null : {
    importCostPct: (100 * (mean(r, "importCost") - myopicImportCost)) / myopicImportCost,
    avgSocPostPct: mean(r, "avgSocPostPct"),
    myopicAvgSocPostPct: mean(m, "avgSocPostPct"),
  };
  const f0 = (v: number) => v.toFixed(0);
  const numbers = `oracle import cost ${f0(oracleImportCost)} vs myopic ${f0(myopicImportCost)} (${gapPct >= 0 ? "+" : ""}${gapPct.toFixed(2)} %; `
    + `import ${f0(mean(o, "importKwh"))} vs ${f0(mean(m, "importKwh"))} kWh)`;
  const price = reserve === null ? "" : ` Holding charge has a price and no value here: the reserve-aware planner keeps SoC at ${reserve.avgSocPostPct.toFixed(1)} % (myopic ${reserve.myopicAvgSocPostPct.toFixed(1)} %) and pays ${reserve.importCostPct >= 0 ? "+" : ""}${reserve.importCostPct.toFixed(2)} % import cost for it.`;
  const explanation = holds
    ? `The perfect-foresight oracle, minimising import as the seed's planner does, imports what the myopic rule imports: ${numbers}. So the myopic rule already minimises the planner's objective; a planner that minimises import can at best tie it on import, and it has no reason to hold charge (SoC, BRI>=50, scarcity) or to cycle more (EFC): every kWh held back from a deficit is a kWh imported.${price}`
    : `The oracle's import cost differs from the myopic rule's (${numbers}): here the myopic rule does not already minimise what the planners minimise, so the physics does not rule out any direction.`;
  return {
    holds, tolerancePct, myopicImportKwh: mean(m, "importKwh"), oracleImportKwh: mean(o, "importKwh"), myopicImportCost, oracleImportCost,
    pairedImportCost: pairedOf(o.map((x, i) => x["importCost"]! - m[i]!["importCost"]!)), gapPct, reserve, explanation,
  };
}

const fmt = (v: number) => v.toFixed(2);
const ciText = (p: PairedDifference | undefined, digits = 2) => (p === undefined ? "" : `; paired difference ${p.mean.toFixed(digits)} ± ${p.ci95.toFixed(digits)} (95 % CI${p.excludesZero ? ", excludes 0" : ", includes 0"})`);

/** The rows whose failure the oracle-import check explains: holding charge or cycling more. */
const HOLDING_ROWS = new Set(["avgSocPostPct", "bri50PostPct", "scarcityPostPct", "efc", "cebrSeedPct", "iebrSeedPostMeanPct", "importCost"]);

/**
 * The seed's directions on the means over seeds (tolerances in the file header), each comparison of
 * two runs with its paired difference; where the oracle-import check holds, each failed Table 1
 * row says why it cannot hold.
 */
export function checkDirections(
  runs: ReproductionResult["runs"], paired: ReproductionResult["paired"] = {}, oracleImport: OracleImportCheck | null = null,
  opts: { hazardPriced?: boolean } = {},
): DirectionCheck[] {
  const has = (run: string) => runs.some((r) => r.name === run);
  const mean = (run: string, key: string): number => runs.find((r) => r.name === run)?.kpis[key]?.mean ?? NaN;
  const checks: DirectionCheck[] = [];
  const why = (key: string) => (oracleImport?.holds === true && HOLDING_ROWS.has(key) ? oracleImport.explanation : undefined);
  if (has("baseline") && has("predictive")) {
    for (const row of TABLE_ROWS) {
      if (row.better === null) continue;
      const b = mean("baseline", row.key);
      const p = mean("predictive", row.key);
      if (!Number.isFinite(b) || !Number.isFinite(p)) continue;
      // our rows where neither run has any (no lost load without outages): nothing to compare
      if (!row.table1 && Math.abs(b) < 1e-6 && Math.abs(p) < 1e-6) continue;
      // equal within floating-point noise: a tie, which beats nothing
      const tie = Math.abs(p - b) <= 1e-6 * Math.max(1, Math.abs(b));
      const holds = !tie && (row.better === "higher" ? p > b : p < b);
      const pd = paired["predictive"]?.[row.key];
      const check: DirectionCheck = {
        name: `predictive beats baseline${row.table1 ? "" : " (ours)"}: ${row.label}`, holds,
        detail: `predictive ${fmt(p)} vs baseline ${fmt(b)} (${row.better} is better${tie ? "; a tie" : ""})${ciText(pd)}`,
      };
      if (pd !== undefined) check.paired = pd;
      const w = holds ? undefined : row.key === "importCost" && opts.hazardPriced === true
        ? "holding charge against outages costs import: the planners minimise the total cost, which prices lost load at VoLL"
        : why(row.key);
      if (w !== undefined) check.why = w;
      checks.push(check);
    }
  }
  const socP = mean("predictive", "avgSocPostPct");
  const scP = mean("predictive", "scarcityPostPct");
  if (has("predictive") && has("pv-outage")) {
    const iebrP = mean("predictive", "iebrSeedPostMeanPct");
    const iebrO = mean("pv-outage", "iebrSeedPostMeanPct");
    const socO = mean("pv-outage", "avgSocPostPct");
    const scO = mean("pv-outage", "scarcityPostPct");
    checks.push({
      name: "PV outage stays close to nominal predictive",
      holds: Math.abs(iebrO - iebrP) <= 0.15 * Math.abs(iebrP) && Math.abs(socO - socP) <= 10 && Math.abs(scO - scP) <= 10,
      detail: `IEBR ${fmt(iebrO)} vs ${fmt(iebrP)} (within 15 %), SoC ${fmt(socO)} vs ${fmt(socP)}, scarcity ${fmt(scO)} vs ${fmt(scP)} (within 10 points)`,
    });
  }
  const scS = mean("load-spike", "scarcityPostPct");
  const scB = mean("baseline", "scarcityPostPct");
  if (has("baseline-load-spike") && has("baseline")) {
    const scBS = mean("baseline-load-spike", "scarcityPostPct");
    const pd = paired["baseline-load-spike"]?.["scarcityPostPct"];
    const check: DirectionCheck = {
      name: "load spike drains the baseline to its nominal scarcity or worse",
      holds: scBS >= scB,
      detail: `baseline under the spike ${fmt(scBS)} vs nominal ${fmt(scB)} (scarcity %)${ciText(pd)}`,
    };
    if (pd !== undefined) check.paired = pd;
    checks.push(check);
  }
  // What the seed reads from its load-spike column: the predictive planner drained as the baseline is.
  const spikeWhy = "an outage hazard is priced here: the planner holds charge against outages (lost load at VoLL), so a load spike no longer drains it as it drains the import-minimising seed planner";
  if (has("load-spike") && has("baseline") && has("predictive")) {
    const socS = mean("load-spike", "avgSocPostPct");
    const toward: DirectionCheck = {
      name: "load spike drains the predictive planner toward baseline-like scarcity (seed's reading)",
      holds: scS >= scB - 10 && socS <= socP,
      detail: `scarcity ${fmt(scS)} vs baseline ${fmt(scB)} (at least baseline - 10), SoC ${fmt(socS)} vs nominal predictive ${fmt(socP)} (at most)`,
    };
    const worse: DirectionCheck = {
      name: "load spike drains the predictive planner to the baseline's nominal scarcity or worse (seed's reading)",
      holds: scS >= scB,
      detail: `scarcity ${fmt(scS)} vs baseline ${fmt(scB)}${ciText(paired["load-spike"]?.["scarcityPostPct"])}`,
    };
    for (const c of [toward, worse]) {
      if (!c.holds && opts.hazardPriced === true) c.why = spikeWhy;
      checks.push(c);
    }
  }
  if (has("load-spike-reserve") && has("load-spike")) {
    const scR = mean("load-spike-reserve", "scarcityPostPct");
    const c: DirectionCheck = { name: "reserve-aware planner lowers the load-spike scarcity", holds: scR < scS, detail: `scarcity ${fmt(scR)} vs ${fmt(scS)}` };
    if (opts.hazardPriced === true) {
      c.notApplicable = true;
      c.why = "not applicable where a hazard is priced: the outage-risk term replaces the fixed reserve, so the reserve-aware planner is the deterministic one (a tie by construction)";
    }
    checks.push(c);
  }
  if (has("stochastic") && has("predictive")) {
    const uT = mean("stochastic", "unservedKwh");
    const uP = mean("predictive", "unservedKwh");
    // without outages neither leaves load unserved: nothing to compare
    if (!(Math.abs(uT) < 1e-6 && Math.abs(uP) < 1e-6)) checks.push({
      name: "stochastic planner has less unserved energy than the deterministic one (nominal week)",
      holds: uT < uP,
      detail: `unserved ${fmt(uT)} vs ${fmt(uP)} kWh`,
    });
  }
  // The seed planner's objective (grid import) gives no reason to hold charge where the myopic
  // rule already imports the least. The reserve-aware planner holds charge by constraint; its
  // rows on the nominal week show which of Table 1's directions a planner that holds charge gives.
  if (has("reserve") && has("baseline")) {
    const rowsHeld = TABLE_ROWS.filter((row) => row.table1 && row.better !== null).map((row) => {
      const b = mean("baseline", row.key), r = mean("reserve", row.key);
      return { label: row.label, holds: row.better === "higher" ? r > b : r < b, detail: `${fmt(r)} vs ${fmt(b)}` };
    });
    checks.push({
      name: `reserve-aware planner (nominal week) beats baseline on ${rowsHeld.filter((x) => x.holds).length} of ${rowsHeld.length} Table 1 rows (reported, not required)`,
      holds: rowsHeld.every((x) => x.holds),
      detail: rowsHeld.map((x) => `${x.label} ${x.detail}${x.holds ? "" : " (not)"}`).join("; "),
    });
  }
  if (has("load-spike-stochastic") && has("load-spike")) {
    const scT = mean("load-spike-stochastic", "scarcityPostPct");
    checks.push({ name: "stochastic planner lowers the load-spike scarcity (seed's future work; reported, not required)", holds: scT < scS - 0.005, detail: `scarcity ${fmt(scT)} vs ${fmt(scS)}` });
  }
  return checks;
}

/** A check's verdict as the tables print it. */
const verdict = (d: DirectionCheck) => (d.notApplicable === true ? "n/a" : d.holds ? "holds" : "FAILS");
/** A check's own `why`, left out where it is the oracle-import check's explanation (printed once, below the checks). */
const ownWhy = (r: ReproductionResult, d: DirectionCheck) => (d.why === undefined || d.why === r.oracleImport?.explanation ? undefined : d.why);

/** The console's width limit: tables are split into column groups that fit it. */
export const CONSOLE_WIDTH = 100;

interface Column {
  header: string;
  cells: string[];
}

/** Lays out `label` and `columns` in groups of columns that each fit `width` characters, the label column repeated. */
export function layoutTable(labelHeader: string, labels: readonly string[], columns: readonly Column[], width = CONSOLE_WIDTH): string {
  const lw = Math.max(labelHeader.length, ...labels.map((l) => l.length));
  const widthOf = (c: Column) => Math.max(c.header.length, ...c.cells.map((x) => x.length));
  const groups: Column[][] = [];
  let current: Column[] = [];
  let used = lw;
  for (const c of columns) {
    const w = widthOf(c) + 2;
    if (current.length > 0 && used + w > width) {
      groups.push(current);
      current = [];
      used = lw;
    }
    current.push(c);
    used += w;
  }
  if (current.length > 0) groups.push(current);
  return groups.map((g) => {
    const ws = g.map(widthOf);
    const line = (label: string, cells: string[]) => [label.padEnd(lw), ...cells.map((x, i) => x.padStart(ws[i]!))].join("  ");
    return [
      line(labelHeader, g.map((c) => c.header)),
      [lw, ...ws].map((w) => "-".repeat(w)).join("  "),
      ...labels.map((l, r) => line(l, g.map((c) => c.cells[r]!))),
    ].join("\n");
  }).join("\n\n");
}

function meanCell(r: ReproductionResult, run: string, row: TableRow, withStd: boolean): string {
  const s = r.runs.find((x) => x.name === run)?.kpis[row.key];
  if (s === undefined || !Number.isFinite(s.mean)) return "-";
  return withStd ? `${s.mean.toFixed(row.digits)} ± ${s.std.toFixed(row.digits)}` : s.mean.toFixed(row.digits);
}

function pairedCell(r: ReproductionResult, run: string, row: TableRow): string {
  const p = r.paired[run]?.[row.key];
  if (p === undefined) return "-";
  const d = Math.max(row.digits, 1);
  return `${p.mean >= 0 ? "+" : ""}${p.mean.toFixed(d)} ± ${p.ci95.toFixed(d)}${p.excludesZero ? "" : " ~"}`;
}

function seedCell(row: TableRow, run: string): string {
  const v = (row.seed as Record<string, number | null>)[run];
  return v === undefined || v === null ? "-" : v.toFixed(2);
}

/** The reproduction as text that fits 100 columns: the seed's values beside our means, the paired difference, then the other runs, the directions. */
export function formatReproduction(r: ReproductionResult): string {
  const names = r.runs.map((x) => x.name);
  const short = (n: string) => REPRODUCTION_RUNS.find((x) => x.name === n)?.short ?? n;
  const rows = TABLE_ROWS.filter((row) => r.runs.some((x) => Number.isFinite(x.kpis[row.key]?.mean ?? NaN)));
  const labels = rows.map((row) => row.short);
  const columns: Column[] = [];
  for (const c of SEED_COLUMNS) {
    if (!names.includes(c)) continue;
    columns.push({ header: `${short(c)} seed`.slice(0, 16), cells: rows.map((row) => seedCell(row, c)) });
    columns.push({ header: short(c), cells: rows.map((row) => meanCell(r, c, row, false)) });
    if (c === "predictive" && r.paired["predictive"] !== undefined) {
      columns.push({ header: "pred - base (CI)", cells: rows.map((row) => pairedCell(r, "predictive", row)) });
    }
  }
  for (const n of names) {
    if (!(SEED_COLUMNS as readonly string[]).includes(n) && !n.includes("+")) columns.push({ header: short(n), cells: rows.map((row) => meanCell(r, n, row, false)) });
  }
  const lines = [
    `${r.env}, seed 001 Table 1 reproduction, setting ${r.setting}`,
    `${r.seeds.length} seeds (${r.seeds[0]}..${r.seeds[r.seeds.length - 1]}); ours = mean over seeds; pred - base: predictive minus`,
    "baseline per seed, mean ± 95 % CI (Student t), ~: the CI includes 0",
    "",
    layoutTable("metric", labels, columns),
    "",
    "Directions:",
    ...r.directions.flatMap((d) => wrap(`[${verdict(d)}] ${d.name}: ${d.detail}${ownWhy(r, d) === undefined ? "" : `. Why: ${ownWhy(r, d)}`}`, "  ", "      ")),
  ];
  if (r.oracleImport !== null) lines.push("", ...wrap(`Oracle-import check [${r.oracleImport.holds ? "holds" : "does not hold"}]: ${r.oracleImport.explanation}`, "", "  "));
  if (r.seedDefects !== null) lines.push("", formatSeedDefects(r));
  return lines.join("\n");
}

/** The seed-defect rows for the console: each seed column's value, ours correct and ours with every defect on, then the finding. */
function formatSeedDefects(r: ReproductionResult): string {
  const f = r.seedDefects!;
  const rows = TABLE_ROWS.filter((row) => DEFECT_FIGURE_KEYS.includes(row.key) || row.key === "importKwh");
  const columns: Column[] = [];
  for (const c of SEED_COLUMNS) {
    if (!r.runs.some((x) => x.name === `${c}+defects`)) continue;
    const head = c === "pv-outage" ? "pv-out" : c === "load-spike" ? "spike" : c === "predictive" ? "pred" : "base";
    columns.push({ header: `${head} seed`, cells: rows.map((row) => seedCell(row, c)) });
    columns.push({ header: head, cells: rows.map((row) => meanCell(r, c, row, false)) });
    columns.push({ header: `${head}+defects`, cells: rows.map((row) => meanCell(r, `${c}+defects`, row, false)) });
  }
  return [
    ...wrap(`Seed defects emulated (${f.defects.join(", ")}): the seed's value, ours correct, ours with every defect on`, "", "  "),
    "",
    layoutTable("metric", rows.map((row) => row.short), columns),
    "",
    ...wrap(f.summary, "", "  "),
    ...f.directions.flatMap((d) => wrap(`[${d.holds ? "holds" : "FAILS"}] with defects: ${d.name}: ${d.detail}`, "  ", "      ")),
  ].join("\n");
}

/** `text` broken at spaces into lines of at most CONSOLE_WIDTH characters, the first indented by `first`, the rest by `rest`. */
function wrap(text: string, first: string, rest: string): string[] {
  const out: string[] = [];
  let line = first;
  for (const word of text.split(" ")) {
    const indent = out.length === 0 ? first : rest;
    if (line.length > indent.length && line.length + 1 + word.length > CONSOLE_WIDTH) {
      out.push(line);
      line = rest + word;
    } else {
      line = line.length > indent.length ? `${line} ${word}` : line + word;
    }
  }
  out.push(line);
  return out;
}

/** The wide tables as markdown: every run's mean ± std with the seed's values, then every run's paired difference to the baseline. */
export function formatReproductionMarkdown(r: ReproductionResult): string {
  const names = r.runs.map((x) => x.name);
  const rows = TABLE_ROWS.filter((row) => r.runs.some((x) => Number.isFinite(x.kpis[row.key]?.mean ?? NaN)));
  const md = (cells: string[]) => `| ${cells.join(" | ")} |`;
  const header = ["metric", ...names.flatMap((n) => ((SEED_COLUMNS as readonly string[]).includes(n) ? [`${n} (seed)`, `${n} (ours)`] : [n]))];
  const out = [
    `# ${r.env}: seed 001 Table 1 reproduction, setting ${r.setting}`,
    "",
    `${r.description}. ${r.seeds.length} seeds (${r.seeds[0]}..${r.seeds[r.seeds.length - 1]}); ours = mean ± std over seeds.`,
    "",
    md(header),
    md(header.map(() => "---")),
    ...rows.map((row) => md([row.label, ...names.flatMap((n) => ((SEED_COLUMNS as readonly string[]).includes(n) ? [seedCell(row, n), meanCell(r, n, row, true)] : [meanCell(r, n, row, true)]))])),
  ];
  const pairedRuns = names.filter((n) => r.paired[n] !== undefined);
  if (pairedRuns.length > 0) {
    out.push("", "Run minus baseline, per seed: mean ± 95 % CI (Student t); ~ marks a CI that includes 0.", "", md(["metric", ...pairedRuns]), md(["---", ...pairedRuns.map(() => "---")]));
    out.push(...rows.map((row) => md([row.label, ...pairedRuns.map((n) => pairedCell(r, n, row))])));
  }
  out.push("", "## Directions", "", ...r.directions.map((d) => `- **${verdict(d).toLowerCase()}**: ${d.name}: ${d.detail}${d.why === undefined ? "" : ` Why: ${ownWhy(r, d) ?? "see the oracle-import check"}.`}`));
  if (r.oracleImport !== null) out.push("", "## Oracle-import check", "", r.oracleImport.explanation);
  if (r.seedDefects !== null) {
    const f = r.seedDefects;
    out.push("", "## Seed defects emulated", "", f.summary, "", md(["figure", "column", "seed", "ours (correct)", "ours (defects)", "defects - correct (per seed, 95 % CI)", "reappears"]), md(Array(7).fill("---")));
    for (const x of f.figures) {
      out.push(md([x.label, x.column, x.seed.toFixed(2), x.correct.toFixed(2), x.emulated.toFixed(2), `${x.paired.mean.toFixed(2)} ± ${x.paired.ci95.toFixed(2)}`, x.reappears ? "yes" : "no"]));
    }
    out.push("", "Each defect alone, its run's mean minus the correct run's (baseline / predictive):", "", md(["defect", ...DEFECT_FIGURE_KEYS, "importKwh"]), md(Array(DEFECT_FIGURE_KEYS.length + 2).fill("---")));
    for (const [d, rows] of Object.entries(f.byDefect)) out.push(md([d, ...Object.values(rows).map((v) => `${v.baseline.toFixed(2)} / ${v.predictive.toFixed(2)}`)]));
    out.push("", "With the defects:", "", ...f.directions.map((d) => `- **${d.holds ? "holds" : "fails"}**: ${d.name}: ${d.detail}`));
  }
  return out.join("\n") + "\n";
}
