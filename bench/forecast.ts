/**
 * Forecasting benchmark (issue 3: "forecaster train and predict time per planning instant";
 * "one full predictive 336-tick episode with forecaster retraining <= 3 s").
 * Run: npx tsx bench/forecast.ts. Prints numbers, never pass/fail.
 *
 * Data: a 336-tick campus microgrid week drawn with SPEC section 1's defaults (seed code's
 * weather sinusoids and noise, NOCT PV of 200 x 2 m2 panels, campus load of 50 kW nominal).
 * A planning instant forecasts load and PV (two forecast calls) over the horizon.
 * Compared:
 * - train time of load + PV forests on 168 rows: our RegressionForest vs ml-random-forest
 *   (100 trees, depth 12, minNumSamples 5; it bootstraps all rows and draws features per tree);
 * - predict time per instant at horizons 4 and 24;
 * - the episode's forecasting: the seed's schedule (forecast every 2 ticks from tick 168, refit
 *   at every instant) and our default (refit every 12 instants), with forecast MAE and coverage,
 *   beside persistence and seasonal naive; ml-random-forest on the seed's schedule is
 *   extrapolated from its train time (running it takes minutes).
 */
import { RandomForestRegression } from "ml-random-forest";
import { Rng } from "../src/core/rng.js";
import { availableParallelism, loadavg } from "node:os";
import {
  createForecaster, featureLayout, fillRecent, ForecastScore, hourlyCalendar, readCovariates, RegressionForest, writeFeatures,
  type ForecastContext, type Forecaster,
} from "../src/forecast/index.js";

const TICKS = 336;
const WARMUP = 168;
const EVERY = 2;

function campusWeek(seed: number): { loadKw: Float64Array; pvKw: Float64Array; temperatureC: Float64Array } {
  const rng = new Rng(seed, "bench-forecast");
  const loadKw = new Float64Array(TICKS);
  const pvKw = new Float64Array(TICKS);
  const temperatureC = new Float64Array(TICKS);
  for (let t = 0; t < TICKS; t++) {
    const h = t % 24;
    const g = h > 6 && h < 18 ? Math.max(0, 1000 * Math.sin((Math.PI * (h - 6)) / 12) * (1 + 0.15 * rng.normal())) : 0;
    const ta = 21.5 + 4.5 * Math.sin((Math.PI * (h - 5)) / 12) + 0.8 * rng.normal();
    const tc = ta + (g / 800) * (44 - 20);
    pvKw[t] = (200 * 2 * g * 0.2 * (1 - 0.004 * (tc - 25)) / 1000) * 0.96;
    temperatureC[t] = ta;
    const base = h >= 8 && h < 18 ? 0.8 : (h >= 6 && h < 8) || (h >= 18 && h < 20) ? 0.5 : 0.1;
    loadKw[t] = 50 * Math.min(1.3, Math.max(0.1, base * (1 + rng.uniform(-0.1, 0.3))));
  }
  return { loadKw, pvKw, temperatureC };
}

function context(week: ReturnType<typeof campusWeek>, t: number, horizon: number): ForecastContext {
  return {
    t, horizon,
    series: { loadKw: week.loadKw, pvKw: week.pvKw },
    covariates: { temperatureC: week.temperatureC },
    calendar: hourlyCalendar(),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Median wall time of `runs` calls, and mean CPU time (less hurt by a busy machine), in ms. */
function timeMs(runs: number, fn: () => void): { wall: number; cpu: number } {
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  return { wall: median(times), cpu: (cpu.user + cpu.system) / 1000 / runs };
}

/** The training matrix of the planning instant at tick t, column-major and row-major. */
function trainingSet(week: ReturnType<typeof campusWeek>, t: number) {
  const layout = featureLayout(["loadKw", "pvKw"], ["temperatureC"]);
  const rows = 168;
  const first = t - rows + 1;
  const p = layout.count;
  const colMajor = new Float64Array(rows * p);
  const rowMajor: number[][] = [];
  const recent = new Float64Array(6);
  const cov = new Float64Array(1);
  const ctx = context(week, t, 1);
  for (let i = 0; i < rows; i++) {
    fillRecent(layout, ctx.series, first + i, recent);
    readCovariates(layout, ctx, first + i, cov);
    writeFeatures(layout, recent, cov, ctx.calendar(first + i), colMajor, i, rows);
    const row = new Float64Array(p);
    writeFeatures(layout, recent, cov, ctx.calendar(first + i), row);
    rowMajor.push(Array.from(row));
  }
  return { rows, p, colMajor, rowMajor, load: week.loadKw.slice(first, t + 1), pv: week.pvKw.slice(first, t + 1) };
}

function episode(week: ReturnType<typeof campusWeek>, forecaster: Forecaster, horizon: number) {
  const load = new ForecastScore();
  const pv = new ForecastScore();
  const t0 = performance.now();
  for (let t = WARMUP; t < TICKS - 1; t += EVERY) {
    // the last instants forecast only up to the end of the week
    const steps = Math.min(horizon, TICKS - 1 - t);
    const ctx = context(week, t, steps);
    const fLoad = forecaster.forecast("loadKw", ctx);
    const fPv = forecaster.forecast("pvKw", ctx);
    load.add(week.loadKw.subarray(t + 1, t + 1 + steps), fLoad, steps);
    pv.add(week.pvKw.subarray(t + 1, t + 1 + steps), fPv, steps);
  }
  return { seconds: (performance.now() - t0) / 1000, load, pv };
}

const week = campusWeek(1);
const set = trainingSet(week, WARMUP);
console.log(`forecast bench: ${set.rows} training rows x ${set.p} features, 100 trees, depth 12, node size 5 (Node ${process.version})`);
console.log(`machine: ${availableParallelism()} CPUs, load average ${loadavg()[0]!.toFixed(1)} (a busy machine inflates wall times)`);

const ours = [new RegressionForest(), new RegressionForest()];
const oursTrainMs = timeMs(21, () => {
  ours[0]!.fit(set.colMajor, set.load, set.rows, set.p, new Rng(1, "load"));
  ours[1]!.fit(set.colMajor, set.pv, set.rows, set.p, new Rng(1, "pv"));
});
const mlrfOptions = { nEstimators: 100, maxFeatures: 1.0, seed: 3, noOOB: true, treeOptions: { maxDepth: 12, minNumSamples: 5 } };
let mlrf: RandomForestRegression[] = [];
const mlrfTrainMs = timeMs(3, () => {
  mlrf = [new RandomForestRegression(mlrfOptions), new RandomForestRegression(mlrfOptions)];
  mlrf[0]!.train(set.rowMajor, Array.from(set.load));
  mlrf[1]!.train(set.rowMajor, Array.from(set.pv));
});
const instants = Math.ceil((TICKS - 1 - WARMUP) / EVERY);
console.log("\ntrain time per planning instant (load + PV forests):");
console.log(`  ours (typed arrays, presorted)   ${oursTrainMs.wall.toFixed(1)} ms wall, ${oursTrainMs.cpu.toFixed(1)} ms CPU`);
console.log(`  ml-random-forest 2.1             ${mlrfTrainMs.wall.toFixed(0)} ms wall, ${mlrfTrainMs.cpu.toFixed(0)} ms CPU (${(mlrfTrainMs.cpu / oursTrainMs.cpu).toFixed(0)}x)`);
console.log(`  seed schedule (${instants} refits): ours ${(instants * oursTrainMs.wall / 1000).toFixed(2)} s, ml-random-forest ~${(instants * mlrfTrainMs.wall / 1000).toFixed(0)} s (extrapolated)`);

console.log("\npredict time per planning instant (load + PV, recursive, 3 paths for the target):");
for (const horizon of [4, 24]) {
  const forecaster = createForecaster({ kind: "quantile-forest", refitEvery: 1_000_000 }, new Rng(1, "forecast"));
  const ctx = context(week, WARMUP, horizon);
  forecaster.forecast("loadKw", ctx);
  const oursPredictMs = timeMs(201, () => {
    forecaster.forecast("loadKw", ctx);
    forecaster.forecast("pvKw", ctx);
  });
  // the same tree evaluations through ml-random-forest: per step and target, the two series'
  // medians plus the target's q05 and q95 paths, i.e. 8 single-row predictions per step
  const row = [set.rowMajor[0]!];
  const mlrfPredictMs = timeMs(5, () => {
    for (let k = 0; k < 4 * horizon; k++) {
      mlrf[0]!.predictionValues(row);
      mlrf[1]!.predictionValues(row);
    }
  });
  console.log(`  horizon ${String(horizon).padStart(2)}: ours ${oursPredictMs.wall.toFixed(3)} ms, ml-random-forest ${mlrfPredictMs.wall.toFixed(1)} ms (wall)`);
}

console.log(`\nfull episode forecasting: ${instants} planning instants (ticks ${WARMUP}..${TICKS - 2}, every ${EVERY}), horizon 4, load + PV:`);
const runs: [string, unknown][] = [
  ["quantile forest, seed schedule (refit every instant)", { kind: "quantile-forest", refitEvery: 1 }],
  ["quantile forest, default (refit every 12 instants)", { kind: "quantile-forest" }],
  ["quantile forest, refit every 12, maxFeatures 1.0", { kind: "quantile-forest", forest: { maxFeatures: 1 } }],
  ["persistence", { kind: "persistence" }],
  ["seasonal naive (24)", { kind: "seasonal-naive" }],
];
for (const [label, config] of runs) {
  const seeds = [1, 2, 3, 4, 5];
  const cpu0 = process.cpuUsage();
  const results = seeds.map((seed) => episode(campusWeek(seed), createForecaster(config, new Rng(seed, "forecast")), 4));
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6 / seeds.length;
  const mean = (f: (r: (typeof results)[number]) => number) => results.reduce((a, r) => a + f(r), 0) / results.length;
  console.log(
    `  ${label.padEnd(54)} ${mean((r) => r.seconds).toFixed(3)} s/episode (CPU ${cpuSeconds.toFixed(3)} s) | MAE load ${mean((r) => r.load.mae).toFixed(2)} kW, ` +
      `PV ${mean((r) => r.pv.mae).toFixed(2)} kW | [q05,q95] coverage load ${(100 * mean((r) => r.load.coverage)).toFixed(0)} %, ` +
      `PV ${(100 * mean((r) => r.pv.coverage)).toFixed(0)} %`,
  );
}
console.log("  (means over seeds 1-5; SPEC's seed reports forecast MAE load 7.56 kW, PV 5.06 kW)");
