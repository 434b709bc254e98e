/**
 * Sweeps across machines: trials as BullMQ jobs in Redis, run by `gridgym worker` processes.
 *
 * Two halves share one queue:
 * - `BullMQExecutor` (the driver, behind the TrialExecutor contract) enqueues each trial with
 *   job id = "trial-" + trial id, so enqueueing is idempotent: a driver that is killed and run again finds
 *   the jobs it already made (finished ones keep their result in Redis) instead of making new ones.
 *   It polls the jobs and hands each finished one to `onResult` once; the sweep's ResultsStore
 *   then drops anything it already holds, so a redelivered trial is never recorded twice.
 *   A recorded job is removed from Redis; a job Redis has lost (a restart without its data) is
 *   enqueued again; a job left failed by an earlier run is replaced, so a re-run retries it.
 *   A Redis command that fails (an error reply, not a wait for reconnection) is retried with
 *   backoff; only when Redis keeps failing for `redisRetryMs` does the run give up, with a
 *   WorkerError naming Redis and its URL. Nothing is lost by giving up: run the sweep again.
 * - `TrialWorker` takes jobs and runs each in its own Piscina pool, so a CPU-bound trial never
 *   blocks the event loop that renews the job's lock. A worker killed mid-trial stops renewing;
 *   another worker's stalled check puts the job back on the queue and it runs elsewhere.
 *   A trial whose spec or env config is invalid fails at once (UnrecoverableError, no retries).
 *   A watchdog (WorkerWatchdog) recreates the BullMQ worker when Redis answers but the worker has
 *   stopped, or keeps reporting errors long after Redis answers; one reconnecting is left alone.
 *
 * Connections: bullmq 6 under ESM takes ioredis instances as `connection`; clients use
 * `maxRetriesPerRequest: null` so commands wait out a Redis restart instead of failing.
 */
import "../envs/index.js";
import { Job, Queue, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import { resolve } from "node:path";
import { resolveConfig } from "../src/core/registry.js";
import { confinePath, dataPath, setDataRoot } from "../src/data/paths.js";
import { ConfigError, WorkerError, describeValue, redactUrl } from "../src/core/errors.js";
import type { ExecutorReport, FailureHandler, ResultHandler, TrialExecutor, TrialFailure, TrialTask } from "./executor.js";
import { PiscinaExecutor } from "./pool.js";
import { type TrialResult, TrialResultSchema, parseTrialSpec, trialId } from "./trial.js";

/** The queue trials go to unless told otherwise; driver and workers must agree on it. */
export const DEFAULT_QUEUE = "gridgym-trials";
const JOB_NAME = "trial";

/** Opens an ioredis client for a `redis://` URL, as BullMQ needs it (commands wait across reconnects). */
export function connectRedis(url: string): Redis {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError("--redis", [{ path: "redis", expected: "a redis:// URL", received: describeValue(redactUrl(url)) }]);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new ConfigError("--redis", [{ path: "redis", expected: "a redis:// or rediss:// URL", received: describeValue(redactUrl(url)) }]);
  }
  const client = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(times * 100, 1000) });
  let refused: (err: Error) => void = () => {};
  loginRefusals.set(client, new Promise<Error>((resolve) => { refused = resolve; }));
  // while Redis is down ioredis emits 'error' on every reconnect attempt; commands wait it out.
  // A refused login is emitted the same way, and BullMQ then waits for 'ready' forever: note it
  client.on("error", (err: Error) => { if (isAuthError(err)) refused(err); });
  return client;
}

const loginRefusals = new WeakMap<Redis, Promise<Error>>();

/** Resolves with the error once Redis refuses `client`'s login (WRONGPASS, NOAUTH); pending otherwise. */
export function loginRefused(client: Redis): Promise<Error> {
  return loginRefusals.get(client) ?? new Promise<Error>(() => {});
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Whether a Redis error is a refusal of our credentials: retrying cannot help. */
export function isAuthError(err: unknown): boolean {
  return /^(WRONGPASS|NOAUTH)\b/.test(messageOf(err));
}

/** The error a refused login becomes, naming the URL without its password. */
function authError(who: string, url: string, err: unknown): WorkerError {
  return new WorkerError(`${who}: Redis at ${url} refused the login (${messageOf(err).split(" ")[0]}): check the user and password in --redis`);
}

/** Resolves with `promise`, or rejects with `onTimeout()` after `ms`. */
function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(onTimeout()), ms); });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** The longest wait between two tries of a failing Redis command. */
const MAX_REDIS_BACKOFF_MS = 5000;

/** Options of the driver. */
export interface BullMQExecutorOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379`. */
  redis: string;
  queue?: string;
  /** Attempts per trial, the first included. Default 3. */
  maxAttempts?: number;
  /** First retry delay; doubles with each further attempt. Default 1000 ms. */
  backoffMs?: number;
  /** How often the driver looks at its jobs. Default 200 ms. */
  pollMs?: number;
  /** How long Redis commands may keep failing before the run gives up. Default 60 s. */
  redisRetryMs?: number;
  /** Called with each event worth a line of log (a Redis error it will retry). */
  log?: (line: string) => void;
}

/**
 * The BullMQ job id of a trial: the trial id with a prefix. BullMQ refuses custom ids that read
 * as integers, and a 16-hex-digit hash is all digits for about 1 trial in 5,000.
 */
export function jobIdOf(trialId: string): string {
  return `trial-${trialId}`;
}

/** The driver: enqueues trials and collects their results; see the module comment. */
export class BullMQExecutor implements TrialExecutor {
  readonly #connection: Redis;
  readonly #queue: Queue;
  readonly #url: string;
  readonly #maxAttempts: number;
  readonly #backoffMs: number;
  readonly #pollMs: number;
  readonly #redisRetryMs: number;
  readonly #log: (line: string) => void;
  #closed = false;

  constructor(options: BullMQExecutorOptions) {
    this.#maxAttempts = options.maxAttempts ?? 3;
    this.#backoffMs = options.backoffMs ?? 1000;
    this.#pollMs = options.pollMs ?? 200;
    this.#redisRetryMs = options.redisRetryMs ?? 60_000;
    this.#log = options.log ?? (() => {});
    this.#connection = connectRedis(options.redis);
    this.#url = redactUrl(options.redis);
    this.#queue = new Queue(options.queue ?? DEFAULT_QUEUE, { connection: this.#connection });
    this.#queue.on("error", () => {});
  }

  async #enqueue(id: string, task: TrialTask): Promise<void> {
    const existing = await Job.fromId(this.#queue, jobIdOf(id));
    // a trial that failed for good in an earlier run gets fresh attempts in this one
    if (existing !== undefined && (await existing.getState()) === "failed") await existing.remove();
    await this.#queue.add(JOB_NAME, task, {
      jobId: jobIdOf(id),
      attempts: this.#maxAttempts,
      backoff: { type: "exponential", delay: this.#backoffMs },
      removeOnComplete: false,
      removeOnFail: false,
    });
  }

  async run(tasks: readonly TrialTask[], onResult: ResultHandler, onError: FailureHandler): Promise<ExecutorReport> {
    if (this.#closed) throw new WorkerError("BullMQExecutor: run() after close()");
    const pending = new Map<string, TrialTask>();
    for (const task of tasks) {
      const id = trialId(task.spec);
      if (!pending.has(id)) pending.set(id, task);
    }
    const enqueued = new Set<string>();
    const completed: string[] = [];
    const failed: TrialFailure[] = [];
    const failuresSeen = new Map<string, number>();
    // set when something other than Redis fails (a result that cannot be recorded): never retried
    let fatal: { error: unknown } | null = null;

    const failure = (id: string, task: TrialTask, job: Job, willRetry: boolean): TrialFailure => ({
      id,
      spec: task.spec,
      attempt: job.attemptsMade,
      willRetry,
      error: new WorkerError(`trial ${id} (${task.spec.algo}, seed ${task.spec.seed}) attempt ${job.attemptsMade}/${this.#maxAttempts}: ${job.failedReason}`),
    });

    const record = async (id: string, job: Job<TrialTask, unknown>): Promise<void> => {
      try {
        const result: TrialResult = TrialResultSchema.parse(job.returnvalue);
        if (result.id !== id) throw new WorkerError(`job ${id} returned the result of trial ${result.id}`);
        pending.delete(id);
        await onResult(result);
        completed.push(id);
      } catch (error) {
        fatal ??= { error };
        throw error;
      }
    };

    const check = async (id: string, task: TrialTask): Promise<void> => {
      const job = await Job.fromId<TrialTask, unknown>(this.#queue, jobIdOf(id));
      if (this.#closed) return;
      if (job === undefined) {
        // Redis lost the job (restarted without its data): it was never recorded, so enqueue it again
        await this.#enqueue(id, task);
        return;
      }
      const state = job.finishedOn === undefined ? null : await job.getState();
      if (state === "completed") {
        await record(id, job);
        // only after recording: a driver killed before this finds the job again on its next run
        await job.remove().catch(() => {});
        return;
      }
      if (state === "failed") {
        pending.delete(id);
        const final = failure(id, task, job, false);
        onError(final);
        failed.push(final);
        return;
      }
      if (job.failedReason !== undefined && job.failedReason !== "" && job.attemptsMade > (failuresSeen.get(id) ?? 0)) {
        failuresSeen.set(id, job.attemptsMade);
        onError(failure(id, task, job, true));
      }
    };

    // one round: enqueue what is not yet in the queue, then look at every pending job; each step
    // is safe to repeat, so a round that Redis fails halfway through is simply run again
    const round = async (): Promise<void> => {
      for (const [id, task] of pending) {
        if (enqueued.has(id)) continue;
        await this.#enqueue(id, task);
        enqueued.add(id);
      }
      for (const [id, task] of [...pending]) await check(id, task);
    };

    let failingSince: number | null = null;
    // the last error Redis itself gave in this run of failures: the cause to report, rather than
    // the deadline of a round that happened to expire last
    let redisCause: unknown = null;
    let delayMs = this.#pollMs;
    while (pending.size > 0) {
      if (this.#closed) throw new WorkerError("BullMQExecutor: closed while trials were running");
      try {
        // while Redis is unreachable its commands wait for a reconnection instead of failing:
        // the deadline turns that wait into a failure the give-up clock below counts
        const budgetMs = Math.max(this.#redisRetryMs - (failingSince === null ? 0 : Date.now() - failingSince), 1);
        await withDeadline(Promise.race([round(), loginRefused(this.#connection).then((e) => { throw e; })]), budgetMs,
          () => new WorkerError(`no answer within ${(budgetMs / 1000).toFixed(1)} s`));
        failingSince = null;
        redisCause = null;
        delayMs = this.#pollMs;
      } catch (err) {
        if (fatal !== null) throw (fatal as { error: unknown }).error;
        if (this.#closed) throw new WorkerError("BullMQExecutor: closed while trials were running");
        if (isAuthError(err)) throw authError("BullMQExecutor", this.#url, err);
        const noAnswer = err instanceof WorkerError && err.message.startsWith("no answer");
        if (!noAnswer) redisCause = err;
        failingSince ??= Date.now() - (noAnswer ? this.#redisRetryMs : 0);
        const failingMs = Date.now() - failingSince;
        if (failingMs >= this.#redisRetryMs) {
          throw new WorkerError(
            `BullMQExecutor: Redis at ${this.#url} kept failing for ${(failingMs / 1000).toFixed(1)} s, giving up ` +
            `(trials unfinished: ${pending.size}; run the sweep again to resume): ${messageOf(noAnswer && redisCause !== null ? redisCause : err)}`,
          );
        }
        delayMs = Math.min(delayMs * 2, MAX_REDIS_BACKOFF_MS, Math.max(this.#redisRetryMs - failingMs, 1));
        this.#log(`driver: redis error at ${this.#url} (retrying in ${delayMs} ms): ${messageOf(err)}`);
      }
      if (pending.size > 0) await new Promise((r) => setTimeout(r, delayMs));
    }
    return { completed, failed };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // closing waits for Redis; an unreachable one must not hold the process
    await withDeadline(this.#queue.close(), 2000, () => new Error("close timed out")).catch(() => {});
    await withDeadline(this.#queue.disconnect(), 2000, () => new Error("disconnect timed out")).catch(() => {});
    this.#connection.disconnect();
  }
}

/** Options of a worker process. */
export interface TrialWorkerOptions {
  redis: string;
  queue?: string;
  /** Trials at a time, each on its own thread. Default 1. */
  concurrency?: number;
  /** Module that runs one trial (see PiscinaExecutorOptions.taskModule). Default: the real trainer. */
  taskModule?: string | URL;
  /** How long a job stays locked without renewal before another worker may take it. Default 30 s. */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs. Default 30 s. */
  stalledIntervalMs?: number;
  /** How often the watchdog checks that the worker is alive. Default 5 s. */
  watchdogMs?: number;
  /** How long the worker may keep reporting errors while Redis answers before the watchdog replaces it. Default 30 s. */
  stuckGraceMs?: number;
  /** Called with each event worth a line of log. */
  log?: (line: string) => void;
  /**
   * The folder every file a job's config names must lie in (set as this process's data root
   * before the worker threads start). Default: the process's data root (`--data-root`, else its working directory).
   */
  dataRoot?: string;
  /** The folder a job's `outDir` must lie in (relative ones resolve against it). Default: the working directory. */
  outRoot?: string;
}

/**
 * Every config field named `file` (at any depth) through the data root's confinement, so a job
 * naming /etc/passwd is refused here, by its field, before any thread could open it.
 */
function checkNamedFiles(value: unknown, path: string): void {
  if (value === null || typeof value !== "object") return;
  for (const [key, inner] of Object.entries(value)) {
    const at = `${path}.${key}`;
    if (key === "file" && typeof inner === "string") dataPath(inner, at);
    else checkNamedFiles(inner, at);
  }
}

/**
 * Checks in the main thread what can be checked cheaply before a trial starts, so an invalid
 * trial fails without retries (thrown inside the pool it would look like any failed attempt).
 */
function checkTask(data: unknown, outRoot: string): TrialTask {
  try {
    const task = data as TrialTask;
    const spec = parseTrialSpec(task.spec);
    checkNamedFiles(resolveConfig(spec.envId, spec.envConfig), "envConfig");
    // a job may write only under this worker's output root (files it reads: see src/data/paths.ts)
    const outDir = typeof task.outDir === "string" ? confinePath(task.outDir, outRoot, "outDir") : null;
    return { spec, outDir };
  } catch (err) {
    if (err instanceof ConfigError) throw new UnrecoverableError(err.message);
    throw err;
  }
}

/** Options of the watchdog: what it watches, and how it replaces it. */
export interface WorkerWatchdogOptions {
  /** How often it checks. */
  intervalMs: number;
  /** How long the worker may keep reporting errors while Redis answers before it counts as stuck. */
  graceMs: number;
  /** Whether Redis answers now (on a connection of its own). */
  probe: () => Promise<boolean>;
  /** Whether the BullMQ worker's loop still runs. */
  isRunning: () => boolean;
  /** Replaces the worker with a fresh one. */
  replace: (why: string) => Promise<void>;
  /** The clock, in ms; tests pass their own. Default Date.now. */
  now?: () => number;
}

/**
 * Decides when a BullMQ worker will not recover on its own. While Redis is down nothing is
 * done: a new worker would not connect either. Once Redis answers, the worker is replaced if
 * its loop has stopped, or if it keeps reporting errors (none more than `graceMs` apart) for
 * more than `graceMs` after Redis answered. A worker reconnecting after a Redis restart reports
 * errors only until its client is back, within a second or two, so it is left alone, and so is
 * a single error while Redis is up.
 */
export class WorkerWatchdog {
  readonly #options: WorkerWatchdogOptions;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | null = null;
  #checking = false;
  /** Since when every probe has answered; null while Redis does not. */
  #answeringSince: number | null = null;
  /** The first error of the worker's current run of errors, and the latest. */
  #errorsSince: number | null = null;
  #lastErrorAt: number | null = null;

  constructor(options: WorkerWatchdogOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Records an error the watched worker reported. */
  noteError(): void {
    const now = this.#now();
    if (this.#lastErrorAt === null || now - this.#lastErrorAt > this.#options.graceMs) this.#errorsSince = now;
    this.#lastErrorAt = now;
  }

  /** One check; resolves with whether it replaced the worker. */
  async check(): Promise<boolean> {
    if (this.#checking) return false;
    this.#checking = true;
    try {
      if (!(await this.#options.probe())) {
        this.#answeringSince = null;
        return false;
      }
      const now = this.#now();
      this.#answeringSince ??= now;
      const why = this.#stuck(now);
      if (why === null) return false;
      this.#errorsSince = null;
      this.#lastErrorAt = null;
      await this.#options.replace(why);
      return true;
    } finally {
      this.#checking = false;
    }
  }

  #stuck(now: number): string | null {
    if (!this.#options.isRunning()) return "the worker has stopped";
    const { graceMs } = this.#options;
    if (this.#errorsSince === null || this.#lastErrorAt === null || this.#answeringSince === null) return null;
    if (now - this.#lastErrorAt > graceMs) return null;
    const erroringWhileAnsweredMs = this.#lastErrorAt - Math.max(this.#errorsSince, this.#answeringSince);
    return erroringWhileAnsweredMs > graceMs ? `the worker still reports errors ${Math.round(erroringWhileAnsweredMs / 1000)} s after Redis answered` : null;
  }

  /** Checks every `intervalMs` until stopped; the timer does not keep the process alive. */
  start(): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => void this.check().catch(() => {}), this.#options.intervalMs);
    this.#timer.unref();
  }

  /** Stops checking. */
  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}

/** A worker process's side: takes trial jobs and runs them on its own threads. */
export class TrialWorker {
  readonly #options: Required<Omit<TrialWorkerOptions, "taskModule" | "dataRoot" | "outRoot">>;
  readonly #outRoot: string;
  readonly #pool: PiscinaExecutor;
  readonly #probe: Redis;
  #connection: Redis;
  #worker: Worker;
  readonly #watchdog: WorkerWatchdog;
  #closing: Promise<void> | null = null;
  #fatal: WorkerError | null = null;
  #onFatal: (error: WorkerError) => void = () => {};
  readonly #fatalPromise = new Promise<WorkerError>((resolve) => { this.#onFatal = resolve; });
  /** How many times the watchdog replaced the BullMQ worker. */
  restarts = 0;

  constructor(options: TrialWorkerOptions) {
    this.#options = {
      redis: options.redis,
      queue: options.queue ?? DEFAULT_QUEUE,
      concurrency: options.concurrency ?? 1,
      lockDurationMs: options.lockDurationMs ?? 30_000,
      stalledIntervalMs: options.stalledIntervalMs ?? 30_000,
      watchdogMs: options.watchdogMs ?? 5000,
      stuckGraceMs: options.stuckGraceMs ?? 30_000,
      log: options.log ?? (() => {}),
    };
    // before the pool: its threads take the data root from the environment they start with
    if (options.dataRoot !== undefined) setDataRoot(options.dataRoot);
    this.#outRoot = resolve(options.outRoot ?? process.cwd());
    this.#pool = new PiscinaExecutor({
      workers: this.#options.concurrency,
      // BullMQ owns retries (with backoff, across machines); the pool runs each job once
      maxAttempts: 1,
      ...(options.taskModule === undefined ? {} : { taskModule: options.taskModule }),
    });
    this.#probe = connectRedis(this.#options.redis);
    this.#connection = connectRedis(this.#options.redis);
    this.#watchdog = new WorkerWatchdog({
      intervalMs: this.#options.watchdogMs,
      graceMs: this.#options.stuckGraceMs,
      probe: () => this.#ping(),
      isRunning: () => this.#worker.isRunning(),
      replace: (why) => this.#replaceWorker(why),
    });
    this.#worker = this.#createWorker();
    this.#watchdog.start();
    for (const client of [this.#probe, this.#connection]) {
      void loginRefused(client).then((err) => this.#giveUp(authError("worker", redactUrl(this.#options.redis), err)));
    }
  }

  #createWorker(): Worker {
    const worker = new Worker(this.#options.queue, (job: Job) => this.#process(job), {
      connection: this.#connection,
      concurrency: this.#options.concurrency,
      lockDuration: this.#options.lockDurationMs,
      stalledInterval: this.#options.stalledIntervalMs,
      // a stall (a killed worker) is not the trial's fault; attempts cap the trial's own failures
      maxStalledCount: 10,
    });
    worker.on("error", (err) => {
      // a refused login does not heal by retrying: stop, and say why
      if (isAuthError(err)) {
        this.#giveUp(authError("worker", redactUrl(this.#options.redis), err));
        return;
      }
      // a replaced worker may still report errors while it closes; they say nothing of the new one
      if (worker === this.#worker) this.#watchdog.noteError();
      this.#options.log(`worker: redis error: ${messageOf(err)}`);
    });
    worker.on("failed", (job, err) => this.#options.log(`worker: trial ${job?.id ?? "?"} failed: ${err.message}`));
    worker.on("completed", (job) => this.#options.log(`worker: trial ${job.id ?? "?"} done`));
    return worker;
  }

  async #process(job: Job): Promise<TrialResult> {
    const task = checkTask(job.data, this.#outRoot);
    let result: TrialResult | null = null;
    let failure: TrialFailure | null = null;
    await this.#pool.run([task], (r) => { result = r; }, (f) => { failure = f; });
    if (result !== null) return result;
    // assigned in the callbacks above, which TypeScript's narrowing does not see
    const failed = failure as TrialFailure | null;
    // invalid hyperparameters are found only where the learner runs, inside the thread
    if (failed?.configError !== undefined) throw new UnrecoverableError(failed.configError.message);
    throw new Error(failed?.error.message ?? `trial ${job.id ?? "?"} gave no result`);
  }

  /** Whether Redis answers a PING within half a watchdog interval. */
  async #ping(): Promise<boolean> {
    if (this.#closing !== null) return false;
    let timer: NodeJS.Timeout | undefined;
    const reachable = await Promise.race([
      this.#probe.ping().then(() => true, () => false),
      new Promise<boolean>((r) => { timer = setTimeout(() => r(false), this.#options.watchdogMs / 2); }),
    ]);
    clearTimeout(timer);
    return reachable && this.#closing === null;
  }

  /** The watchdog's remedy: a fresh BullMQ worker on a fresh connection. */
  async #replaceWorker(why: string): Promise<void> {
    if (this.#closing !== null) return;
    this.#options.log(`worker: redis answers but ${why}; recreating it`);
    this.restarts++;
    const old = this.#worker;
    const oldConnection = this.#connection;
    this.#connection = connectRedis(this.#options.redis);
    this.#worker = this.#createWorker();
    await old.close(true).catch(() => {});
    oldConnection.disconnect();
  }

  #giveUp(error: WorkerError): void {
    if (this.#fatal !== null) return;
    this.#fatal = error;
    this.#options.log(error.message);
    this.#onFatal(error);
  }

  /** Resolves when the worker is taking jobs; rejects with a WorkerError when Redis refuses its login. */
  async ready(): Promise<void> {
    try {
      await Promise.race([this.#worker.waitUntilReady(), this.fatal().then((e) => { throw e; })]);
    } catch (err) {
      if (err instanceof WorkerError) throw err;
      if (isAuthError(err)) throw authError("worker", redactUrl(this.#options.redis), err);
      throw new WorkerError(`worker: Redis at ${redactUrl(this.#options.redis)}: ${messageOf(err)}`);
    }
  }

  /** Resolves with the error that made this worker stop for good (a refused login); pending otherwise. */
  fatal(): Promise<WorkerError> {
    return this.#fatalPromise;
  }

  /** Stops taking jobs, lets running trials finish, then closes the pool and connections. Safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#watchdog.stop();
      // a worker Redis refused never got going: closing it would wait for a connection forever
      if (this.#fatal !== null) {
        await withDeadline(this.#worker.close(true), 2000, () => new Error("close timed out")).catch(() => {});
        // and its own connections (BullMQ duplicates ours for blocking reads), which would reconnect forever
        await withDeadline(this.#worker.disconnect(), 2000, () => new Error("disconnect timed out")).catch(() => {});
      }
      else await this.#worker.close();
      await this.#pool.close();
      this.#connection.disconnect();
      this.#probe.disconnect();
    })();
    return this.#closing;
  }
}
