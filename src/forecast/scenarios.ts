/**
 * Scenarios for stochastic planning from quantile forecasts of load and PV (SPEC section 1):
 * - the three-branch scenario tree: pessimistic (load q95, PV q05), median (q50, q50) and
 *   optimistic (load q05, PV q95), with the seed's probabilities 0.15 / 0.70 / 0.15;
 * - the Monte Carlo option: N (50) paths per series, path[k] = q50[k] + sigma[k] * (L z)[k],
 *   sigma[k] = (q95[k] - q05[k]) / 2 (the seed's rule), z standard normal and L the Cholesky
 *   factor of the step correlation rho^|i - j| (rho = 0.6), so consecutive steps err together.
 *   L depends on the horizon and rho only, so it is computed once per (horizon, rho) and cached.
 *   Load and PV paths are drawn independently of each other; scenario i pairs load path i
 *   with PV path i, each with probability 1 / N.
 *
 * The seed's sigma is half the 90 % band; a normal whose 90 % band that is has sigma
 * (q95 - q05) / 3.29, so the default paths are about 1.6 times wider than the band suggests.
 * `sigmaDivisor: 3.29` gives the calibrated spread.
 */
import { z } from "zod";
import { GymError } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import type { QuantileForecast } from "./forecaster.js";

/** One scenario of load and PV over the horizon. */
export interface Scenario {
  readonly name: string;
  readonly probability: number;
  readonly loadKw: Float64Array;
  readonly pvKw: Float64Array;
}

const probabilitiesSchema = z
  .strictObject({
    pessimistic: z.number().min(0).max(1).default(0.15),
    median: z.number().min(0).max(1).default(0.7),
    optimistic: z.number().min(0).max(1).default(0.15),
  })
  .refine((p) => Math.abs(p.pessimistic + p.median + p.optimistic - 1) <= 1e-9, { message: "probabilities summing to 1" });

/** Branch probabilities of the three-branch tree, for embedding in a config schema. */
export const scenarioTreeOptionsSchema = z.strictObject({
  probabilities: probabilitiesSchema.prefault({}),
});

/**
 * Probabilities of the pessimistic, median and optimistic branches after validation: each in [0, 1], summing
 * to 1.
 */
export type BranchProbabilities = z.output<typeof probabilitiesSchema>;

/** The seed's branch probabilities: 0.15 / 0.70 / 0.15. */
export const DEFAULT_BRANCH_PROBABILITIES: Readonly<BranchProbabilities> = Object.freeze({ pessimistic: 0.15, median: 0.7, optimistic: 0.15 });

function checkHorizon(owner: string, ...forecasts: QuantileForecast[]): number {
  const horizon = forecasts[0]!.q50.length;
  for (const f of forecasts) {
    if (f.q05.length !== horizon || f.q50.length !== horizon || f.q95.length !== horizon) {
      throw new GymError("FORECAST_LENGTH", `${owner}: every quantile of every forecast must have the same horizon (${horizon})`);
    }
  }
  return horizon;
}

/**
 * The three-branch scenario tree, ordered pessimistic, median, optimistic. Pessimistic means
 * the most energy to cover: high load and low PV. The arrays are copies. Called per planning
 * instant, so it checks `probabilities` by hand (configs validate them with
 * scenarioTreeOptionsSchema once, up front).
 */
export function scenarioTree(
  load: QuantileForecast,
  pv: QuantileForecast,
  probabilities: Readonly<BranchProbabilities> = DEFAULT_BRANCH_PROBABILITIES,
): Scenario[] {
  checkHorizon("scenarioTree", load, pv);
  const p = probabilities;
  const sum = p.pessimistic + p.median + p.optimistic;
  if (!(p.pessimistic >= 0 && p.median >= 0 && p.optimistic >= 0) || !(Math.abs(sum - 1) <= 1e-9)) {
    throw new GymError("SCENARIO_PROBABILITIES", `scenarioTree: probabilities must be >= 0 and sum to 1, got ${p.pessimistic} / ${p.median} / ${p.optimistic}`);
  }
  return [
    { name: "pessimistic", probability: p.pessimistic, loadKw: load.q95.slice(), pvKw: pv.q05.slice() },
    { name: "median", probability: p.median, loadKw: load.q50.slice(), pvKw: pv.q50.slice() },
    { name: "optimistic", probability: p.optimistic, loadKw: load.q05.slice(), pvKw: pv.q95.slice() },
  ];
}

/** The Monte Carlo option's settings (SPEC: 50 paths, rho 0.6, sigma = (q95 - q05) / 2), for configs. */
export const monteCarloOptionsSchema = z.strictObject({
  paths: z.number().int().min(1).default(50),
  /** Correlation of the errors of steps i and j is correlation^|i - j|. */
  correlation: z.number().gt(-1).lt(1).default(0.6),
  /** sigma = (q95 - q05) / sigmaDivisor: 2 is the seed's rule, 3.29 a normal's 90 % band. */
  sigmaDivisor: z.number().positive().default(2),
  /** Floor applied to every path value (0 for power); null keeps the Gaussian paths as drawn. */
  lowerBound: z.number().nullable().default(null),
});

/** Monte Carlo scenario options after validation (defaults filled). */
export type MonteCarloOptions = z.output<typeof monteCarloOptionsSchema>;

/** The seed's Monte Carlo settings. */
export const DEFAULT_MONTE_CARLO: Readonly<MonteCarloOptions> = Object.freeze({ paths: 50, correlation: 0.6, sigmaDivisor: 2, lowerBound: null });

/** Defaults filled in and checked by hand: this runs per planning instant, zod does not. */
function monteCarloSettings(owner: string, options: Partial<MonteCarloOptions>): MonteCarloOptions {
  const o = { ...DEFAULT_MONTE_CARLO, ...options };
  if (!Number.isInteger(o.paths) || o.paths < 1) throw new GymError("MONTE_CARLO_OPTION", `${owner}: paths must be an integer >= 1, got ${o.paths}`);
  if (!(o.correlation > -1 && o.correlation < 1)) throw new GymError("MONTE_CARLO_OPTION", `${owner}: correlation must be in (-1, 1), got ${o.correlation}`);
  if (!(o.sigmaDivisor > 0)) throw new GymError("MONTE_CARLO_OPTION", `${owner}: sigmaDivisor must be > 0, got ${o.sigmaDivisor}`);
  return o;
}

const choleskyCache = new Map<string, Float64Array>();

/**
 * Lower Cholesky factor (row-major, horizon x horizon) of C[i][j] = rho^|i - j|, computed once
 * per (horizon, rho) and shared: callers must not write to it.
 */
export function ar1Cholesky(horizon: number, rho: number): Float64Array {
  const key = `${horizon}:${rho}`;
  const cached = choleskyCache.get(key);
  if (cached !== undefined) return cached;
  const l = new Float64Array(horizon * horizon);
  for (let i = 0; i < horizon; i++) {
    for (let j = 0; j <= i; j++) {
      let s = rho ** Math.abs(i - j);
      for (let k = 0; k < j; k++) s -= l[i * horizon + k]! * l[j * horizon + k]!;
      l[i * horizon + j] = i === j ? Math.sqrt(s) : s / l[j * horizon + j]!;
    }
  }
  choleskyCache.set(key, l);
  return l;
}

/**
 * `paths` correlated sample paths of one series around its median: path[k] = q50[k] +
 * sigma[k] * (L z)[k]. Draws horizon normals per path from `rng`, in path order.
 */
export function correlatedPaths(forecast: QuantileForecast, rng: Rng, options: Partial<MonteCarloOptions> = {}): Float64Array[] {
  const horizon = checkHorizon("correlatedPaths", forecast);
  const o = monteCarloSettings("correlatedPaths", options);
  return drawPaths(forecast, horizon, rng, o);
}

function drawPaths(forecast: QuantileForecast, horizon: number, rng: Rng, o: MonteCarloOptions): Float64Array[] {
  const l = ar1Cholesky(horizon, o.correlation);
  const sigma = new Float64Array(horizon);
  for (let k = 0; k < horizon; k++) sigma[k] = (forecast.q95[k]! - forecast.q05[k]!) / o.sigmaDivisor;
  const z = new Float64Array(horizon);
  const floor = o.lowerBound ?? -Infinity;
  const out: Float64Array[] = [];
  for (let p = 0; p < o.paths; p++) {
    for (let k = 0; k < horizon; k++) z[k] = rng.normal();
    const path = new Float64Array(horizon);
    for (let i = 0; i < horizon; i++) {
      let e = 0;
      for (let k = 0; k <= i; k++) e += l[i * horizon + k]! * z[k]!;
      path[i] = Math.max(floor, forecast.q50[i]! + sigma[i]! * e);
    }
    out.push(path);
  }
  return out;
}

/**
 * The Monte Carlo scenario set: `paths` equally likely scenarios, load and PV paths drawn
 * independently (load first, then PV, from the same `rng`), named `mc0`, `mc1`, ...
 */
export function monteCarloScenarios(
  load: QuantileForecast,
  pv: QuantileForecast,
  rng: Rng,
  options: Partial<MonteCarloOptions> = {},
): Scenario[] {
  const horizon = checkHorizon("monteCarloScenarios", load, pv);
  const o = monteCarloSettings("monteCarloScenarios", options);
  const loadPaths = drawPaths(load, horizon, rng, o);
  const pvPaths = drawPaths(pv, horizon, rng, o);
  return loadPaths.map((loadKw, i) => ({ name: `mc${i}`, probability: 1 / o.paths, loadKw, pvKw: pvPaths[i]! }));
}
