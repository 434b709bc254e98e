/**
 * Sweep specs: a JSON description of many trials, and its expansion into trial specs.
 *
 * A sweep fixes the environment, the step budget and the output directory, lists the
 * algorithms and seeds, and searches over env config fields and hyperparameters named by
 * dotted paths (`envConfig.battery.capacityKwh`, `hyperparameters.learningRate`):
 *
 * - grid: every combination of each parameter's `values`;
 * - random: `samples` points drawn from `values` (choice), `uniform`, `logUniform` or
 *   `intUniform` ranges, from a seeded stream, so the same spec always gives the same trials.
 *
 * Each point runs once per algorithm and seed; a trial whose env config names a data file
 * carries the file's content digest (`withDataHashes`), so changed data is a new trial. Expansion order is fixed (algorithm as listed,
 * then search point, then seed as listed) so progress and CSV rows read the same on every run.
 */
import { z } from "zod";
import { ConfigError, describeValue, parseConfig } from "../src/core/errors.js";
import { Rng } from "../src/core/rng.js";
import { ALGOS, type TrialSpec, parseTrialSpec, trialId, withDataHashes } from "./trial.js";

const PARAM_PATH = /^(envConfig|hyperparameters)(\.[A-Za-z_$][A-Za-z0-9_$]*)+$/;
const DISTRIBUTIONS = ["values", "uniform", "logUniform", "intUniform"] as const;

const Range = z.tuple([z.number(), z.number()]);

/** One searched parameter: exactly one of a list of values or a range to draw from. */
const ParamSchema = z.strictObject({
  values: z.array(z.json()).min(1).optional().meta({ description: "The values to try (grid), or to draw from with equal chance (random)." }),
  uniform: Range.optional().meta({ description: "[low, high]: drawn uniformly (random search)." }),
  logUniform: Range.optional().meta({ description: "[low, high] with low > 0: drawn uniformly in log space (random search)." }),
  intUniform: z.tuple([z.number().int(), z.number().int()]).optional().meta({ description: "[low, high]: an integer drawn uniformly, both ends included (random search)." }),
}).superRefine((p, ctx) => {
  const given = DISTRIBUTIONS.filter((d) => p[d] !== undefined);
  if (given.length !== 1) {
    ctx.addIssue({ code: "custom", message: `exactly one of ${DISTRIBUTIONS.join(", ")}` });
    return;
  }
  const range = p.uniform ?? p.logUniform ?? p.intUniform;
  if (range !== undefined && !(range[0] < range[1])) {
    ctx.addIssue({ code: "custom", path: [given[0]!], message: "[low, high] with low < high" });
  }
  if (p.logUniform !== undefined && !(p.logUniform[0] > 0)) {
    ctx.addIssue({ code: "custom", path: ["logUniform"], message: "[low, high] with low > 0" });
  }
});

/** A searched parameter, validated. */
export type SweepParam = z.output<typeof ParamSchema>;

const SearchSchema = z.strictObject({
  method: z.enum(["grid", "random"]).meta({ description: "`grid`: every combination of the parameters' values; `random`: `samples` points drawn from a seeded stream." }),
  samples: z.number().int().min(1).optional().meta({ description: "Random search: how many points to draw." }),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().meta({ description: "Random search: seed of the sampling stream." }),
  params: z.record(z.string(), ParamSchema).prefault({}).meta({ description: "Searched parameters by dotted path." }),
}).superRefine((s, ctx) => {
  for (const [path, param] of Object.entries(s.params)) {
    if (!PARAM_PATH.test(path)) {
      ctx.addIssue({ code: "custom", path: ["params", path], message: "a key envConfig.<field> or hyperparameters.<field>" });
    }
    if (s.method === "grid" && param.values === undefined) {
      ctx.addIssue({ code: "custom", path: ["params", path], message: "values (a grid search cannot draw from a range)" });
    }
  }
  if (s.method === "random") {
    if (s.samples === undefined) ctx.addIssue({ code: "custom", path: ["samples"], message: "an integer >= 1 for a random search" });
    if (s.seed === undefined) ctx.addIssue({ code: "custom", path: ["seed"], message: "an integer >= 0 for a random search" });
  } else {
    if (s.samples !== undefined) ctx.addIssue({ code: "custom", path: ["samples"], message: "no samples in a grid search" });
    if (s.seed !== undefined) ctx.addIssue({ code: "custom", path: ["seed"], message: "no seed in a grid search" });
  }
});

/** A sweep spec as written in a JSON file. */
export const SweepSpecSchema = z.strictObject({
  envId: z.string().min(1).meta({ description: "Registered environment id." }),
  envConfig: z.looseObject({}).prefault({}).meta({ description: "Env config shared by every trial; searched fields are set on top of it." }),
  algos: z.array(z.enum(ALGOS)).min(1).meta({ description: "Learners to train, in this order." }),
  hyperparameters: z.strictObject({
    dqn: z.looseObject({}).optional().meta({ description: "DQN hyperparameters (agents/dqn.ts)." }),
    ppo: z.looseObject({}).optional().meta({ description: "PPO hyperparameters (agents/ppo.ts)." }),
    a2c: z.looseObject({}).optional().meta({ description: "A2C hyperparameters (agents/a2c.ts)." }),
  }).prefault({}).meta({ description: "Hyperparameters per learner, shared by its trials; searched fields are set on top." }),
  seeds: z.array(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)).min(1).meta({ description: "Seeds every search point runs with, in this order." }),
  steps: z.number().int().min(1).meta({ description: "Environment steps per trial." }),
  search: SearchSchema.prefault({ method: "grid" }).meta({ description: "How searched parameters are combined; no search means one point, the base configs." }),
  outDir: z.string().min(1).meta({ description: "Directory of the results store and saved models, relative to the working directory." }),
});

/** A validated sweep spec with defaults filled in. */
export type SweepSpec = z.output<typeof SweepSpecSchema>;

/** Validates a sweep spec; throws one ConfigError naming every bad field by its path. */
export function parseSweepSpec(input: unknown): SweepSpec {
  return parseConfig("sweep spec", SweepSpecSchema, input);
}

/**
 * The most trials one sweep may expand to. Expansion builds every trial spec in memory (and the
 * results store holds one line each), so a grid of 1e8 points is refused up front, not run out of memory.
 */
export const MAX_SWEEP_TRIALS = 100_000;

/** Refuses a sweep whose expansion would exceed MAX_SWEEP_TRIALS, before expanding anything. */
function checkSweepSize(spec: SweepSpec): void {
  const { search } = spec;
  const points = search.method === "grid"
    ? Object.values(search.params).reduce((n, p) => n * p.values!.length, 1)
    : search.samples!;
  const trials = points * spec.algos.length * spec.seeds.length;
  if (trials > MAX_SWEEP_TRIALS) {
    throw new ConfigError("sweep spec", [{
      path: search.method === "grid" ? "search.params" : "search.samples",
      expected: `a sweep of at most ${MAX_SWEEP_TRIALS} trials (points x algos x seeds); split it into several sweeps`,
      received: `${points} ${search.method === "grid" ? "grid points" : "samples"} x ${spec.algos.length} algos x ${spec.seeds.length} seeds = ${trials} trials`,
    }]);
  }
}

type Point = ReadonlyArray<readonly [path: string, value: unknown]>;

/** Grid points: an odometer over the parameters in sorted path order, the first slowest. */
function gridPoints(params: Record<string, SweepParam>): Point[] {
  const paths = Object.keys(params).sort();
  let points: Point[] = [[]];
  for (const path of paths) {
    const values = params[path]!.values!;
    points = points.flatMap((point) => values.map((v) => [...point, [path, v] as const]));
  }
  return points;
}

function draw(param: SweepParam, rng: Rng): unknown {
  if (param.values !== undefined) return param.values[rng.int(param.values.length)];
  if (param.uniform !== undefined) return rng.uniform(param.uniform[0], param.uniform[1]);
  if (param.logUniform !== undefined) {
    return Math.exp(rng.uniform(Math.log(param.logUniform[0]), Math.log(param.logUniform[1])));
  }
  const [low, high] = param.intUniform!;
  return low + rng.int(high - low + 1);
}

/**
 * Random points, each parameter drawn in sorted path order from one stream, so adding
 * samples keeps the earlier points.
 */
function randomPoints(params: Record<string, SweepParam>, samples: number, seed: number): Point[] {
  const paths = Object.keys(params).sort();
  const rng = new Rng(seed, "sweep/random-search");
  return Array.from({ length: samples }, () => paths.map((path) => [path, draw(params[path]!, rng)] as const));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Sets `value` at dotted `fields` in a copy of `base`; every field on the way must be an object or absent. */
function withField(base: Record<string, unknown>, fields: readonly string[], value: unknown, paramPath: string): Record<string, unknown> {
  const [head, ...rest] = fields as [string, ...string[]];
  if (rest.length === 0) return { ...base, [head]: value };
  const inner = base[head];
  if (inner !== undefined && !isPlainObject(inner)) {
    throw new ConfigError("sweep spec", [{
      path: `search.params.${paramPath}`,
      expected: `a path through objects, but ${head} is already set to a non-object`,
      received: describeValue(inner),
    }]);
  }
  return { ...base, [head]: withField(inner ?? {}, rest, value, paramPath) };
}

/**
 * Expands a sweep spec into trial specs in a deterministic order (algorithm, search point,
 * seed). Trials that come out identical (a random search drawing the same choice twice)
 * appear once, at their first position. Throws a ConfigError for an invalid spec, or one that
 * would expand to more than MAX_SWEEP_TRIALS trials.
 */
export function expandSweep(input: unknown): TrialSpec[] {
  const spec = parseSweepSpec(input);
  checkSweepSize(spec);
  const { search } = spec;
  const points = search.method === "grid"
    ? gridPoints(search.params)
    : randomPoints(search.params, search.samples!, search.seed!);
  const seen = new Set<string>();
  const trials: TrialSpec[] = [];
  for (const algo of spec.algos) {
    for (const point of points) {
      let envConfig: Record<string, unknown> = spec.envConfig;
      let hyperparameters: Record<string, unknown> = spec.hyperparameters[algo] ?? {};
      for (const [path, value] of point) {
        const [root, ...fields] = path.split(".");
        if (root === "envConfig") envConfig = withField(envConfig, fields, value, path);
        else hyperparameters = withField(hyperparameters, fields, value, path);
      }
      for (const seed of spec.seeds) {
        const trial = withDataHashes(parseTrialSpec({ envId: spec.envId, envConfig, algo, hyperparameters, seed, steps: spec.steps }));
        const id = trialId(trial);
        if (seen.has(id)) continue;
        seen.add(id);
        trials.push(trial);
      }
    }
  }
  return trials;
}
