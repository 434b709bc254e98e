/**
 * The forecasting surface of gridgym (SPEC section 1's forecast agent and its baselines):
 * the Forecaster contract, the naive forecasters, the quantile random forest, the features,
 * the scenario tree and Monte Carlo paths, and forecast scores. `createForecaster` builds any
 * forecaster from one zod-validated config, so envs and planners swap them by config.
 */
import { z } from "zod";
import { parseConfig } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import type { Forecaster } from "./forecaster.js";
import { SeasonalNaiveForecaster } from "./naive.js";
import { QuantileForestForecaster, quantileForestOptionsSchema } from "./quantile-forest.js";

export type { ForecastContext, Forecaster, QuantileForecast } from "./forecaster.js";
export {
  CALENDAR_FEATURES, FEATURES_PER_SERIES, LAG_WINDOW, checkContext, featureLayout, fillRecent, hourlyCalendar, pushRecent,
  readCovariates, writeFeatures, type FeatureLayout, type TickCalendar,
} from "./features.js";
export { ForecastScore, intervalCoverage, meanAbsoluteError, pinballLoss, quantileOfSorted } from "./metrics.js";
export { SeasonalNaiveForecaster, persistenceForecaster, seasonalNaiveForecaster, type NaiveOptions } from "./naive.js";
export {
  QuantileForestForecaster, RegressionForest, forestOptionsSchema, quantileForestOptionsSchema,
  type ForestOptions, type QuantileForestOptions, type QuantileForestOptionsInput,
} from "./quantile-forest.js";
export {
  DEFAULT_BRANCH_PROBABILITIES, DEFAULT_MONTE_CARLO, ar1Cholesky, correlatedPaths, monteCarloOptionsSchema, monteCarloScenarios,
  scenarioTree, scenarioTreeOptionsSchema, type BranchProbabilities, type MonteCarloOptions, type Scenario,
} from "./scenarios.js";

const naiveFields = {
  /** Past ticks whose errors give the quantiles. */
  errorWindow: z.number().int().min(1).default(168),
  /** Floor on every quantile (0: power cannot be negative); null for none. */
  lowerBound: z.number().nullable().default(0),
};

const persistenceSchema = z.strictObject({ kind: z.literal("persistence"), ...naiveFields });

const seasonalNaiveSchema = z.strictObject({
  kind: z.literal("seasonal-naive"),
  /** Season length in ticks (24 for hourly data). */
  period: z.number().int().min(1).default(24),
  ...naiveFields,
});

const quantileForestSchema = quantileForestOptionsSchema.extend({ kind: z.literal("quantile-forest") });

/** Config of createForecaster: `kind` picks the forecaster, the other fields have defaults. */
export const forecasterConfigSchema = z.discriminatedUnion("kind", [persistenceSchema, seasonalNaiveSchema, quantileForestSchema], {
  // worded for ConfigError's "expected ..., got ..." line
  error: 'one of "persistence", "seasonal-naive", "quantile-forest"',
});

/** A forecaster config after validation: the chosen `kind` with every default filled. */
export type ForecasterConfig = z.output<typeof forecasterConfigSchema>;
/** What createForecaster accepts before validation: `kind` plus any subset of that kind's fields. */
export type ForecasterConfigInput = z.input<typeof forecasterConfigSchema>;

/**
 * Builds a forecaster from `config` (validated; a ConfigError names each bad field by its path,
 * e.g. `forest.maxDepth`). The quantile forest draws from `rng` (default: seed 0, stream
 * "forecast"); pass the episode's forecast stream so each seed gets its own forest.
 */
export function createForecaster(config: unknown, rng?: Rng): Forecaster {
  const c = parseConfig("forecaster config", forecasterConfigSchema, config);
  switch (c.kind) {
    case "persistence":
      return new SeasonalNaiveForecaster(1, { errorWindow: c.errorWindow, lowerBound: c.lowerBound }, "persistence");
    case "seasonal-naive":
      return new SeasonalNaiveForecaster(c.period, { errorWindow: c.errorWindow, lowerBound: c.lowerBound }, "seasonal-naive");
    case "quantile-forest": {
      const { kind: _kind, ...options } = c;
      return new QuantileForestForecaster(options, rng);
    }
  }
}
