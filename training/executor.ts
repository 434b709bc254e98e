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
 * - `run` resolves when every trial has either a result or a final failure, and rejects only
 *   when `onResult` throws (the results could not be recorded) or the executor is closed.
 */
import type { WorkerError } from "../src/core/errors.js";
import type { TrialResult, TrialSpec } from "./trial.js";

/** One trial to run: its spec plus where it may write files (models). */
export interface TrialTask {
  spec: TrialSpec;
  /** Sweep output directory, or null to keep nothing on disk. Not part of the trial id. */
  outDir: string | null;
}

/** A failed attempt of a trial. */
export interface TrialFailure {
  id: string;
  spec: TrialSpec;
  /** 1 for the first attempt. */
  attempt: number;
  /** Whether the executor will attempt the trial again. */
  willRetry: boolean;
  error: WorkerError;
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
