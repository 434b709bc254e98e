/**
 * The local trial executor: a Piscina pool of worker threads, one trial per thread at a time.
 *
 * Failure handling. Piscina rejects a task when its function throws, when the thread dies
 * (`process.exit` in a worker ends that thread only) or when an uncaught error escapes it; in
 * the last two cases it replaces the thread. Each rejection is one failed attempt: the trial
 * goes back to the end of the queue until it has used `maxAttempts`, then it is reported as
 * failed and the other trials carry on. A trial's result is handed to `onResult` at most once.
 * A trial whose config is invalid (its task returned a TaskConfigFailure, see executor.ts) fails
 * at once: running it again would fail the same way.
 *
 * Worker module. The task module is the compiled `trial-worker.js` next to this file after
 * `tsc`, or `trial-worker.ts` when this file itself runs as TypeScript under tsx (tests,
 * dev); a `.ts` module needs tsx's loader in the worker thread, which is added to the
 * worker's execArgv unless the parent process was already started with it (threads inherit it).
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Piscina } from "piscina";
import { ConfigError, WorkerError, describeValue } from "../src/core/errors.js";
import {
  type ExecutorReport, type FailureHandler, type ResultHandler, type TrialExecutor, type TrialFailure, type TrialTask, configErrorOf,
} from "./executor.js";
import { type TrialResult, TrialResultSchema, trialId } from "./trial.js";

/** Options of the Piscina executor. */
export interface PiscinaExecutorOptions {
  /** Worker threads, each running one trial at a time. Default: the machine's available parallelism. */
  workers?: number;
  /** Attempts per trial, the first included, before it counts as failed. Default 2. */
  maxAttempts?: number;
  /**
   * Module whose default export runs one trial (a file path or file: URL). Default: the
   * package's trial worker. Tests pass a fixture that fakes training. A module whose trial can
   * be invalid wraps its function with `returningConfigErrors` (executor.ts), so an invalid
   * trial is not retried.
   */
  taskModule?: string | URL;
}

interface FilledOptions {
  workers: number;
  maxAttempts: number;
  taskModule: string;
}

const OWNER = "PiscinaExecutor options";
const KNOWN_OPTIONS = ["workers", "maxAttempts", "taskModule"];
const SOURCE_EXTENSION = /\.[mc]?ts$/;

/** The packaged worker module, matching how this file runs: compiled (.js) or under tsx (.ts). */
export function defaultTaskModule(): string {
  const here = fileURLToPath(import.meta.url);
  return fileURLToPath(new URL(SOURCE_EXTENSION.test(here) ? "./trial-worker.ts" : "./trial-worker.js", import.meta.url));
}

function optionError(field: string, expected: string, value: unknown): ConfigError {
  return new ConfigError(OWNER, [{ path: `options.${field}`, expected, received: describeValue(value) }]);
}

function positiveInteger(field: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw optionError(field, "a positive integer", value);
  }
  return value;
}

/** Validates options by hand, like Piscina does, but throwing our ConfigError with the option's path. */
function fillOptions(options: unknown): FilledOptions {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new ConfigError(OWNER, [{ path: "options", expected: "an object", received: describeValue(options) }]);
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN_OPTIONS.includes(key)) throw optionError(key, `no such option (one of ${KNOWN_OPTIONS.join(", ")})`, o[key]);
  }
  let taskModule = defaultTaskModule();
  if (o["taskModule"] !== undefined) {
    const raw = o["taskModule"];
    const path = raw instanceof URL ? (raw.protocol === "file:" ? fileURLToPath(raw) : null)
      : typeof raw === "string" ? (raw.startsWith("file:") ? fileURLToPath(raw) : raw)
      : null;
    if (path === null) throw optionError("taskModule", "a file path or file: URL", raw);
    if (!existsSync(path)) throw optionError("taskModule", "an existing file", path);
    taskModule = path;
  }
  return {
    workers: positiveInteger("workers", o["workers"], availableParallelism()),
    maxAttempts: positiveInteger("maxAttempts", o["maxAttempts"], 2),
    taskModule,
  };
}

/** execArgv for threads running `module`: tsx's loader for TypeScript, unless inherited. */
function workerExecArgv(module: string): string[] | undefined {
  if (!SOURCE_EXTENSION.test(module)) return undefined;
  // `--import tsx`, `--import=tsx`, or tsx's CLI passing its loader by path
  if (process.execArgv.some((arg) => arg === "tsx" || arg.endsWith("=tsx") || arg.includes("/tsx/"))) return undefined;
  // resolved from this package, not the working directory, so it works wherever the CLI runs
  return [...process.execArgv, "--import", import.meta.resolve("tsx")];
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs trials on local worker threads; see the module comment for failure handling. */
export class PiscinaExecutor implements TrialExecutor {
  readonly #options: FilledOptions;
  readonly #pool: Piscina;
  #closed = false;

  /** Throws a ConfigError naming the option for invalid options. */
  constructor(options: PiscinaExecutorOptions = {}) {
    this.#options = fillOptions(options);
    const execArgv = workerExecArgv(this.#options.taskModule);
    this.#pool = new Piscina({
      filename: pathToFileURL(this.#options.taskModule).href,
      minThreads: this.#options.workers,
      maxThreads: this.#options.workers,
      concurrentTasksPerWorker: 1,
      ...(execArgv === undefined ? {} : { execArgv }),
    });
    // Piscina emits 'error' for a thread that fails while running no task (the task it ran has
    // already settled, and the thread is replaced); without a listener that would crash the sweep.
    this.#pool.on("error", () => {});
  }

  /** The validated options, defaults filled in. */
  get options(): Readonly<{ workers: number; maxAttempts: number; taskModule: string }> {
    return { ...this.#options };
  }

  async run(tasks: readonly TrialTask[], onResult: ResultHandler, onError: FailureHandler): Promise<ExecutorReport> {
    if (this.#closed) throw new WorkerError("PiscinaExecutor: run() after close()");
    const unique = new Map<string, TrialTask>();
    for (const task of tasks) {
      const id = trialId(task.spec);
      if (!unique.has(id)) unique.set(id, task);
    }
    const completed: string[] = [];
    const failed: TrialFailure[] = [];
    let fatal: { error: unknown } | null = null;
    const { maxAttempts } = this.#options;

    const runOne = async (id: string, task: TrialTask): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        let outcome: { result: TrialResult } | { error: unknown; configError: ConfigError | null };
        try {
          const raw: unknown = await this.#pool.run(task);
          const configError = configErrorOf(raw);
          if (configError !== null) {
            outcome = { error: configError, configError };
          } else {
            const result = TrialResultSchema.parse(raw);
            if (result.id !== id) throw new Error(`task returned the result of trial ${result.id}`);
            outcome = { result };
          }
        } catch (err) {
          outcome = { error: err, configError: null };
        }
        if (fatal !== null || this.#closed) return;
        if ("error" in outcome) {
          // an invalid trial would fail the same way on every attempt
          const willRetry = outcome.configError === null && attempt < maxAttempts;
          const failure: TrialFailure = {
            id,
            spec: task.spec,
            attempt,
            willRetry,
            error: new WorkerError(`trial ${id} (${task.spec.algo}, seed ${task.spec.seed}) attempt ${attempt}/${maxAttempts}: ${messageOf(outcome.error)}`),
            ...(outcome.configError === null ? {} : { configError: outcome.configError }),
          };
          onError(failure);
          if (willRetry) continue;
          failed.push(failure);
          return;
        }
        try {
          await onResult(outcome.result);
        } catch (error) {
          fatal ??= { error };
          return;
        }
        completed.push(id);
        return;
      }
    };

    await Promise.all([...unique].map(([id, task]) => runOne(id, task)));
    // runOne assigns fatal inside its closure, which TypeScript's narrowing does not see
    if (fatal !== null) throw (fatal as { error: unknown }).error;
    if (this.#closed) throw new WorkerError("PiscinaExecutor: closed while trials were running");
    return { completed, failed };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.destroy();
  }
}
