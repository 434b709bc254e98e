/**
 * AsyncVectorEnv: the VectorEnv contract of vector.ts, with the sub-envs stepped in worker
 * threads. For the same seed and actions it gives bit-identical observations, rewards, flags
 * and final observations to SyncVectorEnv: each worker runs SyncVectorEnv's loop over its slice.
 *
 * Threads. A supervisor thread spawns the workers; worker w builds envs [start, end) of the
 * batch with `make(id, config)` after importing the caller's `modules` (src/core imports no env,
 * so the caller names the module that registers its id). `step`, `reset` and the constructor
 * stay synchronous: the main thread blocks in Atomics.wait while the workers run.
 *
 * Memory. One SharedArrayBuffer holds the batch (actions as float64, rewards, observations,
 * final observations, terminations, truncations); the arrays returned are views of it, reused
 * like SyncVectorEnv's. Another holds the control block (see async-vector-worker.ts for the
 * protocol). Data that is not a number array (spaces, reset options, infos, errors) crosses on
 * a MessagePort per worker and is read synchronously with receiveMessageOnPort.
 *
 * A dead worker. An `exit` event is delivered to the thread that created the Worker, and only
 * when that thread turns its event loop, which a main thread blocked in Atomics.wait does not.
 * So the workers are created by a supervisor thread whose loop stays free: on a worker's exit
 * (process.exit, an uncaught error, its heap limit reached) it posts the exit code and error,
 * stores DEAD in the worker's DONE word and notifies, waking the main thread, which throws a
 * WorkerError. The main thread also waits in slices, so a lost wake-up cannot hang it.
 *
 * Errors. A sub-env's error (an invalid action, a ConfigError from make) is caught in its
 * worker, sent as data and rethrown as the same class (same `name`, `message`, `code` and own
 * fields); after an error in `step` or `reset` the vector env needs a `reset`. After a worker
 * died, `reset` and `step` throw the WorkerError again: build a new AsyncVectorEnv.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from "node:worker_threads";
import {
  BUILD_SEQ, type BatchViews, CONTROL_STRIDE, DEAD, DONE, type ErrorReport, OP, Op, type Reply, type Request, SEQ, STATUS, Status,
  WORKER_MARK, type WorkerInit, batchBytes, batchViews,
} from "./async-vector-worker.js";
import type { ResetOptions } from "./env.js";
import {
  ConfigError, type FieldIssue, GymError, InvalidActionError, ResetNeededError, SolverError, UnregisteredEnvError, WorkerError, describeValue,
} from "./errors.js";
import { Box, Discrete, type Space, type SpaceJSON, spaceFromJSON } from "./spaces.js";
import {
  type VectorEnv, type VectorEnvOptions, type VectorReset, type VectorStep, actionSizeOf, checkActionBatch, checkVectorSeed, vectorSpaces,
} from "./vector.js";

/** Options of AsyncVectorEnv. */
export interface AsyncVectorEnvOptions extends VectorEnvOptions {
  /** A registered env id; every sub-env is `make(id, config)`. */
  id: string;
  /** The env config (structured-cloneable: it is sent to the workers). Default `{}`. */
  config?: unknown;
  /** Sub-envs in the batch. */
  numEnvs: number;
  /** Worker threads, each owning a contiguous slice of the envs. Default min(numEnvs, available parallelism). */
  workers?: number;
  /**
   * Modules each worker imports before make(), in order: file paths (relative to the working
   * directory) or file: URLs, e.g. the URL of envs/index.ts. They must register into the
   * registry module the worker loads: the .ts sources under tsx, the compiled .js otherwise.
   */
  modules: readonly (string | URL)[];
}

const OWNER = "AsyncVectorEnv";
const KNOWN_OPTIONS = ["id", "config", "numEnvs", "workers", "modules", "infos"];
const SOURCE_EXTENSION = /\.[mc]?ts$/;
/** How long the main thread waits before it looks at a worker's DONE word again. */
const WAIT_SLICE_MS = 250;

/**
 * A worker's entry, a CommonJS script run with `eval`: it registers tsx's loader through tsx's
 * API when the worker module or a caller's module is TypeScript (on Node 20 an inherited
 * `--import tsx` does not reach a worker's imports), then imports the worker module.
 */
const WORKER_ENTRY = `
const { workerData } = require("node:worker_threads");
(async () => {
  if (workerData.tsx !== null) (await import(workerData.tsx)).register();
  await import(workerData.file);
})();
`;

/**
 * The supervisor, a CommonJS script run with `eval` (so it needs no loader): it spawns the
 * workers and turns each one's exit into DEAD in its DONE word. Its loop stays alive while
 * any worker does; it ends when they have all exited.
 */
const SUPERVISOR = `
const { Worker, workerData } = require("node:worker_threads");
const { entry, control, report, inits, stride, done, dead } = workerData;
const words = new Int32Array(control);
const alive = new Set(inits.map((_, w) => w));
function died(w, code, error) {
  if (!alive.delete(w)) return;
  report.postMessage({ worker: w, code, error });
  Atomics.store(words, w * stride + done, dead);
  Atomics.notify(words, w * stride + done);
}
function describe(err) {
  try { return String(err); } catch { return "an error that cannot be printed"; }
}
inits.forEach((init, w) => {
  let child;
  try {
    child = new Worker(entry, { eval: true, workerData: init, transferList: [init.port] });
  } catch (err) {
    died(w, null, describe(err));
    return;
  }
  let error = null;
  child.on("error", (err) => { error = describe(err); });
  child.on("exit", (code) => died(w, code, error));
});
// should this thread itself end first, no worker is left unreported
process.on("exit", () => { for (const w of [...alive]) died(w, null, "the supervisor thread ended"); });
`;

interface Filled {
  id: string;
  config: unknown;
  numEnvs: number;
  workers: number;
  modules: string[];
  infos: boolean;
}

function issue(path: string, expected: string, value: unknown): FieldIssue {
  return { path, expected, received: describeValue(value) };
}

/** The file: URL of a module entry, or an issue. */
function moduleUrl(entry: unknown, path: string): string | FieldIssue {
  let url: URL;
  if (entry instanceof URL) url = entry;
  else if (typeof entry === "string" && entry.startsWith("file:")) url = new URL(entry);
  else if (typeof entry === "string" && entry !== "") url = pathToFileURL(resolve(entry));
  else return issue(path, "a file path or file: URL", entry);
  if (url.protocol !== "file:") return issue(path, "a file path or file: URL", url.href);
  if (!existsSync(fileURLToPath(url))) return issue(path, "an existing file", fileURLToPath(url));
  return url.href;
}

/** Validates the options by hand, so that every bad field is named at once. */
function fillOptions(options: unknown): Filled {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new ConfigError(`${OWNER} options`, [issue("", "an object", options)]);
  }
  const o = options as Record<string, unknown>;
  const issues: FieldIssue[] = [];
  for (const key of Object.keys(o)) {
    if (!KNOWN_OPTIONS.includes(key)) issues.push(issue(key, `no such option (one of ${KNOWN_OPTIONS.join(", ")})`, o[key]));
  }
  if (typeof o["id"] !== "string" || o["id"] === "") issues.push(issue("id", "a registered env id", o["id"]));
  const numEnvs = o["numEnvs"];
  const n = typeof numEnvs === "number" && Number.isSafeInteger(numEnvs) && numEnvs >= 1 ? numEnvs : null;
  if (n === null) issues.push(issue("numEnvs", "a positive integer", numEnvs));
  let workers = Math.min(n ?? 1, availableParallelism());
  if (o["workers"] !== undefined) {
    const w = o["workers"];
    if (typeof w !== "number" || !Number.isSafeInteger(w) || w < 1 || (n !== null && w > n)) {
      issues.push(issue("workers", n === null ? "a positive integer" : `an integer in [1, ${n}] (numEnvs)`, w));
    } else workers = w;
  }
  const modules: string[] = [];
  if (!Array.isArray(o["modules"])) issues.push(issue("modules", "an array of file paths or file: URLs", o["modules"]));
  else {
    o["modules"].forEach((entry: unknown, i) => {
      const url = moduleUrl(entry, `modules[${i}]`);
      if (typeof url === "string") modules.push(url);
      else issues.push(url);
    });
  }
  if (o["infos"] !== undefined && typeof o["infos"] !== "boolean") issues.push(issue("infos", "true or false", o["infos"]));
  const config = o["config"] === undefined ? {} : o["config"];
  try {
    structuredClone(config);
  } catch {
    issues.push(issue("config", "structured-cloneable data (it is sent to the worker threads)", config));
  }
  if (issues.length > 0) throw new ConfigError(`${OWNER} options`, issues);
  return { id: o["id"] as string, config, numEnvs: n!, workers, modules, infos: (o["infos"] as boolean | undefined) ?? false };
}

/** The worker module, matching how this file runs: under tsx (.ts) or compiled (.js). */
function workerFile(): URL {
  return new URL(SOURCE_EXTENSION.test(fileURLToPath(import.meta.url)) ? "./async-vector-worker.ts" : "./async-vector-worker.js", import.meta.url);
}

/** tsx's API module when a worker must load TypeScript, else null. */
function tsxApi(modules: readonly string[]): string | null {
  const ts = [workerFile().href, ...modules].find((m) => SOURCE_EXTENSION.test(m));
  if (ts === undefined) return null;
  try {
    if (typeof import.meta.resolve === "function") return import.meta.resolve("tsx/esm/api");
    // this file runs as CommonJS (mocha requires .ts files through tsx), where import.meta has no
    // resolve: take the ESM entry from tsx's exports map
    const pkg = createRequire(import.meta.url).resolve("tsx/package.json");
    const entry = (JSON.parse(readFileSync(pkg, "utf8")) as { exports: Record<string, { import: { default: string } }> }).exports["./esm/api"]!.import.default;
    return pathToFileURL(resolve(dirname(pkg), entry)).href;
  } catch {
    throw new ConfigError(`${OWNER} options`, [issue("modules", "compiled .js modules (TypeScript modules need tsx installed)", ts)]);
  }
}

const isTsx = (arg: string): boolean => arg === "tsx" || arg.includes("/tsx/");
const LOADER_FLAGS = ["--import", "--require", "-r", "--loader", "--experimental-loader"];

/**
 * The threads' execArgv: this process's, less tsx's loader flags (a worker registers tsx
 * itself, see WORKER_ENTRY); undefined (inherit) when there are none.
 */
function threadExecArgv(): string[] | undefined {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (LOADER_FLAGS.includes(arg) && isTsx(argv[i + 1] ?? "")) i++;
    else if (!(LOADER_FLAGS.some((f) => arg.startsWith(`${f}=`)) && isTsx(arg.slice(arg.indexOf("=") + 1)))) out.push(arg);
  }
  return out.length === argv.length ? undefined : out;
}

const ERROR_CLASSES: Record<string, { prototype: Error }> = {
  GymError, ConfigError, InvalidActionError, ResetNeededError, UnregisteredEnvError, SolverError, WorkerError,
  Error, TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError,
};

/**
 * A worker's error as an error of the same class (a GymError for an unknown one with a `code`),
 * with its own fields; its stack is the worker's, followed by the main thread's.
 */
function rebuildError(r: ErrorReport, where: string): Error {
  const cls = ERROR_CLASSES[r.name] ?? (typeof r.props["code"] === "string" ? GymError : Error);
  const err = new Error(r.message);
  Object.setPrototypeOf(err, cls.prototype);
  Object.assign(err, r.props);
  if (err.name !== r.name) Object.defineProperty(err, "name", { value: r.name, writable: true, configurable: true });
  const here = (new Error().stack ?? "").split("\n").slice(2).join("\n");
  err.stack = `${r.stack ?? `${r.name}: ${r.message}`}\n    --- in ${where}, rethrown in the main thread:\n${here}`;
  return err;
}

function rebuildSpace(json: SpaceJSON, path: string): Space<unknown> {
  try {
    const space = spaceFromJSON(json);
    if (space !== undefined) return space;
  } catch {
    // reported below like an unknown kind
  }
  throw new ConfigError(OWNER, [issue(path, "a Box or Discrete space (sent from a worker as JSON)", json)]);
}

/** Steps N sub-envs in worker threads into shared batch buffers (see this file's header). */
export class AsyncVectorEnv implements VectorEnv {
  readonly numEnvs: number;
  /** Worker threads; worker w owns envs `[floor(w * numEnvs / workers), floor((w + 1) * numEnvs / workers))`. */
  readonly workers: number;
  readonly singleObservationSpace: Box;
  readonly singleActionSpace: Box | Discrete;
  readonly observationSize: number;
  readonly actionSize: number;
  readonly autoresetMode = "same-step" as const;
  readonly #infos: boolean;
  readonly #slices: readonly { start: number; end: number }[];
  readonly #control: Int32Array;
  readonly #ports: readonly MessagePort[];
  readonly #reports: MessagePort;
  readonly #supervisor: Worker;
  readonly #batch: BatchViews;
  #seq = BUILD_SEQ;
  #needsReset = true;
  #closed = false;
  /** Set when a worker died: the message every later reset or step throws. */
  #failure: string | null = null;

  /**
   * Spawns the workers and blocks until each has built its envs.
   * @throws ConfigError naming the bad option; the error of make() in a worker (a ConfigError
   *   for a bad config, UnregisteredEnvError for an unknown id), rethrown; ConfigError when the
   *   sub-envs' spaces differ or are unsupported; WorkerError when a worker dies
   */
  constructor(options: AsyncVectorEnvOptions) {
    const o = fillOptions(options);
    const tsx = tsxApi(o.modules);
    const execArgv = threadExecArgv();
    this.numEnvs = o.numEnvs;
    this.workers = o.workers;
    this.#infos = o.infos;
    const n = o.numEnvs;
    const w = o.workers;
    this.#slices = Array.from({ length: w }, (_, k) => ({ start: Math.floor((k * n) / w), end: Math.floor(((k + 1) * n) / w) }));
    const control = new SharedArrayBuffer(w * CONTROL_STRIDE * Int32Array.BYTES_PER_ELEMENT);
    this.#control = new Int32Array(control);
    for (let k = 0; k < w; k++) this.#control[k * CONTROL_STRIDE + SEQ] = BUILD_SEQ;
    const channels = this.#slices.map(() => new MessageChannel());
    const report = new MessageChannel();
    this.#ports = channels.map((c) => c.port1);
    this.#reports = report.port1;
    const inits: WorkerInit[] = this.#slices.map((s, k) => ({
      mark: WORKER_MARK, file: workerFile().href, tsx, control, port: channels[k]!.port2, worker: k, start: s.start, end: s.end,
      id: o.id, config: o.config, modules: o.modules, infos: o.infos,
    }));
    this.#supervisor = new Worker(SUPERVISOR, {
      eval: true,
      ...(execArgv === undefined ? {} : { execArgv }),
      workerData: { entry: WORKER_ENTRY, control, report: report.port2, inits, stride: CONTROL_STRIDE, done: DONE, dead: DEAD },
      transferList: [report.port2, ...channels.map((c) => c.port2)],
    });
    // an un-closed vector env must not keep the process alive
    this.#supervisor.unref();
    for (const port of [...this.#ports, this.#reports]) port.unref();
    // the workers' deaths reach us through shared memory; an error event must not crash the process
    this.#supervisor.on("error", () => {});
    try {
      const replies = this.#await(BUILD_SEQ, "building its envs");
      this.#throwFirstError(replies);
      const spaces = replies.flatMap((r, k) => (r!.spaces ?? []).map((s, j) => {
        const i = this.#slices[k]!.start + j;
        return {
          observationSpace: rebuildSpace(s.observation, `envFns[${i}].observationSpace`),
          actionSpace: rebuildSpace(s.action, `envFns[${i}].actionSpace`),
        };
      }));
      const s = vectorSpaces(OWNER, spaces);
      this.singleObservationSpace = s.observation;
      this.singleActionSpace = s.action;
      this.observationSize = s.observation.size;
      this.actionSize = actionSizeOf(s.action);
      const batch = new SharedArrayBuffer(batchBytes(n, this.observationSize, this.actionSize));
      this.#batch = batchViews(batch, n, this.observationSize, this.actionSize);
      const { observationSize, actionSize } = this;
      this.#throwFirstError(this.#command(Op.attach, "attaching the batch buffer", (seq) => ({ seq, kind: "attach", batch, numEnvs: n, observationSize, actionSize })));
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /**
   * Resets every sub-env; with a seed, env i gets `seed + i`.
   * @throws ConfigError when the seed is not a safe non-negative integer or the options cannot
   *   be sent to a worker; a sub-env's error, rethrown
   */
  reset(opts: ResetOptions = {}): VectorReset {
    this.#assertUsable();
    const { seed, options } = opts;
    checkVectorSeed(OWNER, seed, this.numEnvs);
    if (options !== undefined) {
      try {
        structuredClone(options);
      } catch {
        throw new ConfigError(`${OWNER}.reset`, [issue("options", "structured-cloneable data (it is sent to the worker threads)", options)]);
      }
    }
    const replies = this.#command(Op.reset, "resetting", (seq) => ({ seq, kind: "reset", seed, options }));
    try {
      this.#throwFirstError(replies);
    } catch (err) {
      this.#needsReset = true;
      throw err;
    }
    this.#needsReset = false;
    return { observations: this.#batch.observations, infos: this.#infos ? replies.flatMap((r) => r!.infos!) : null };
  }

  /**
   * Steps every sub-env with its action, resetting those whose episode ended.
   * @param actions `numEnvs * actionSize` numbers, env-major
   * @throws InvalidActionError when the batch has the wrong length (or from a sub-env);
   *   WorkerError when a worker dies
   */
  step(actions: ArrayLike<number>): VectorStep {
    this.#assertUsable();
    if (this.#needsReset) throw new ResetNeededError(OWNER, "step() called before reset(), or after an error in reset() or step()");
    checkActionBatch(OWNER, actions, this.numEnvs, this.actionSize);
    const b = this.#batch;
    if (this.singleActionSpace instanceof Discrete) {
      // SyncVectorEnv hands a Discrete action over as it is; a float64 slot would turn "1" into 1
      for (let i = 0; i < this.numEnvs; i++) {
        if (typeof actions[i] !== "number") {
          this.#needsReset = true;
          throw new InvalidActionError(OWNER, i, "a number", describeValue(actions[i]));
        }
      }
    }
    b.actions.set(actions);
    const replies = this.#command(Op.step, "stepping");
    try {
      this.#throwFirstError(replies);
    } catch (err) {
      this.#needsReset = true;
      throw err;
    }
    return {
      observations: b.observations,
      infos: this.#infos ? replies.flatMap((r) => r!.infos!) : null,
      rewards: b.rewards,
      terminations: b.terminations,
      truncations: b.truncations,
      finalObservations: b.finalObservations,
      finalInfos: this.#infos ? replies.flatMap((r) => r!.finalInfos!) : null,
    };
  }

  /** Closes every sub-env in its worker, then ends the threads; later calls do nothing. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#failure === null) {
      try {
        this.#command(Op.close, "closing its envs");
      } catch {
        // a worker that dies while closing changes nothing: every thread is terminated next
      }
    }
    void this.#supervisor.terminate();
    for (const port of [...this.#ports, this.#reports]) port.close();
  }

  #assertUsable(): void {
    if (this.#closed) throw new GymError("ENV_CLOSED", `${OWNER}: the vector env is closed; build a new one`);
    if (this.#failure !== null) throw new WorkerError(this.#failure);
  }

  /** Issues one command to every worker and blocks until all have replied (or one died). */
  #command(op: number, what: string, request?: (seq: number) => Request): (Reply | null)[] {
    const seq = ++this.#seq;
    const c = this.#control;
    if (request !== undefined) for (const port of this.#ports) port.postMessage(request(seq));
    for (let k = 0; k < this.workers; k++) {
      c[k * CONTROL_STRIDE + OP] = op;
      Atomics.store(c, k * CONTROL_STRIDE + SEQ, seq);
      Atomics.notify(c, k * CONTROL_STRIDE + SEQ);
    }
    return this.#await(seq, what);
  }

  /** Waits for every worker's DONE to reach `seq`; returns each worker's reply (null when it sent none). */
  #await(seq: number, what: string): (Reply | null)[] {
    const c = this.#control;
    const dead: number[] = [];
    for (let k = 0; k < this.workers; k++) {
      const at = k * CONTROL_STRIDE + DONE;
      for (;;) {
        const v = Atomics.load(c, at);
        if (v === seq) break;
        if (v === DEAD) {
          dead.push(k);
          break;
        }
        Atomics.wait(c, at, v, WAIT_SLICE_MS);
      }
    }
    if (dead.length > 0) this.#died(dead, what);
    return this.#ports.map((port, k) => {
      let reply: Reply | null = null;
      for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
        if ((m.message as Reply).seq === seq) reply = m.message as Reply;
      }
      if (reply === null && c[k * CONTROL_STRIDE + STATUS] === Status.error) {
        reply = { seq, error: { name: "WorkerError", message: `${OWNER}: worker ${k} failed while ${what} and sent no error`, stack: undefined, props: { code: "WORKER_FAILED" } } };
      }
      return reply;
    });
  }

  /** Records the death of workers, ends every thread and throws the WorkerError. */
  #died(dead: readonly number[], what: string): never {
    const exits = new Map<number, { code: number | null; error: string | null }>();
    for (let m = receiveMessageOnPort(this.#reports); m !== undefined; m = receiveMessageOnPort(this.#reports)) {
      const r = m.message as { worker: number; code: number | null; error: string | null };
      exits.set(r.worker, r);
    }
    const parts = dead.map((k) => {
      const { start, end } = this.#slices[k]!;
      const exit = exits.get(k);
      const code = exit?.code === undefined || exit.code === null ? "" : ` with code ${exit.code}`;
      const error = exit?.error ? ` (${exit.error})` : "";
      return `worker ${k} (envs ${start}..${end - 1}) exited${code} while ${what}${error}`;
    });
    this.#failure = `${OWNER}: ${parts.join("; ")}; build a new ${OWNER}`;
    void this.#supervisor.terminate();
    throw new WorkerError(this.#failure);
  }

  /** Throws the error of the lowest env that failed, as SyncVectorEnv would have met it first. */
  #throwFirstError(replies: readonly (Reply | null)[]): void {
    replies.forEach((r, k) => {
      if (r?.error !== undefined) {
        const where = r.env === undefined ? `worker ${k}` : `worker ${k}, env ${r.env}`;
        throw rebuildError(r.error, `${OWNER} ${where}`);
      }
    });
  }
}
