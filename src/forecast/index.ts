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
import { BlendForecaster } from "./blend.js";
import { SeasonalNaiveForecaster } from "./naive.js";
import { QuantileForestForecaster, quantileForestOptionsSchema } from "./quantile-forest.js";

export type { ForecastContext, Forecaster, QuantileForecast } from "./forecaster.js";
export {
  CALENDAR_FEATURES, FEATURES_PER_SERIES, LAG_WINDOW, checkContext, featureLayout, fillRecent, hourlyCalendar, pushRecent,
  readCovariates, writeFeatures, type FeatureLayout, type TickCalendar,
} from "./features.js";
export { ForecastScore, intervalCoverage, meanAbsoluteError, pinballLoss, quantileOfSorted } from "./metrics.js";
export { BlendForecaster } from "./blend.js";
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

const memberSchema = z.discriminatedUnion("kind", [persistenceSchema, seasonalNaiveSchema, quantileForestSchema], {
  error: 'one of "persistence", "seasonal-naive", "quantile-forest"',
});

const blendSchema = z.strictObject({
  kind: z.literal("blend"),
  /** The blended forecasters (default: seasonal-naive and persistence). */
  members: z.array(memberSchema).min(1).default([{ kind: "seasonal-naive", period: 24, errorWindow: 168, lowerBound: 0 }, { kind: "persistence", errorWindow: 168, lowerBound: 0 }]),
  /** Weight of each member at lead 1 (default 0.5 / 0.5). */
  weights: z.array(z.number().min(0)).min(1).default([0.5, 0.5]),
  /** Weight of each member at the last lead (null: `weights` at every lead). */
  farWeights: z.array(z.number().min(0)).min(1).nullable().default(null),
}).superRefine((c, ctx) => {
  if (c.weights.length !== c.members.length) ctx.addIssue({ code: "custom", path: ["weights"], message: `one weight per member (${c.members.length})` });
  else if (!(c.weights.reduce((s, v) => s + v, 0) > 0)) ctx.addIssue({ code: "custom", path: ["weights"], message: "a positive sum" });
  if (c.farWeights !== null) {
    if (c.farWeights.length !== c.members.length) ctx.addIssue({ code: "custom", path: ["farWeights"], message: `one weight per member (${c.members.length})` });
    else if (!(c.farWeights.reduce((s, v) => s + v, 0) > 0)) ctx.addIssue({ code: "custom", path: ["farWeights"], message: "a positive sum" });
  }
});

/** Config of createForecaster: `kind` picks the forecaster, the other fields have defaults. */
export const forecasterConfigSchema = z.discriminatedUnion("kind", [persistenceSchema, seasonalNaiveSchema, quantileForestSchema, blendSchema], {
  // worded for ConfigError's "expected ..., got ..." line
  error: 'one of "persistence", "seasonal-naive", "quantile-forest", "blend"',
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
  return build(parseConfig("forecaster config", forecasterConfigSchema, config), rng);
}

function build(c: ForecasterConfig | z.output<typeof memberSchema>, rng?: Rng): Forecaster {
  switch (c.kind) {
    case "blend":
      // each member its own child stream, so a forest member's draws do not depend on its neighbours
      return new BlendForecaster(c.members.map((m, j) => build(m, rng?.child(`member/${j}`))), c.weights, c.farWeights ?? c.weights);
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
