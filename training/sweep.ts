/**
 * Running a sweep: expand the spec, skip the trials its results store already holds, run the
 * rest on an executor, and record each result the moment it arrives.
 *
 * Resuming is the normal path, not a special mode: a sweep killed at any point (SIGKILL
 * included) is resumed by running the same spec again. Finished trials are in the store and
 * are skipped; trials that were running when the process died were never recorded and run
 * again; the store never holds a trial twice.
 */
import "../envs/index.js";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { availableParallelism, hostname } from "node:os";
import { join, resolve } from "node:path";
import { WorkerError } from "../src/core/errors.js";
import { resolveConfig } from "../src/core/registry.js";
import type { TrialExecutor, TrialFailure, TrialTask } from "./executor.js";
import { PiscinaExecutor } from "./pool.js";
import { ResultsStore } from "./results-store.js";
import { type SweepSpec, expandSweep, parseSweepSpec } from "./sweep-spec.js";
import { type TrialResult, type TrialSpec, trialId } from "./trial.js";

/** File name of the lock a running sweep holds in its output folder. */
export const LOCK_FILE = ".sweep.lock";

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The lock of a sweep folder: a file created exclusively (O_EXCL) holding the owner's pid and
 * host, so two sweeps into one folder do not both run every trial. A lock whose process is gone
 * (same host, pid not alive: a sweep killed by SIGKILL) is taken over.
 */
export class SweepLock {
  private constructor(readonly file: string) {}

  /**
   * Takes the lock of `outDir`.
   * @throws WorkerError naming the pid of the sweep that holds it
   */
  static acquire(outDir: string): SweepLock {
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, LOCK_FILE);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(file, "wx");
        writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname() }));
        closeSync(fd);
        return new SweepLock(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      let owner: { pid?: unknown; host?: unknown } = {};
      try {
        owner = JSON.parse(readFileSync(file, "utf8"));
      } catch {
        // a lock being written this instant, or damaged: treated as held
      }
      const pid = typeof owner.pid === "number" ? owner.pid : null;
      if (pid !== null && owner.host === hostname() && !processAlive(pid)) {
        rmSync(file, { force: true });
        continue;
      }
      throw new WorkerError(
        `another sweep (pid ${pid ?? "?"} on ${typeof owner.host === "string" ? owner.host : "?"}) is running into ${outDir}; ` +
        `wait for it to finish, or remove ${file} if no sweep is running`,
      );
    }
    throw new WorkerError(`could not take the lock ${file}`);
  }

  /** Releases the lock; safe to call twice. */
  release(): void {
    rmSync(this.file, { force: true });
  }
}

/** Where a sweep stands; passed to `onProgress` after every change. */
export interface SweepProgress {
  /** Trials in the sweep. */
  total: number;
  /** Trials recorded before this run started. */
  skipped: number;
  /** Trials finished and recorded by this run. */
  done: number;
  /** Trials that exhausted their attempts in this run. */
  failed: number;
  /** The event behind this update. */
  event:
    | { kind: "start" }
    | { kind: "result"; result: TrialResult }
    /** A failed attempt that will be retried. */
    | { kind: "retry"; failure: TrialFailure }
    /** A trial that exhausted its attempts. */
    | { kind: "failure"; failure: TrialFailure };
}

/** Options of runSweep. */
export interface RunSweepOptions {
  /** Worker threads of the default Piscina executor (ignored with `executor`). */
  workers?: number;
  /** Attempts per trial of the default Piscina executor (ignored with `executor`). Default 2. */
  maxAttempts?: number;
  /** Runs the trials; the caller keeps ownership and closes it. Default: a Piscina pool, closed at the end. */
  executor?: TrialExecutor;
  onProgress?: (progress: SweepProgress) => void;
  /**
   * Check every trial's hyperparameters against its learner's schema before anything runs.
   * Default: true with the default executor (whose workers run the real learners); false when
   * a custom executor is passed, since its task module may read other fields.
   */
  checkHyperparameters?: boolean;
}

/** One trial of the sweep as it stands after the run. */
export interface SweepTrialSummary {
  id: string;
  spec: TrialSpec;
  status: "done" | "skipped" | "failed";
  /** KPIs of a recorded trial; absent for a failed one. */
  kpis?: Record<string, number>;
  /** The final error of a failed trial. */
  error?: string;
}

/** What a sweep run did. */
export interface SweepSummary {
  total: number;
  skipped: number;
  done: number;
  failed: number;
  /** Absolute path of the results store. */
  resultsFile: string;
  /** Every trial of the sweep, in expansion order. */
  trials: SweepTrialSummary[];
}

/**
 * Checks every distinct env config and every distinct set of hyperparameters against their
 * schemas before any trial starts, so a typo fails the sweep at once, with the field named,
 * instead of failing (and being retried) in every worker. The learners' schemas load tfjs,
 * so they are imported only here, when a sweep is about to run.
 */
async function checkTrialConfigs(trials: readonly TrialSpec[], checkHyperparameters: boolean): Promise<void> {
  const checked = new Set<string>();
  for (const trial of trials) {
    const envKey = JSON.stringify(["env", trial.envId, trial.envConfig]);
    if (!checked.has(envKey)) {
      checked.add(envKey);
      resolveConfig(trial.envId, trial.envConfig);
    }
  }
  if (!checkHyperparameters) return;
  const { parseA2cConfig } = await import("../agents/a2c.js");
  const { parseDqnConfig } = await import("../agents/dqn.js");
  const { parsePpoConfig } = await import("../agents/ppo.js");
  const parsers = { dqn: parseDqnConfig, ppo: parsePpoConfig, a2c: parseA2cConfig };
  for (const trial of trials) {
    const hpKey = JSON.stringify([trial.algo, trial.hyperparameters]);
    if (!checked.has(hpKey)) {
      checked.add(hpKey);
      parsers[trial.algo](trial.hyperparameters);
    }
  }
}

/**
 * Runs (or resumes) a sweep and returns what happened to each trial. Throws a ConfigError
 * for an invalid spec or env config before anything runs. Failed trials do not throw: they
 * are in the summary and run again on the next call.
 */
export async function runSweep(input: unknown, opts: RunSweepOptions = {}): Promise<SweepSummary> {
  const spec: SweepSpec = parseSweepSpec(input);
  const trials = expandSweep(spec);
  await checkTrialConfigs(trials, opts.checkHyperparameters ?? opts.executor === undefined);
  const outDir = resolve(spec.outDir);
  const lock = SweepLock.acquire(outDir);
  try {
    return await runLocked(trials, outDir, opts);
  } finally {
    lock.release();
  }
}

async function runLocked(trials: TrialSpec[], outDir: string, opts: RunSweepOptions): Promise<SweepSummary> {
  const store = ResultsStore.inDir(outDir);
  const finished = store.load();
  const ids = trials.map((t) => trialId(t));
  const pending: TrialTask[] = trials.filter((_, i) => !finished.has(ids[i]!)).map((spec) => ({ spec, outDir }));
  const skippedIds = new Set(ids.filter((id) => finished.has(id)));

  const progress = { total: trials.length, skipped: skippedIds.size, done: 0, failed: 0 };
  const report = (event: SweepProgress["event"]): void => opts.onProgress?.({ ...progress, event });
  report({ kind: "start" });

  const failures = new Map<string, TrialFailure>();
  if (pending.length > 0) {
    const executor = opts.executor ?? new PiscinaExecutor({
      // no point starting threads that would never get a trial
      workers: Math.min(opts.workers ?? availableParallelism(), pending.length),
      ...(opts.maxAttempts === undefined ? {} : { maxAttempts: opts.maxAttempts }),
    });
    try {
      await executor.run(
        pending,
        (result) => {
          if (store.append(result)) progress.done++;
          report({ kind: "result", result });
        },
        (failure) => {
          if (failure.willRetry) {
            report({ kind: "retry", failure });
            return;
          }
          failures.set(failure.id, failure);
          progress.failed++;
          report({ kind: "failure", failure });
        },
      );
    } finally {
      if (opts.executor === undefined) await executor.close();
    }
  }

  const recorded = new Map(store.results().map((r) => [r.id, r] as const));
  return {
    ...progress,
    resultsFile: store.file,
    trials: trials.map((spec, i): SweepTrialSummary => {
      const id = ids[i]!;
      const result = recorded.get(id);
      if (result !== undefined) return { id, spec, status: skippedIds.has(id) ? "skipped" : "done", kpis: result.kpis };
      return { id, spec, status: "failed", error: failures.get(id)?.error.message ?? "not run" };
    }),
  };
}
