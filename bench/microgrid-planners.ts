/**
 * The microgrid planners against the myopic rule, seed by seed (paired: every policy of one
 * seed sees the same weather, load and outages), in two settings:
 *
 * - `seed`: Microgrid-v0 as registered (flat tariff, its default forecast config), import cost;
 *   the MPC on each forecaster it can plan on (the env's blocks, its own persistence,
 *   seasonal-naive, quantile forest, and a blend), plus perfect forecasts as a reference;
 * - `resilience`: MicrogridResilience-v0 as registered (TOU tariff, outages, VoLL), total cost
 *   (import + VoLL x unserved), unserved energy and the Table 1 rows, for myopic, mpc,
 *   mpc-stochastic and the oracle, nominal and under the load spike.
 *
 *   npx tsx bench/microgrid-planners.ts [seed|tou|seed-spike|resilience|spike|all] [seeds=10] [only=name,...]
 *
 * Columns beyond the named planners are the measurements behind their defaults: the MPC on
 * each forecaster, longer horizons, the stochastic planner risk-neutral and at other CVaR
 * weights, non-anticipativity over both ticks a plan is applied, the outage term off.
 *
 * Prints, per policy, the mean of each KPI and its paired difference to myopic with a 95 % CI
 * (Student t over seeds), and diagnostics of where import comes from: grid energy that went
 * into a battery (min(import, charge) per tick), surplus spilled (export + curtailment) and
 * import taken while the batteries held charge above their floor. The LP runs on the default
 * backend ("auto"). Timings on a shared machine are noisy.
 */
import "../envs/index.js";
import type { Policy } from "../src/core/env.js";
import { make } from "../src/core/registry.js";
import { createSolver, type Solver } from "../src/solvers/index.js";
import { MicrogridMyopicPolicy } from "../baselines/microgrid/myopic.js";
import { MicrogridOraclePolicy } from "../baselines/microgrid/oracle.js";
import { MicrogridPredictivePolicy, PREDICTIVE_VARIANTS } from "../baselines/microgrid/predictive.js";
import { runEpisode } from "../training/evaluate.js";

const which = process.argv[2] ?? "all";
const nSeeds = Number(process.argv[3] ?? 10);
const only = process.argv[4]?.split(",") ?? null;
const seeds = Array.from({ length: nSeeds }, (_, i) => i);

/** Two-sided 95 % Student t quantiles by degrees of freedom (1..30; 1.96 beyond). */
const T95 = [NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

interface Column {
  name: string;
  env: string;
  envConfig: object;
  make(env: ReturnType<typeof make>, solver: Solver, seed: number): Policy;
}

function mpc(name: string, env: string, envConfig: object, config: object): Column {
  return { name, env, envConfig, make: (_e, solver) => new MicrogridPredictivePolicy(solver, config, name) };
}

function diagnostics(ep: ReturnType<typeof runEpisode>): Record<string, number> {
  const tr = ep.trajectory!;
  const imp = tr.column("importKw"), ch = tr.column("chargeKw"), exp = tr.column("exportKw"), curt = tr.column("curtailmentKw");
  const soc = tr.column("soc"), load = tr.column("loadKw"), pv = tr.column("pvKw");
  let gridToBattery = 0, spilled = 0, importWithCharge = 0;
  for (let k = 0; k < imp.length; k++) {
    gridToBattery += Math.min(imp[k]!, ch[k]!);
    spilled += exp[k]! + curt[k]!;
    // import in a deficit tick while the batteries started it above 12 % (floor 10 %, plus a margin)
    if (k > 0 && imp[k]! > 1e-6 && load[k]! > pv[k]! && soc[k - 1]! > 0.12) importWithCharge += imp[k]!;
  }
  return { gridToBatteryKwh: gridToBattery, spilledKwh: spilled, importWithChargeKwh: importWithCharge };
}

function mean(a: number[]): number {
  return a.reduce((s, v) => s + v, 0) / a.length;
}

/** Mean and 95 % CI half-width of a paired difference. */
function ci(d: number[]): { mean: number; half: number } {
  const m = mean(d);
  const n = d.length;
  if (n < 2) return { mean: m, half: NaN };
  const sd = Math.sqrt(d.reduce((s, v) => s + (v - m) ** 2, 0) / (n - 1));
  return { mean: m, half: ((T95[n - 1] ?? 1.96) * sd) / Math.sqrt(n) };
}

async function runColumns(title: string, columns: Column[], keys: string[], digits: Record<string, number>): Promise<void> {
  const solver = await createSolver({ backend: "auto" });
  const results = new Map<string, Record<string, number>[]>();
  for (const col of columns) {
    if (only !== null && col.name !== "myopic" && !only.includes(col.name)) continue;
    const t0 = performance.now();
    const per: Record<string, number>[] = [];
    for (const seed of seeds) {
      const env = make(col.env, col.envConfig);
      try {
        const ep = runEpisode(env, col.make(env, solver, seed), seed);
        per.push({ ...ep.kpis, ...diagnostics(ep) });
      } finally {
        env.close();
      }
    }
    results.set(col.name, per);
    process.stderr.write(`${title} ${col.name}: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  const base = results.get("myopic")!;
  console.log(`\n## ${title} (${seeds.length} seeds; difference to myopic, paired, 95 % CI)\n`);
  const header = ["policy", ...keys];
  const rows: string[][] = [];
  for (const [name, per] of results) {
    const row = [name];
    for (const key of keys) {
      const v = per.map((p) => p[key]!);
      const dg = digits[key] ?? 1;
      if (name === "myopic") row.push(mean(v).toFixed(dg));
      else {
        const d = ci(v.map((x, i) => x - base[i]![key]!));
        row.push(`${mean(v).toFixed(dg)} (${d.mean >= 0 ? "+" : ""}${d.mean.toFixed(dg)} ± ${d.half.toFixed(dg)})`);
      }
    }
    rows.push(row);
  }
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (cells: string[]) => cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join("  ");
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  const myImport = mean(base.map((p) => p["importCost"]!));
  console.log("\nimport cost vs myopic: " + [...results].filter(([n]) => n !== "myopic").map(([n, per]) => `${n} ${((100 * (mean(per.map((p) => p["importCost"]!)) - myImport)) / myImport).toFixed(2)} %`).join(", "));
}

const SEED_ENV = "Microgrid-v0";
/** Persistence for the next tick, the daily pattern by the last lead. */
const BLEND_LEAD = { kind: "blend", weights: [0.3, 0.7], farWeights: [1, 0] };
const ownForecaster = (forecaster: object) => ({ forecast: { source: "forecaster", forecaster } });

if (which === "seed" || which === "all") {
  const columns: Column[] = [
    { name: "myopic", env: SEED_ENV, envConfig: {}, make: () => new MicrogridMyopicPolicy() },
    mpc("mpc", SEED_ENV, {}, {}),
    mpc("mpc-env", SEED_ENV, {}, { forecast: { source: "env" } }),
    mpc("mpc-persistence", SEED_ENV, {}, ownForecaster({ kind: "persistence" })),
    mpc("mpc-seasonal", SEED_ENV, {}, ownForecaster({ kind: "seasonal-naive" })),
    mpc("mpc-forest", SEED_ENV, {}, ownForecaster({ kind: "quantile-forest", refitEvery: 12 })),
    mpc("mpc-blend", SEED_ENV, {}, ownForecaster({ kind: "blend" })),
    mpc("mpc-blend-lead", SEED_ENV, {}, ownForecaster(BLEND_LEAD)),
    mpc("mpc-persistence-nolead", SEED_ENV, {}, { ...ownForecaster({ kind: "persistence" }), leadTimePenaltyPerKwhStep: 0 }),
    mpc("mpc-seasonal-nolead", SEED_ENV, {}, { ...ownForecaster({ kind: "seasonal-naive" }), leadTimePenaltyPerKwhStep: 0 }),
    mpc("mpc-perfect", SEED_ENV, { forecast: { model: "perfect" } }, { forecast: { source: "env" } }),
    { name: "oracle", env: SEED_ENV, envConfig: {}, make: (env, solver) => new MicrogridOraclePolicy(env, solver) },
  ];
  await runColumns("seed setting: Microgrid-v0 default, import cost", columns,
    ["importCost", "gridToBatteryKwh", "spilledKwh", "importWithChargeKwh", "unservedKwh"], { importCost: 0 });
}

const TABLE1 = ["totalCost", "importCost", "unservedKwh", "cebrSeedPct", "iebrSeedPostMeanPct", "avgSocPostPct", "bri50PostPct", "scarcityPostPct", "efc"];
const TABLE1_DIGITS = { totalCost: 0, importCost: 0, efc: 2 };

function resilienceColumns(envConfig: object): Column[] {
  const env = "MicrogridResilience-v0";
  return [
    { name: "myopic", env, envConfig, make: () => new MicrogridMyopicPolicy() },
    mpc("mpc", env, envConfig, { ...PREDICTIVE_VARIANTS.mpc }),
    mpc("mpc-env", env, envConfig, { forecast: { source: "env" } }),
    mpc("mpc-seasonal", env, envConfig, ownForecaster({ kind: "seasonal-naive" })),
    mpc("mpc-forest", env, envConfig, ownForecaster({ kind: "quantile-forest", refitEvery: 12 })),
    mpc("mpc-blend", env, envConfig, ownForecaster({ kind: "blend" })),
    mpc("mpc-blend-lead", env, envConfig, ownForecaster(BLEND_LEAD)),
    mpc("mpc-perfect", env, { ...envConfig, forecast: { model: "perfect" } }, { forecast: { source: "env" } }),
    ...[12].flatMap((h) => [
      mpc(`mpc-seasonal-h${h}`, env, envConfig, { ...ownForecaster({ kind: "seasonal-naive" }), horizon: h }),
      mpc(`mpc-forest-h${h}`, env, envConfig, { ...ownForecaster({ kind: "quantile-forest", refitEvery: 12 }), horizon: h }),
      mpc(`mpc-perfect-h${h}`, env, { ...envConfig, forecast: { model: "perfect", horizonTicks: h } }, { forecast: { source: "env" }, horizon: h }),
    ]),
    mpc("mpc-reserve", env, envConfig, { ...PREDICTIVE_VARIANTS["mpc-reserve"] }),
    mpc("mpc-stochastic", env, envConfig, { ...PREDICTIVE_VARIANTS["mpc-stochastic"] }),
    mpc("mpc-stochastic-neutral", env, envConfig, { ...PREDICTIVE_VARIANTS["mpc-stochastic"], outageCvar: { weight: 0 } }),
    ...[0.5, 1].map((w) => mpc(`mpc-stochastic-cvar${w}`, env, envConfig, { ...PREDICTIVE_VARIANTS["mpc-stochastic"], outageCvar: { alpha: 0.9, weight: w } })),
    mpc("mpc-stochastic-na2", env, envConfig, { ...PREDICTIVE_VARIANTS["mpc-stochastic"], nonAnticipativeSteps: 2 }),
    mpc("mpc-outage-off", env, envConfig, { outageRisk: "off" }),
    { name: "oracle", env, envConfig, make: (e, solver) => new MicrogridOraclePolicy(e, solver) },
  ];
}

if (which === "tou" || which === "all") {
  const cfg = { grid: { tariff: { kind: "tou" } } };
  const columns: Column[] = [
    { name: "myopic", env: SEED_ENV, envConfig: cfg, make: () => new MicrogridMyopicPolicy() },
    mpc("mpc", SEED_ENV, cfg, { ...PREDICTIVE_VARIANTS.mpc }),
    mpc("mpc-env", SEED_ENV, cfg, { forecast: { source: "env" } }),
    mpc("mpc-seasonal", SEED_ENV, cfg, ownForecaster({ kind: "seasonal-naive" })),
    mpc("mpc-stochastic", SEED_ENV, cfg, { ...PREDICTIVE_VARIANTS["mpc-stochastic"] }),
    { name: "oracle", env: SEED_ENV, envConfig: cfg, make: (env, solver) => new MicrogridOraclePolicy(env, solver) },
  ];
  await runColumns("Microgrid-v0 with the TOU tariff (no outages), import cost", columns, ["importCost", "gridToBatteryKwh", "spilledKwh", "avgSocPostPct", "scarcityPostPct"], { importCost: 0 });
}

if (which === "seed-spike" || which === "all") {
  const cfg = { scenario: "load-spike" };
  const columns: Column[] = [
    { name: "myopic", env: SEED_ENV, envConfig: cfg, make: () => new MicrogridMyopicPolicy() },
    mpc("mpc", SEED_ENV, cfg, { ...PREDICTIVE_VARIANTS.mpc }),
    mpc("mpc-reserve", SEED_ENV, cfg, { ...PREDICTIVE_VARIANTS["mpc-reserve"] }),
    mpc("mpc-stochastic", SEED_ENV, cfg, { ...PREDICTIVE_VARIANTS["mpc-stochastic"] }),
  ];
  await runColumns("seed setting under the load spike (Microgrid-v0)", columns, ["importCost", "unservedKwh", "avgSocPostPct", "scarcityPostPct", "efc"], { importCost: 0, efc: 2 });
}

if (which === "resilience" || which === "all") {
  await runColumns("resilience: MicrogridResilience-v0 default", resilienceColumns({}), TABLE1, TABLE1_DIGITS);
}
if (which === "spike" || which === "all") {
  const core = ["myopic", "mpc", "mpc-stochastic", "mpc-stochastic-neutral", "oracle"];
  await runColumns("resilience under the load spike", resilienceColumns({ scenario: "load-spike" }).filter((c) => core.includes(c.name)), TABLE1, TABLE1_DIGITS);
}
