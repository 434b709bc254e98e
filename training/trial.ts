/**
 * A trial: one training run, fully described by (env id, env config, algo, hyperparameters,
 * seed, step budget). Its id is a hash of that description, so the same trial has the same
 * id on every machine and every re-run of a sweep; the results store and the executors key
 * everything by it.
 *
 * `runTrial` is what a worker thread calls: it trains through `train()` and returns plain
 * data (numbers, strings, arrays), never tensors or class instances, so the result can
 * cross a thread or process boundary and be written as one JSON line.
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { parseConfig } from "../src/core/errors.js";
import { dataPath } from "../src/data/paths.js";
import type { Algo, TrainHooks, TrainOptions, TrainResult } from "./train.js";

/** The learners a trial can train, in the order sweeps list them. */
export const ALGOS = ["dqn", "ppo", "a2c"] as const satisfies readonly Algo[];

// an object of any fields: the env's and the learner's own schemas check them when the trial
// runs; here it only has to be an object, so the message says "an object" and not "a record"
const FieldObject = z.looseObject({});

/** What identifies a trial. Everything here changes the result, so everything is hashed. */
export const TrialSpecSchema = z.strictObject({
  /** Registered environment id, e.g. `CommunityBattery-v0`. */
  envId: z.string().min(1),
  /** Environment config, validated by the env's own schema when the trial runs. */
  envConfig: FieldObject.prefault({}),
  algo: z.enum(ALGOS),
  /** Learner hyperparameters, validated by the learner's own schema when the trial runs. */
  hyperparameters: FieldObject.prefault({}),
  /** Root seed of the run: weight init, exploration and env episodes derive from it. */
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** Environment steps to train for. */
  steps: z.number().int().min(1),
  /** Envs stepped together (absent: 1, and the trial id is what it was without this field). */
  numEnvs: z.number().int().min(1).max(256).optional(),
  /**
   * Parallel envs: how the agents are trained (train()'s `sharing.mode`: one shared network, or
   * one network per agent; `central-critic`: one shared network whose critic also reads every
   * agent's observation, MAPPO's centralised critic, PPO and A2C). Absent: shared, and the trial
   * id is what it was without this field.
   */
  sharing: z.strictObject({ mode: z.enum(["shared", "independent", "central-critic"]) }).optional(),
  /**
   * How the run is evaluated while it trains (optional: absent, train()'s defaults apply and the
   * trial id is what it was without this field). `keepBest` keeps the best-evaluated learner;
   * give it validation `seeds` apart from the seeds the model is finally judged on.
   */
  evaluation: z.strictObject({
    seeds: z.array(z.number().int().min(1000)).min(1).optional(),
    every: z.number().int().min(0).optional(),
    keepBest: z.boolean().optional(),
  }).optional(),
  /**
   * SHA-256 (first 16 hex digits) of each data file the env config names, by the field that
   * names it (`envConfig.data.file`): the file's contents are part of what the trial is, so
   * changed data gives a new trial id. Filled by `withDataHashes`; absent when no file is named.
   */
  dataHashes: z.record(z.string(), z.string().regex(/^[0-9a-f]{16}$/)).optional(),
});

/** A validated trial description with defaults filled in. */
export type TrialSpec = z.output<typeof TrialSpecSchema>;

/** What a finished trial reports; one line of the results store. */
export const TrialResultSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{16}$/),
  spec: TrialSpecSchema,
  kpis: z.record(z.string(), z.number()),
  learningCurve: z.array(z.object({
    step: z.number(),
    /** Training wall time at the point (evaluations excluded). */
    seconds: z.number().optional(),
    episodeReturn: z.number().optional(),
    evalReturn: z.number().optional(),
  })),
  /** Where the trained model was saved, or null when the trial had no output directory. */
  modelDir: z.string().nullable(),
  wallSeconds: z.number(),
  /** The tfjs backend that ran the trial (`tensorflow`, `wasm` or `cpu`). */
  backend: z.string(),
});

/** A finished trial, as plain data. */
export type TrialResult = z.output<typeof TrialResultSchema>;

/** A trial's learner as tables and progress bars name it: the algorithm, `-independent` for one network per agent, `-central-critic` for MAPPO's critic. */
export function trialLabel(spec: { algo: string; sharing?: { mode: string } | undefined }): string {
  const mode = spec.sharing?.mode;
  return mode === "independent" || mode === "central-critic" ? `${spec.algo}-${mode}` : spec.algo;
}

/** Validates a trial description and fills its defaults; throws a ConfigError naming each bad field. */
export function parseTrialSpec(input: unknown): TrialSpec {
  return parseConfig("trial spec", TrialSpecSchema, input);
}

/**
 * JSON with object keys sorted at every depth, so two specs that differ only in key order
 * (a JSON file edited by hand, a spread in a different order) hash the same.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/**
 * The trial's stable id: the first 16 hex characters of the sha256 of its canonical JSON,
 * after validation, so an omitted field and its default give the same id. 64 bits keep
 * collisions negligible for any sweep a results file can hold (birthday bound ~4e9 trials).
 */
export function trialId(spec: unknown): string {
  const parsed = parseTrialSpec(spec);
  return createHash("sha256").update(canonicalJson(parsed)).digest("hex").slice(0, 16);
}

const digestCache = new Map<string, string>();

/**
 * The first 16 hex digits of the SHA-256 of a file's contents, cached by path, size and
 * modification time, so a sweep of many trials on one large CSV reads it once.
 */
export function fileDigest(path: string): string {
  const st = statSync(path);
  const key = `${path}\0${st.size}\0${st.mtimeMs}`;
  const cached = digestCache.get(key);
  if (cached !== undefined) return cached;
  const hash = createHash("sha256");
  const fd = openSync(path, "r");
  try {
    const chunk = Buffer.alloc(1 << 20);
    for (let n; (n = readSync(fd, chunk, 0, chunk.length, null)) > 0;) hash.update(chunk.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  const digest = hash.digest("hex").slice(0, 16);
  digestCache.set(key, digest);
  return digest;
}

function collectFiles(value: unknown, path: string, out: Record<string, string>): void {
  if (value === null || typeof value !== "object") return;
  for (const [key, inner] of Object.entries(value)) {
    const at = `${path}.${key}`;
    if (key === "file" && typeof inner === "string") {
      try {
        out[at] = fileDigest(dataPath(inner, at));
      } catch {
        // refused or unreadable: the env's own check says so, by field, when the trial is checked
      }
    } else collectFiles(inner, at, out);
  }
}

/**
 * The trial with `dataHashes` set to the digest of every file its env config names (fields
 * named `file`), so its id changes when a file's contents do. A trial naming no file is returned
 * as it is (its id unchanged).
 */
export function withDataHashes(spec: TrialSpec): TrialSpec {
  const hashes: Record<string, string> = {};
  collectFiles(spec.envConfig, "envConfig", hashes);
  const { dataHashes: _old, ...rest } = spec;
  return Object.keys(hashes).length === 0 ? rest : { ...rest, dataHashes: hashes };
}

/** How far a trial has trained. */
export interface TrialProgress {
  id: string;
  /** The learner's label (trialLabel: the algorithm, `-independent` for one network per agent). */
  algo: string;
  /** Env steps done and the budget. */
  step: number;
  steps: number;
  /** Mean return of the last evaluation, when there was one. */
  evalReturn?: number;
}

/** Least time between two progress reports of a trial. */
export const PROGRESS_INTERVAL_MS = 250;

/** The training function a trial calls; `train()` from training/train.ts unless a test injects one. */
export type TrainFn = (opts: TrainOptions) => Promise<TrainResult>;

/** Options of runTrial: where models go, and which trainer runs. */
export interface RunTrialOptions {
  /** Sweep output directory; the model is saved under `<outDir>/models/<trial id>`. */
  outDir?: string;
  /** Replaces `train()`, for tests. */
  train?: TrainFn;
  /** Called with the env steps done, at most every PROGRESS_INTERVAL_MS while the trial trains. */
  onProgress?: (p: TrialProgress) => void;
}

/** Training hooks that report a trial's progress, throttled to PROGRESS_INTERVAL_MS. */
function progressHooks(id: string, spec: TrialSpec, report: (p: TrialProgress) => void): TrainHooks {
  let last = 0;
  let evalReturn: number | undefined;
  const send = (step: number) => report({ id, algo: trialLabel(spec), step, steps: spec.steps, ...(evalReturn === undefined ? {} : { evalReturn }) });
  return {
    onStep: ({ step }) => {
      const now = performance.now();
      if (now - last < PROGRESS_INTERVAL_MS) return;
      last = now;
      send(step);
    },
    onEval: ({ step, meanReturn }) => {
      evalReturn = meanReturn;
      send(step);
    },
  };
}

/**
 * Trains one trial and returns its result as plain data.
 *
 * `train()` is imported lazily: it loads tfjs, which a process that only plans or inspects
 * sweeps (or a test worker with a fake trainer) should not pay for.
 */
export async function runTrial(spec: unknown, opts: RunTrialOptions = {}): Promise<TrialResult> {
  const parsed = parseTrialSpec(spec);
  const id = trialId(parsed);
  const train = opts.train ?? (await import("./train.js")).train;
  const result = await train({
    envId: parsed.envId,
    envConfig: parsed.envConfig,
    algo: parsed.algo,
    hyperparameters: parsed.hyperparameters,
    seed: parsed.seed,
    steps: parsed.steps,
    ...(parsed.numEnvs === undefined ? {} : { numEnvs: parsed.numEnvs }),
    ...(parsed.sharing === undefined ? {} : { sharing: parsed.sharing.mode === "central-critic" ? { mode: "shared", criticState: "team" } : { mode: parsed.sharing.mode } }),
    ...(parsed.evaluation?.seeds === undefined ? {} : { evalSeeds: parsed.evaluation.seeds }),
    ...(parsed.evaluation?.every === undefined ? {} : { evalEvery: parsed.evaluation.every }),
    ...(parsed.evaluation?.keepBest === undefined ? {} : { keepBest: parsed.evaluation.keepBest }),
    ...(opts.outDir === undefined ? {} : { outDir: join(opts.outDir, "models", id) }),
    ...(opts.onProgress === undefined ? {} : { hooks: progressHooks(id, parsed, opts.onProgress) }),
  });
  return {
    id,
    spec: parsed,
    // a KPI undefined for this run (NaN, e.g. a share of zero requests) is left out: results are JSON
    kpis: Object.fromEntries(Object.entries(result.kpis).filter(([, v]) => Number.isFinite(v))),
    // copied field by field so no class instance or typed array leaks into the result
    learningCurve: result.learningCurve.map((p) => ({
      step: p.step,
      seconds: p.seconds,
      ...(p.episodeReturn === undefined ? {} : { episodeReturn: p.episodeReturn }),
      ...(p.evalReturn === undefined ? {} : { evalReturn: p.evalReturn }),
    })),
    modelDir: result.modelDir ?? null,
    wallSeconds: result.wallSeconds,
    backend: result.backend,
  };
}
