/**
 * The executor contract: what runs a batch of trials somewhere and reports each outcome.
 *
 * A sweep only talks to this interface, so where trials run is a choice of implementation:
 * training/pool.ts runs them on local worker threads (Piscina); a queue-backed executor
 * (BullMQ, issue #7) can run them on other machines behind the same contract.
 *
 * What every implementation guarantees:
 * - each distinct trial (by id) is reported at most once through `onResult`, however often
 *   it was attempted or redelivered;
 * - a failed attempt is reported through `onError`, with whether it will be retried; a trial
 *   that exhausts its attempts is reported once more with `willRetry: false` and counted as
 *   failed, and the other trials keep going;
 * - a trial whose spec or config is invalid fails on its first attempt, never retried: its
 *   failure carries the ConfigError naming the bad fields (`configError`);
 * - `run` resolves when every trial has either a result or a final failure, and rejects only
 *   when `onResult` throws (the results could not be recorded) or the executor is closed.
 */
import { ConfigError, type FieldIssue, type WorkerError } from "../src/core/errors.js";
import type { TrialResult, TrialSpec } from "./trial.js";

/** One trial to run: its spec plus where it may write files (models). */
export interface TrialTask {
  spec: TrialSpec;
  /** Sweep output directory, or null to keep nothing on disk. Not part of the trial id. */
  outDir: string | null;
  /** Post TrialProgress messages on the PROGRESS_CHANNEL broadcast channel while training (default false). Not part of the trial id. */
  progress?: boolean;
}

/** The worker_threads BroadcastChannel name trial workers post their TrialProgress on. */
export const PROGRESS_CHANNEL = "gridgym:trial-progress";

/** A failed attempt of a trial. */
export interface TrialFailure {
  id: string;
  spec: TrialSpec;
  /** 1 for the first attempt. */
  attempt: number;
  /** Whether the executor will attempt the trial again. */
  willRetry: boolean;
  error: WorkerError;
  /** Set when the trial's spec or config is invalid; such a trial is never retried. */
  configError?: ConfigError;
}

/** How a batch ended. */
export interface ExecutorReport {
  /** Ids of trials reported through `onResult`, in the order they finished. */
  completed: string[];
  /** The final failure of each trial that exhausted its attempts. */
  failed: TrialFailure[];
}

/** Called with each finished trial; the trial counts as done once the returned promise settles. */
export type ResultHandler = (result: TrialResult) => void | Promise<void>;
/** Called with each failed attempt. */
export type FailureHandler = (failure: TrialFailure) => void;

/** Runs trials and reports their outcomes; see the module comment for the guarantees. */
export interface TrialExecutor {
  /** Runs every task (duplicates by trial id run once) and reports each outcome. */
  run(tasks: readonly TrialTask[], onResult: ResultHandler, onError: FailureHandler): Promise<ExecutorReport>;
  /** Stops the workers; a run in flight rejects. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * What a task module returns, as data, when the trial's spec or config is invalid. Thrown, a
 * ConfigError would reach the main thread as a bare Error (structured cloning keeps only the
 * message), indistinguishable from a failed attempt, and would be retried.
 */
export interface TaskConfigFailure {
  error: { code: "CONFIG_INVALID"; owner: string; message: string; issues: FieldIssue[] };
}

/** Wraps a task module's function so a ConfigError it throws is returned as a TaskConfigFailure. */
export function returningConfigErrors<T>(run: (task: TrialTask) => Promise<T>): (task: TrialTask) => Promise<T | TaskConfigFailure> {
  return async (task) => {
    try {
      return await run(task);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return { error: { code: "CONFIG_INVALID", owner: err.owner, message: err.message, issues: err.issues.map((i) => ({ ...i })) } };
    }
  };
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}

/** The ConfigError a task returned as a TaskConfigFailure, or null when `raw` is anything else. */
export function configErrorOf(raw: unknown): ConfigError | null {
  if (raw === null || typeof raw !== "object" || !("error" in raw)) return null;
  const error = raw.error as Partial<TaskConfigFailure["error"]> | null;
  if (error === null || typeof error !== "object" || error.code !== "CONFIG_INVALID" || !isString(error.owner)) return null;
  const issues: unknown = error.issues;
  if (!Array.isArray(issues)) return null;
  const valid = issues.every((i: unknown) =>
    i !== null && typeof i === "object" && isString((i as FieldIssue).path) && isString((i as FieldIssue).expected) && isString((i as FieldIssue).received));
  return valid ? new ConfigError(error.owner, issues as FieldIssue[]) : null;
}
