/**
 * The forecast agent's quantile random forest (SPEC section 1, with the seed code's defaults:
 * 100 trees, depth 12, node size 5, subsample 0.8): one regression forest per series (load,
 * PV) on the features of features.ts, q05 / q50 / q95 from the spread of the individual trees'
 * predictions, and recursive multi-step forecasts.
 *
 * Why our own forest rather than ml-random-forest: the planner refits load and PV at every
 * planning instant in the seed's schedule (84 instants per 336-tick episode). ml-random-forest
 * (over ml-cart) sorts every feature again at every node and copies matrices per split, about
 * a second per 100-tree fit of 168 rows; this one presorts each feature once per fit, keeps
 * per-feature sorted row lists in one Int32Array and partitions them in place, so a fit costs
 * O(trees * features * rows * depth) (numbers in bench/forecast.ts). It also gives the seed's
 * sampling, which ml-random-forest cannot: its `maxSamples` keeps the first rows rather than a
 * random subset, and it draws features once per tree rather than per split.
 *
 * Tree rules ("node size" and "subsample" read as Smile, the JVM library with those parameter
 * names, defines them):
 * - each tree sees `subsample` of the rows drawn without replacement (0.8), or a bootstrap of
 *   that size with `sampleWithReplacement`;
 * - a split considers a random `maxFeatures` fraction of the features (1/3, Breiman's
 *   regression default), drawn anew at every node; when none of those yields a valid split the
 *   search goes on through the remaining features (as scikit-learn does);
 * - a split is valid when both children hold at least `minNodeSize` sampled rows (5: every leaf
 *   averages at least 5 rows) and it lowers the squared error; depth is counted from 0 at the root, at most `maxDepth` (12);
 * - a leaf predicts the mean of its rows.
 *
 * Recursive multi-step ("quantiles rolled forward", the seed's rule): the median path feeds each
 * step's q50 back as the lags of the next step, for every modelled series jointly (forecasting
 * load needs PV's future lags too). The q05 path feeds the target's own q05 back as its lags and
 * so does the q95 path, so the band widens with the horizon as errors compound; the other
 * series follow their medians. Bands are clamped to contain the median.
 */
import { z } from "zod";
import { GymError, parseConfig } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import {
  checkContext, featureLayout, fillRecent, LAG_WINDOW, pushRecent, readCovariates, writeFeatures, type FeatureLayout,
} from "./features.js";
import type { ForecastContext, Forecaster, QuantileForecast } from "./forecaster.js";
import { quantileOfSorted } from "./metrics.js";

/** How each tree of the forest is grown. */
export const forestOptionsSchema = z.strictObject({
  /** Trees in the forest (SPEC: 100). */
  trees: z.number().int().min(1).max(10_000).default(100),
  /** Maximum depth, the root at depth 0 (SPEC: 12). */
  maxDepth: z.number().int().min(0).max(64).default(12),
  /** Fewest sampled rows a child may hold (SPEC's node size: 5). */
  minNodeSize: z.number().int().min(1).default(5),
  /** Share of the training rows each tree sees (SPEC: 0.8). */
  subsample: z.number().gt(0).lte(1).default(0.8),
  /** Draw the rows with replacement (a bootstrap) instead of without. */
  sampleWithReplacement: z.boolean().default(false),
  /** Share of the features a split considers, drawn per node (Breiman's p/3 for regression). */
  maxFeatures: z.number().gt(0).lte(1).default(1 / 3),
});

/** Tree-growing options after validation (defaults filled). */
export type ForestOptions = z.output<typeof forestOptionsSchema>;

/**
 * A regression forest over typed arrays. `fit` trains every tree on one column-major feature
 * matrix; `predictTrees` writes each tree's prediction for one row. Storage is preallocated
 * and reused across refits of the same size.
 */
export class RegressionForest {
  readonly options: ForestOptions;
  /** Nodes per tree reserved in the flat node arrays. */
  #nodeCap = 0;
  #feature = new Int32Array(0);
  #threshold = new Float64Array(0);
  #left = new Int32Array(0);
  #right = new Int32Array(0);
  #value = new Float64Array(0);
  #fitted = false;
  #featureCount = 0;
  // scratch reused across fits
  #order = new Int32Array(0);
  #lists = new Int32Array(0);
  #tmp = new Int32Array(0);
  #counts = new Int32Array(0);
  #goesLeft = new Uint8Array(0);
  #perm = new Int32Array(0);
  #stack = new Int32Array(0);
  #reciprocal = new Float64Array(0);

  constructor(options: Partial<ForestOptions> = {}) {
    this.options = parseConfig("forest options", forestOptionsSchema, options);
  }

  /** Whether `fit` has run. */
  get fitted(): boolean {
    return this.#fitted;
  }

  /**
   * Trains the forest on `rows` rows of `features` columns: x[c * rows + i] is column c of
   * row i (column-major), y[i] its label. Draws rows and features from `rng` only.
   */
  fit(x: Float64Array, y: Float64Array, rows: number, features: number, rng: Rng): void {
    if (rows < 1 || features < 1 || x.length < rows * features || y.length < rows) {
      throw new GymError("FOREST_INPUT", `RegressionForest.fit: need >= 1 row and column with x.length >= rows * features, got rows ${rows}, features ${features}, x.length ${x.length}, y.length ${y.length}`);
    }
    const { trees, minNodeSize, subsample, sampleWithReplacement } = this.options;
    const sampled = Math.max(1, Math.floor(subsample * rows));
    // every leaf holds >= minNodeSize sampled rows, so a tree has at most sampled / minNodeSize leaves
    const leaves = Math.max(1, Math.floor(sampled / minNodeSize));
    const nodeCap = Math.min(2 * leaves - 1, 2 ** (this.options.maxDepth + 1) - 1);
    this.#reserve(trees, nodeCap, rows, features);
    this.#featureCount = features;
    this.#presort(x, rows, features);
    const counts = this.#counts;
    for (let tree = 0; tree < trees; tree++) {
      counts.fill(0, 0, rows);
      if (sampleWithReplacement) {
        for (let i = 0; i < sampled; i++) counts[rng.int(rows)]!++;
      } else {
        // partial Fisher-Yates over row indices, using #tmp as the permutation
        const perm = this.#tmp;
        for (let i = 0; i < rows; i++) perm[i] = i;
        for (let i = 0; i < sampled; i++) {
          const j = i + rng.int(rows - i);
          const r = perm[j]!;
          perm[j] = perm[i]!;
          perm[i] = r;
          counts[r] = 1;
        }
      }
      this.#growTree(tree, x, y, rows, features, rng);
    }
    this.#fitted = true;
  }

  /** Writes tree i's prediction for the row x[offset + c * stride] into out[i]. */
  predictTrees(x: Float64Array, out: Float64Array, offset = 0, stride = 1): void {
    if (!this.#fitted) throw new GymError("FOREST_UNFITTED", "RegressionForest.predictTrees: call fit() first");
    const feature = this.#feature;
    const threshold = this.#threshold;
    const left = this.#left;
    const right = this.#right;
    const trees = this.options.trees;
    for (let tree = 0; tree < trees; tree++) {
      let node = tree * this.#nodeCap;
      let f = feature[node]!;
      while (f >= 0) {
        node = x[offset + f * stride]! < threshold[node]! ? left[node]! : right[node]!;
        f = feature[node]!;
      }
      out[tree] = this.#value[node]!;
    }
  }

  /** Forgets the fit (storage is kept for the next one). */
  clear(): void {
    this.#fitted = false;
  }

  /** Columns the forest was fitted on. */
  get featureCount(): number {
    return this.#featureCount;
  }

  #reserve(trees: number, nodeCap: number, rows: number, features: number): void {
    this.#nodeCap = nodeCap;
    const nodes = trees * nodeCap;
    if (this.#feature.length < nodes) {
      this.#feature = new Int32Array(nodes);
      this.#threshold = new Float64Array(nodes);
      this.#left = new Int32Array(nodes);
      this.#right = new Int32Array(nodes);
      this.#value = new Float64Array(nodes);
    }
    if (this.#order.length < rows * features) {
      this.#order = new Int32Array(rows * features);
      this.#lists = new Int32Array(rows * features);
    }
    if (this.#counts.length < rows) {
      this.#tmp = new Int32Array(rows);
      this.#counts = new Int32Array(rows);
      this.#goesLeft = new Uint8Array(rows);
    }
    if (this.#perm.length < features) this.#perm = new Int32Array(features);
    // weights in a tree never exceed the rows it samples (at most `rows`)
    if (this.#reciprocal.length < rows + 1) {
      this.#reciprocal = new Float64Array(rows + 1);
      for (let w = 1; w <= rows; w++) this.#reciprocal[w] = 1 / w;
    }
    // depth-first growth keeps at most one pending sibling per level
    const stackEntries = 4 * (this.options.maxDepth + 2);
    if (this.#stack.length < stackEntries) this.#stack = new Int32Array(stackEntries);
  }

  /** Sorts the row indices of every column once per fit; trees filter these lists. */
  #presort(x: Float64Array, rows: number, features: number): void {
    const idx = Array.from({ length: rows }, (_, i) => i);
    for (let c = 0; c < features; c++) {
      const base = c * rows;
      idx.sort((a, b) => x[base + a]! - x[base + b]! || a - b);
      for (let i = 0; i < rows; i++) this.#order[base + i] = idx[i]!;
    }
  }

  #growTree(tree: number, x: Float64Array, y: Float64Array, rows: number, features: number, rng: Rng): void {
    // private fields read once: the loops below are the whole cost of a fit
    const counts = this.#counts;
    const lists = this.#lists;
    const order = this.#order;
    const perm = this.#perm;
    const stack = this.#stack;
    const goesLeft = this.#goesLeft;
    const tmp = this.#tmp;
    const recip = this.#reciprocal;
    const featureOf = this.#feature;
    const thresholdOf = this.#threshold;
    const leftOf = this.#left;
    const rightOf = this.#right;
    const valueOf = this.#value;
    // per column, the sampled rows in ascending order of that column: lists[c * rows + 0 .. distinct)
    let distinct = 0;
    for (let c = 0; c < features; c++) {
      const base = c * rows;
      let k = 0;
      for (let i = 0; i < rows; i++) {
        const r = order[base + i]!;
        lists[base + k] = r;
        k += counts[r]! > 0 ? 1 : 0;
      }
      distinct = k;
    }
    const { maxDepth, minNodeSize } = this.options;
    const tryFeatures = Math.max(1, Math.floor(this.options.maxFeatures * features));
    const root = tree * this.#nodeCap;
    let nextNode = root + 1;
    let sp = 0;
    // stack entries: node, start, end, depth
    stack[sp++] = root;
    stack[sp++] = 0;
    stack[sp++] = distinct;
    stack[sp++] = 0;
    while (sp > 0) {
      const depth = stack[--sp]!;
      const end = stack[--sp]!;
      const start = stack[--sp]!;
      const node = stack[--sp]!;
      let weight = 0;
      let sum = 0;
      for (let i = start; i < end; i++) {
        const r = lists[i]!;
        weight += counts[r]!;
        sum += counts[r]! * y[r]!;
      }
      valueOf[node] = sum / weight;
      featureOf[node] = -1;
      if (depth >= maxDepth || weight < 2 * minNodeSize) continue;

      // maximise sumL^2 / wL + sumR^2 / wR, i.e. minimise the children's squared error
      // (weights are integers, so 1 / w comes from a table instead of a division per candidate)
      const parentScore = sum * sum * recip[weight]!;
      let bestScore = parentScore + 1e-12 * Math.abs(parentScore);
      let bestFeature = -1;
      let bestPos = -1;
      let bestThreshold = 0;
      let bestWeight = 0;
      let bestSum = 0;
      for (let c = 0; c < features; c++) perm[c] = c;
      for (let k = 0; k < features; k++) {
        if (k >= tryFeatures && bestFeature >= 0) break;
        const j = k + rng.int(features - k);
        const f = perm[j]!;
        perm[j] = perm[k]!;
        perm[k] = f;
        const base = f * rows;
        const colEnd = base + end - 1;
        let wl = 0;
        let sl = 0;
        let r = lists[base + start]!;
        let xv = x[base + r]!;
        for (let i = base + start; i < colEnd; i++) {
          const w = counts[r]!;
          wl += w;
          sl += w * y[r]!;
          const wr = weight - wl;
          if (wr < minNodeSize) break;
          const rn = lists[i + 1]!;
          const xn = x[base + rn]!;
          if (wl >= minNodeSize && xn > xv) {
            const sr = sum - sl;
            const score = sl * sl * recip[wl]! + sr * sr * recip[wr]!;
            if (score > bestScore) {
              bestScore = score;
              bestFeature = f;
              bestPos = i - base;
              bestWeight = wl;
              bestSum = sl;
              const mid = (xv + xn) / 2;
              // the midpoint of two adjacent doubles may round onto the lower one
              bestThreshold = mid > xv ? mid : xn;
            }
          }
          r = rn;
          xv = xn;
        }
      }
      if (bestFeature < 0) continue;

      const leftNode = nextNode++;
      const rightNode = nextNode++;
      featureOf[node] = bestFeature;
      thresholdOf[node] = bestThreshold;
      leftOf[node] = leftNode;
      rightOf[node] = rightNode;
      const leftRows = bestPos - start + 1;
      const rightWeight = weight - bestWeight;
      // a child that cannot split becomes a leaf here, so its rows never need sorting again
      const leftSplits = depth + 1 < maxDepth && bestWeight >= 2 * minNodeSize;
      const rightSplits = depth + 1 < maxDepth && rightWeight >= 2 * minNodeSize;
      if (!leftSplits) {
        featureOf[leftNode] = -1;
        valueOf[leftNode] = bestSum / bestWeight;
      }
      if (!rightSplits) {
        featureOf[rightNode] = -1;
        valueOf[rightNode] = (sum - bestSum) / rightWeight;
      }
      if (!leftSplits && !rightSplits) continue;

      const bestBase = bestFeature * rows;
      for (let i = start; i < end; i++) goesLeft[lists[bestBase + i]!] = i <= bestPos ? 1 : 0;
      // stable partition of every other column's segment keeps each side sorted; branch-free,
      // because which side a row goes is a coin flip to the branch predictor
      for (let c = 0; c < features; c++) {
        if (c === bestFeature) continue;
        const base = c * rows;
        let l = base + start;
        let t = 0;
        for (let i = base + start; i < base + end; i++) {
          const r = lists[i]!;
          const g = goesLeft[r]!;
          lists[l] = r;
          tmp[t] = r;
          l += g;
          t += 1 - g;
        }
        for (let i = 0; i < t; i++) lists[l + i] = tmp[i]!;
      }
      if (rightSplits) {
        stack[sp++] = rightNode;
        stack[sp++] = start + leftRows;
        stack[sp++] = end;
        stack[sp++] = depth + 1;
      }
      if (leftSplits) {
        stack[sp++] = leftNode;
        stack[sp++] = start;
        stack[sp++] = start + leftRows;
        stack[sp++] = depth + 1;
      }
    }
  }
}

/** Options of the quantile-forest forecaster (validated by createForecaster's schema). */
export const quantileForestOptionsSchema = z.strictObject({
  forest: forestOptionsSchema.prefault({}),
  /** Observed ticks, ending at the planning instant, that each fit trains on (SPEC: one week). */
  trainWindow: z.number().int().min(4).default(168),
  /**
   * Refit every this many planning instants (distinct ctx.t); in between, the last fit predicts
   * from fresh lags. 1 is the seed's schedule (refit at every instant, every 2 ticks); the
   * default 12 refits once a day at that cadence (bench/forecast.ts has the costs of both).
   */
  refitEvery: z.number().int().min(1).default(12),
  /** Series whose lags are features; each gets its own forest and may be a forecast target. */
  lagSeries: z.array(z.string().min(1)).min(1).default(["loadKw", "pvKw"]),
  /** Weather covariates read at the forecast tick from ctx.covariates (SPEC: temperature). */
  covariates: z.array(z.string()).default(["temperatureC"]),
  /** Floor on every quantile (0: power cannot be negative); null for none. */
  lowerBound: z.number().nullable().default(0),
});

/** Quantile-forest forecaster options after validation (defaults filled). */
export type QuantileForestOptions = z.output<typeof quantileForestOptionsSchema>;
/** What the constructor accepts: any subset of the options, nested ones included. */
export type QuantileForestOptionsInput = z.input<typeof quantileForestOptionsSchema>;

/**
 * The forecast agent's forecaster: a RegressionForest per lagged series, refitted on a rolling
 * window every `refitEvery` planning instants, forecasting recursively with quantiles from the
 * spread of the trees. Randomness comes from `rng`: the fit at instant t of series s draws from
 * the child stream `fit:s@t`, so a forecast depends on the seed and the data only.
 */
export class QuantileForestForecaster implements Forecaster {
  readonly name = "quantile-forest";
  readonly options: QuantileForestOptions;
  readonly layout: FeatureLayout;
  #rng: Rng;
  readonly #forests: readonly RegressionForest[];
  #instantsSinceFit = 0;
  #lastT = -1;
  #fitCount = 0;
  #lastFitTick = -1;
  // preallocated scratch
  #x = new Float64Array(0);
  #labels = new Float64Array(0);
  readonly #recent: Float64Array;
  readonly #recentLow: Float64Array;
  readonly #recentHigh: Float64Array;
  readonly #row: Float64Array;
  readonly #covariates: Float64Array;
  readonly #treeOut: Float64Array;

  constructor(options: QuantileForestOptionsInput = {}, rng: Rng = new Rng(0, "forecast")) {
    this.options = parseConfig("quantile-forest options", quantileForestOptionsSchema, options);
    this.layout = featureLayout(this.options.lagSeries, this.options.covariates);
    this.#rng = rng;
    this.#forests = this.options.lagSeries.map(() => new RegressionForest(this.options.forest));
    const recentLength = this.options.lagSeries.length * LAG_WINDOW;
    this.#recent = new Float64Array(recentLength);
    this.#recentLow = new Float64Array(recentLength);
    this.#recentHigh = new Float64Array(recentLength);
    this.#row = new Float64Array(this.layout.count);
    this.#covariates = new Float64Array(this.options.covariates.length);
    this.#treeOut = new Float64Array(this.options.forest.trees);
  }

  /** Fits done since construction or the last reset. */
  get fitCount(): number {
    return this.#fitCount;
  }

  /** The planning instant (ctx.t) of the last fit, -1 before any. */
  get lastFitTick(): number {
    return this.#lastFitTick;
  }

  /** Drops the fitted forests and the schedule; a new `rng` re-seeds later fits. */
  reset(rng?: Rng): void {
    if (rng !== undefined) this.#rng = rng;
    this.#instantsSinceFit = 0;
    this.#lastT = -1;
    this.#fitCount = 0;
    this.#lastFitTick = -1;
    for (const forest of this.#forests) forest.clear();
  }

  forecast(target: string, ctx: ForecastContext): QuantileForecast {
    const targetIndex = this.options.lagSeries.indexOf(target);
    if (targetIndex < 0) {
      throw new GymError("FORECAST_CONTEXT", `quantile-forest: forecasts only its lagSeries (${this.options.lagSeries.join(", ")}); add "${target}" to lagSeries`);
    }
    checkContext("quantile-forest", this.layout, ctx);
    this.#advanceSchedule(ctx);
    const { t, horizon } = ctx;
    const q05 = new Float64Array(horizon);
    const q50 = new Float64Array(horizon);
    const q95 = new Float64Array(horizon);
    const history = ctx.series[target]!;
    if (!this.#forests[targetIndex]!.fitted) {
      // nothing to learn from yet (t = 0): repeat the one observation, with no spread
      q05.fill(history[t]!);
      q50.fill(history[t]!);
      q95.fill(history[t]!);
      return this.#floor({ q05, q50, q95 });
    }
    const recent = this.#recent;
    const low = this.#recentLow;
    const high = this.#recentHigh;
    fillRecent(this.layout, ctx.series, t + 1, recent);
    low.set(recent);
    high.set(recent);
    const trees = this.#treeOut;
    const n = trees.length;
    const seriesCount = this.#forests.length;
    for (let k = 0; k < horizon; k++) {
      const tau = t + 1 + k;
      const calendar = ctx.calendar(tau);
      readCovariates(this.layout, ctx, tau, this.#covariates);
      writeFeatures(this.layout, recent, this.#covariates, calendar, this.#row);
      let targetMedian = 0;
      for (let s = 0; s < seriesCount; s++) {
        this.#forests[s]!.predictTrees(this.#row, trees);
        trees.sort();
        const median = quantileOfSorted(trees, n, 0.5);
        if (s === targetIndex) targetMedian = median;
        pushRecent(recent, s, median);
        if (s !== targetIndex) {
          pushRecent(low, s, median);
          pushRecent(high, s, median);
        }
      }
      const target = this.#forests[targetIndex]!;
      writeFeatures(this.layout, low, this.#covariates, calendar, this.#row);
      target.predictTrees(this.#row, trees);
      trees.sort();
      const lower = Math.min(quantileOfSorted(trees, n, 0.05), targetMedian);
      writeFeatures(this.layout, high, this.#covariates, calendar, this.#row);
      target.predictTrees(this.#row, trees);
      trees.sort();
      const upper = Math.max(quantileOfSorted(trees, n, 0.95), targetMedian);
      pushRecent(low, targetIndex, lower);
      pushRecent(high, targetIndex, upper);
      q05[k] = lower;
      q50[k] = targetMedian;
      q95[k] = upper;
    }
    return this.#floor({ q05, q50, q95 });
  }

  /** Counts planning instants and refits when the schedule says so. */
  #advanceSchedule(ctx: ForecastContext): void {
    if (ctx.t === this.#lastT) return;
    // time running backwards means a new episode without reset(): start the schedule over
    if (ctx.t < this.#lastT) this.reset();
    this.#lastT = ctx.t;
    this.#instantsSinceFit++;
    const due = this.#fitCount === 0 || this.#instantsSinceFit >= this.options.refitEvery;
    if (due && this.#fit(ctx)) this.#instantsSinceFit = 0;
  }

  /** Fits every series' forest on the rolling window ending at ctx.t; false with no rows yet. */
  #fit(ctx: ForecastContext): boolean {
    const { t } = ctx;
    // tick 0 has no past of its own, so training rows start at tick 1
    const first = Math.max(1, t - this.options.trainWindow + 1);
    const rows = t - first + 1;
    if (rows < 1) return false;
    const p = this.layout.count;
    if (this.#x.length < rows * p) this.#x = new Float64Array(rows * p);
    if (this.#labels.length < rows) this.#labels = new Float64Array(rows);
    const x = this.#x.subarray(0, rows * p);
    const recent = this.#recent;
    for (let i = 0; i < rows; i++) {
      const tau = first + i;
      fillRecent(this.layout, ctx.series, tau, recent);
      readCovariates(this.layout, ctx, tau, this.#covariates);
      writeFeatures(this.layout, recent, this.#covariates, ctx.calendar(tau), x, i, rows);
    }
    for (let s = 0; s < this.#forests.length; s++) {
      const name = this.options.lagSeries[s]!;
      const values = ctx.series[name]!;
      for (let i = 0; i < rows; i++) this.#labels[i] = values[first + i]!;
      this.#forests[s]!.fit(x, this.#labels, rows, p, this.#rng.child(`fit:${name}@${t}`));
    }
    this.#fitCount++;
    this.#lastFitTick = t;
    return true;
  }

  #floor(f: QuantileForecast): QuantileForecast {
    const floor = this.options.lowerBound;
    if (floor === null) return f;
    for (const q of [f.q05, f.q50, f.q95]) for (let k = 0; k < q.length; k++) if (q[k]! < floor) q[k] = floor;
    return f;
  }
}
