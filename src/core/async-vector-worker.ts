/**
 * The worker side of AsyncVectorEnv (async-vector.ts), and the layout both sides share.
 *
 * A worker imports the caller's modules (which register env ids), builds its contiguous slice
 * of sub-envs with make(), then serves commands from the control block until told to close.
 * It blocks in Atomics.wait between commands, so it never turns its event loop: everything
 * it receives comes through shared memory or is read synchronously (receiveMessageOnPort).
 *
 * Control block: an Int32Array of CONTROL_STRIDE words per worker. The main thread writes OP,
 * then bumps SEQ and notifies; the worker runs the command, writes STATUS, stores DONE = SEQ
 * and notifies. The supervisor thread stores DONE = DEAD when the worker thread exits, so a
 * main thread waiting on DONE is woken by a reply or by a death, never left hanging.
 *
 * Replies that carry data (spaces, infos, an error) are posted on the worker's port before
 * DONE is stored, tagged with the command's SEQ, so the main thread reads them right after.
 */
import { type MessagePort, isMainThread, receiveMessageOnPort, workerData } from "node:worker_threads";
import type { Env, Info, ResetOptions } from "./env.js";
import { make } from "./registry.js";
import type { Box, Discrete, SpaceJSON } from "./spaces.js";
import { subAction } from "./vector.js";

/** Words of the control block per worker. */
export const CONTROL_STRIDE = 4;
/** Word offsets within a worker's control words. */
export const SEQ = 0;
export const OP = 1;
export const DONE = 2;
export const STATUS = 3;
/** DONE of a worker thread that has exited. */
export const DEAD = -1;
/** SEQ of the first command: building the envs, which every worker starts with. */
export const BUILD_SEQ = 1;

/** Commands a worker serves (the OP word). */
export const Op = { attach: 1, reset: 2, step: 3, close: 4 } as const;
/** STATUS after a command. */
export const Status = { ok: 0, error: 1 } as const;

/** Marks the workerData of an AsyncVectorEnv worker (this module is also imported by the main thread). */
export const WORKER_MARK = "gridgym:async-vector-worker";

/** What a worker is started with. */
export interface WorkerInit {
  mark: typeof WORKER_MARK;
  /** This module's file: URL, imported by the worker's entry script. */
  file: string;
  /** tsx's API module, registered before `file` is imported when TypeScript is loaded; else null. */
  tsx: string | null;
  control: SharedArrayBuffer;
  port: MessagePort;
  worker: number;
  /** The worker's envs are [start, end) of the batch. */
  start: number;
  end: number;
  id: string;
  config: unknown;
  /** file: URLs, imported in order before make(). */
  modules: string[];
  infos: boolean;
}

/** An error thrown in a worker, in plain data. */
export interface ErrorReport {
  name: string;
  message: string;
  stack: string | undefined;
  /** The error's own enumerable fields (`code`, a ConfigError's `issues`, ...). */
  props: Record<string, unknown>;
}

/** A worker's reply to command `seq`; which fields are set depends on the command. */
export interface Reply {
  seq: number;
  /** BUILD: each env's spaces, in its toJSON() form. */
  spaces?: { observation: SpaceJSON; action: SpaceJSON }[];
  infos?: Info[];
  finalInfos?: (Info | null)[];
  error?: ErrorReport;
  /** The batch index of the env that threw, when it was a sub-env. */
  env?: number;
}

/** What the main thread posts with ATTACH and RESET commands. */
export type Request =
  | { seq: number; kind: "attach"; batch: SharedArrayBuffer; numEnvs: number; observationSize: number; actionSize: number }
  | { seq: number; kind: "reset"; seed: number | undefined; options: Record<string, unknown> | undefined };

/** Typed views of the batch buffer. */
export interface BatchViews {
  actions: Float64Array;
  rewards: Float64Array;
  observations: Float32Array;
  finalObservations: Float32Array;
  terminations: Uint8Array;
  truncations: Uint8Array;
}

/** Bytes of the batch buffer: float64 arrays first, so every view is aligned. */
export function batchBytes(numEnvs: number, observationSize: number, actionSize: number): number {
  return 8 * numEnvs * (actionSize + 1) + 8 * numEnvs * observationSize + 2 * numEnvs;
}

/** The views of the batch buffer, laid out the same way on both sides. */
export function batchViews(buffer: SharedArrayBuffer, numEnvs: number, observationSize: number, actionSize: number): BatchViews {
  let at = 0;
  const next = <T extends { byteLength: number }>(view: T): T => {
    at += view.byteLength;
    return view;
  };
  return {
    actions: next(new Float64Array(buffer, at, numEnvs * actionSize)),
    rewards: next(new Float64Array(buffer, at, numEnvs)),
    observations: next(new Float32Array(buffer, at, numEnvs * observationSize)),
    finalObservations: next(new Float32Array(buffer, at, numEnvs * observationSize)),
    terminations: next(new Uint8Array(buffer, at, numEnvs)),
    truncations: next(new Uint8Array(buffer, at, numEnvs)),
  };
}

/** An error as plain data that survives postMessage (its fields kept where they can be cloned). */
export function reportError(err: unknown): ErrorReport {
  if (!(err instanceof Error)) return { name: "Error", message: String(err), stack: undefined, props: {} };
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(err)) {
    try {
      props[key] = structuredClone((err as unknown as Record<string, unknown>)[key]);
    } catch {
      // a field that cannot cross threads (a function, a handle) is left behind
    }
  }
  return { name: err.name, message: err.message, stack: err.stack, props };
}

class Server {
  readonly #init: WorkerInit;
  readonly #control: Int32Array;
  readonly #base: number;
  readonly #envs: Env<ArrayLike<number>, unknown>[] = [];
  #batch: BatchViews | null = null;
  #observationSize = 0;
  /** The batch index of the env being reset or stepped, named in an error's reply. */
  #current: number | undefined;

  constructor(init: WorkerInit) {
    this.#init = init;
    this.#control = new Int32Array(init.control);
    this.#base = init.worker * CONTROL_STRIDE;
  }

  async build(): Promise<void> {
    let reply: Reply;
    try {
      for (const module of this.#init.modules) await import(module);
      for (let i = this.#init.start; i < this.#init.end; i++) this.#envs.push(make(this.#init.id, this.#init.config));
      reply = { seq: BUILD_SEQ, spaces: this.#envs.map((e) => ({ observation: e.observationSpace.toJSON(), action: e.actionSpace.toJSON() })) };
    } catch (err) {
      reply = { seq: BUILD_SEQ, error: reportError(err) };
    }
    this.#finish(BUILD_SEQ, reply);
  }

  /** Serves commands until CLOSE; blocks the thread between them. */
  serve(): void {
    const c = this.#control;
    let seen = BUILD_SEQ;
    for (;;) {
      Atomics.wait(c, this.#base + SEQ, seen);
      const seq = Atomics.load(c, this.#base + SEQ);
      if (seq === seen) continue;
      seen = seq;
      const op = c[this.#base + OP];
      if (op === Op.close) {
        for (const env of this.#envs) {
          try {
            env.close();
          } catch {
            // closing is best effort: the thread ends next
          }
        }
        this.#finish(seq, null);
        return;
      }
      let reply: Reply | null;
      this.#current = undefined;
      try {
        if (op === Op.attach) reply = this.#attach(this.#request(seq, "attach"));
        else if (op === Op.reset) reply = this.#reset(seq, this.#request(seq, "reset"));
        else reply = this.#step(seq);
      } catch (err) {
        reply = { seq, error: reportError(err) };
        if (this.#current !== undefined) reply.env = this.#current;
      }
      this.#finish(seq, reply);
    }
  }

  #request<K extends Request["kind"]>(seq: number, kind: K): Extract<Request, { kind: K }> {
    let found: Request | undefined;
    for (let m = receiveMessageOnPort(this.#init.port); m !== undefined; m = receiveMessageOnPort(this.#init.port)) {
      const r = m.message as Request;
      if (r.seq === seq) found = r;
    }
    if (found?.kind !== kind) throw new Error(`AsyncVectorEnv worker ${this.#init.worker}: no ${kind} request for command ${seq}`);
    return found as Extract<Request, { kind: K }>;
  }

  #attach(r: Extract<Request, { kind: "attach" }>): null {
    this.#batch = batchViews(r.batch, r.numEnvs, r.observationSize, r.actionSize);
    this.#observationSize = r.observationSize;
    return null;
  }

  #reset(seq: number, r: Extract<Request, { kind: "reset" }>): Reply | null {
    const { observations } = this.#batch!;
    const d = this.#observationSize;
    const infos: Info[] | null = this.#init.infos ? [] : null;
    for (let k = 0; k < this.#envs.length; k++) {
      const i = this.#init.start + k;
      this.#current = i;
      const sub: ResetOptions = r.seed === undefined ? {} : { seed: r.seed + i };
      if (r.options !== undefined) sub.options = r.options;
      const res = this.#envs[k]!.reset(sub);
      observations.set(res.observation as ArrayLike<number>, i * d);
      infos?.push(res.info);
    }
    return infos === null ? null : { seq, infos };
  }

  /** The same loop as SyncVectorEnv.step, over this worker's slice, writing into shared memory. */
  #step(seq: number): Reply | null {
    const { actions, observations: obs, finalObservations, rewards, terminations, truncations } = this.#batch!;
    const d = this.#observationSize;
    const space = this.#envs[0]!.actionSpace as unknown as Box | Discrete;
    const infos: Info[] | null = this.#init.infos ? [] : null;
    const finalInfos: (Info | null)[] | null = this.#init.infos ? [] : null;
    for (let k = 0; k < this.#envs.length; k++) {
      const i = this.#init.start + k;
      const env = this.#envs[k]!;
      this.#current = i;
      const r = env.step(subAction(space, actions, i) as ArrayLike<number>);
      rewards[i] = r.reward;
      terminations[i] = r.terminated ? 1 : 0;
      truncations[i] = r.truncated ? 1 : 0;
      if (r.terminated || r.truncated) {
        finalObservations.set(r.observation as ArrayLike<number>, i * d);
        const next = env.reset();
        obs.set(next.observation as ArrayLike<number>, i * d);
        infos?.push(next.info);
        finalInfos?.push(r.info);
      } else {
        obs.set(r.observation as ArrayLike<number>, i * d);
        infos?.push(r.info);
        finalInfos?.push(null);
      }
    }
    return infos === null ? null : { seq, infos, finalInfos: finalInfos! };
  }

  /** Posts the reply (if any), then stores DONE: the main thread reads the reply once it sees DONE. */
  #finish(seq: number, reply: Reply | null): void {
    let status: number = reply?.error === undefined ? Status.ok : Status.error;
    if (reply !== null) {
      try {
        this.#init.port.postMessage(reply);
      } catch (err) {
        // an info that cannot be cloned (a function in it) fails the command, not the thread
        this.#init.port.postMessage({ seq, error: reportError(err) } satisfies Reply);
        status = Status.error;
      }
    }
    this.#control[this.#base + STATUS] = status;
    Atomics.store(this.#control, this.#base + DONE, seq);
    Atomics.notify(this.#control, this.#base + DONE);
  }
}

const init = workerData as Partial<WorkerInit> | null;
if (!isMainThread && init?.mark === WORKER_MARK) {
  const server = new Server(init as WorkerInit);
  void server.build().then(() => server.serve());
}
