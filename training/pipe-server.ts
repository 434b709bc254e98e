#!/usr/bin/env node
/**
 * The pipe server behind the Python client (python/gridgym): reads length-prefixed binary frames
 * on stdin, answers each on stdout, and exits at end of input. One process serves any number of
 * envs, each named by a handle that `make` returns.
 *
 * Framing (all integers little-endian): every frame is a u32 body length, then the body.
 * A request body starts with a u8 op; a reply body with a u8 status: 0 ok, 1 error (JSON
 * `{name, code, message, issues, field, index}`), and, during `evaluate` with a policy that
 * lives in Python, 2 act (the policy is asked for an action) and 3 episode (an episode begins).
 * Observations and actions travel as raw float32/float64 bytes in the space's dtype; infos
 * travel as JSON only when the request's flags ask for them.
 *
 * | op | request after the op byte | ok reply after the status byte |
 * |---|---|---|
 * | 1 make | JSON `{id, config, kind: "env" \| "vec" \| "parallel", numEnvs, infos}` | u32 handle, JSON description (spaces, agents) |
 * | 2 reset | u32 handle, u8 flags (1 seed, 2 options, 4 infos), f64 seed, JSON options | env: u8 dtype, u32 bytes, obs, info JSON; vec: obs (f32), infos JSON; parallel: u32 n, JSON head, obs |
 * | 3 step | u32 handle, u8 flags (4 infos), action bytes (parallel: u32 n, JSON agents, actions) | env: f64 reward, u8 terminated, u8 truncated, u8 dtype, u32 bytes, obs, info JSON; vec: rewards f64[N], terminations u8[N], truncations u8[N], obs f32[N d], final obs f32[N d], infos JSON; parallel: u32 n, JSON head, obs |
 * | 4 close | u32 handle | nothing |
 * | 5 spaces | u32 handle | JSON description |
 * | 6 evaluate | JSON `{id, config, seeds, policy, policyName, infos, solver}` | JSON `{result, table, kpis}`; before it, per episode an episode frame (JSON seed and action space) and per step an act frame (as a reset reply) |
 * | 7 action | (the answer to an act frame) action bytes as in step | - |
 * | 8 abort | (the answer to an act frame: the Python policy failed) | - |
 *
 * Dtype codes: 1 float32, 2 float64. A vector env's observations are float32 (the VectorEnv
 * contract, src/core/vector.ts), with its same-step autoreset: row i of the observations is the
 * next episode's first one where env i ended, and row i of the final observations its last one.
 * Nothing but frames is written to stdout: console output goes to stderr.
 */
import { readSync, writeSync } from "node:fs";
import "../envs/index.js";
import { invokedDirectly } from "./main-module.js";
import type { Env, Info, JointPolicy, ParallelEnv, Policy } from "../src/core/env.js";
import { ConfigError, GymError, InvalidActionError, describeValue } from "../src/core/errors.js";
import { make, makeParallel, spec } from "../src/core/registry.js";
import { Box, Discrete, type Space } from "../src/core/spaces.js";
import { SyncVectorEnv } from "../src/core/vector.js";

/** Request ops. */
export const OP = { make: 1, reset: 2, step: 3, close: 4, spaces: 5, evaluate: 6, action: 7, abort: 8 } as const;
/** Reply statuses. */
export const STATUS = { ok: 0, error: 1, act: 2, episode: 3 } as const;

const FLAG_SEED = 1;
const FLAG_OPTIONS = 2;
const FLAG_INFOS = 4;
const DTYPE_F32 = 1;
const DTYPE_F64 = 2;

/** The Python policy failed while asked for an action: the evaluation stops. */
class EvaluationAborted extends GymError {
  constructor() {
    super("EVALUATION_ABORTED", "evaluate: the Python policy raised an exception");
  }
}

/** JSON for infos: typed arrays become arrays, and anything that cannot be encoded says so. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
    if (typeof v === "bigint") return Number(v);
    if (v instanceof Map) return Object.fromEntries(v);
    if (v instanceof Set) return [...v];
    return v;
  });
}

/** Reads frames from a file descriptor with one buffer, blocking (the server has nothing else to do). */
class FrameReader {
  #buf = Buffer.alloc(1 << 16);
  #start = 0;
  #end = 0;

  constructor(readonly fd: number) {}

  /** The next frame's body (a view valid until the next call), or null at end of input. */
  next(): Buffer | null {
    if (!this.#fill(4)) return null;
    const len = this.#buf.readUInt32LE(this.#start);
    if (!this.#fill(4 + len)) {
      throw new GymError("PIPE_TRUNCATED", `pipe-server: input ended inside a frame of ${len} bytes`);
    }
    const body = this.#buf.subarray(this.#start + 4, this.#start + 4 + len);
    this.#start += 4 + len;
    return body;
  }

  /** Makes at least `n` unread bytes available; false at end of input before any of them. */
  #fill(n: number): boolean {
    if (this.#end - this.#start >= n) return true;
    if (this.#buf.length - this.#start < n) {
      const grown = Buffer.alloc(Math.max(this.#buf.length, n * 2));
      this.#buf.copy(grown, 0, this.#start, this.#end);
      this.#buf = grown;
      this.#end -= this.#start;
      this.#start = 0;
    } else if (this.#start > 0 && this.#buf.length - this.#start < n + 4096) {
      this.#buf.copy(this.#buf, 0, this.#start, this.#end);
      this.#end -= this.#start;
      this.#start = 0;
    }
    while (this.#end - this.#start < n) {
      let k: number;
      try {
        k = readSync(this.fd, this.#buf, this.#end, this.#buf.length - this.#end, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EAGAIN") {
          Atomics.wait(SLEEP, 0, 0, 1);
          continue;
        }
        if ((err as NodeJS.ErrnoException).code === "EOF") return false;
        throw err;
      }
      if (k === 0) {
        if (this.#end - this.#start === 0) return false;
        throw new GymError("PIPE_TRUNCATED", `pipe-server: input ended inside a frame (${this.#end - this.#start} of ${n} bytes)`);
      }
      this.#end += k;
    }
    return true;
  }
}

const SLEEP = new Int32Array(new SharedArrayBuffer(4));

/** Builds one reply frame in a reused buffer and writes it with one system call. */
class FrameWriter {
  #buf = Buffer.alloc(1 << 16);
  #pos = 4;

  constructor(readonly fd: number) {}

  begin(status: number): this {
    this.#pos = 4;
    return this.u8(status);
  }

  #room(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    const grown = Buffer.alloc(Math.max(this.#buf.length * 2, this.#pos + n));
    this.#buf.copy(grown, 0, 0, this.#pos);
    this.#buf = grown;
  }

  u8(x: number): this {
    this.#room(1);
    this.#buf[this.#pos++] = x;
    return this;
  }

  u32(x: number): this {
    this.#room(4);
    this.#buf.writeUInt32LE(x, this.#pos);
    this.#pos += 4;
    return this;
  }

  f64(x: number): this {
    this.#room(8);
    this.#buf.writeDoubleLE(x, this.#pos);
    this.#pos += 8;
    return this;
  }

  bytes(view: ArrayBufferView): this {
    this.#room(view.byteLength);
    this.#buf.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), this.#pos);
    this.#pos += view.byteLength;
    return this;
  }

  /** A typed observation: dtype code, byte length, bytes. */
  observation(obs: unknown): this {
    const view = obs instanceof Float32Array || obs instanceof Float64Array ? obs : Float64Array.from(obs as ArrayLike<number>);
    return this.u8(view instanceof Float32Array ? DTYPE_F32 : DTYPE_F64).u32(view.byteLength).bytes(view);
  }

  text(s: string): this {
    const n = Buffer.byteLength(s);
    this.#room(n);
    this.#buf.write(s, this.#pos);
    this.#pos += n;
    return this;
  }

  /** A length-prefixed JSON text. */
  json(value: unknown): this {
    const s = toJson(value);
    return this.u32(Buffer.byteLength(s)).text(s);
  }

  send(): void {
    this.#buf.writeUInt32LE(this.#pos - 4, 0);
    let off = 0;
    while (off < this.#pos) {
      try {
        off += writeSync(this.fd, this.#buf, off, this.#pos - off);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EAGAIN") throw err;
        Atomics.wait(SLEEP, 0, 0, 1);
      }
    }
  }
}

/** Reads the request body field by field. */
class Cursor {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  u8(): number {
    return this.buf[this.pos++]!;
  }
  u32(): number {
    const x = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return x;
  }
  f64(): number {
    const x = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return x;
  }
  /** A length-prefixed JSON text. */
  json(): unknown {
    const n = this.u32();
    return this.jsonRest(this.pos + n);
  }
  /** The JSON text up to `end` (default: the rest of the body); undefined when empty. */
  jsonRest(end = this.buf.length): unknown {
    const s = this.buf.toString("utf8", this.pos, end);
    this.pos = end;
    return s.length === 0 ? undefined : JSON.parse(s);
  }
  /** `count` values of `dtype` copied into a fresh typed array (an env may keep its action). */
  floats(dtype: "float32" | "float64", count: number): Float32Array | Float64Array {
    const width = dtype === "float32" ? 4 : 8;
    const out = dtype === "float32" ? new Float32Array(count) : new Float64Array(count);
    new Uint8Array(out.buffer).set(this.buf.subarray(this.pos, this.pos + count * width));
    this.pos += count * width;
    return out;
  }
  remaining(): number {
    return this.buf.length - this.pos;
  }
}

/** How one agent's (or one env's) action is read from the wire. */
interface ActionCodec {
  /** Bytes per action. */
  bytes: number;
  read(c: Cursor): unknown;
}

function actionCodec(space: Space<unknown>): ActionCodec {
  if (space instanceof Discrete) return { bytes: 8, read: (c) => c.f64() };
  if (space instanceof Box) {
    const width = space.dtype === "float32" ? 4 : 8;
    return {
      bytes: space.size * width,
      // a wrong-sized action arrives as a wrong-sized array, which the env's own check rejects
      read: (c) => c.floats(space.dtype, Math.floor(c.remaining() / width)),
    };
  }
  throw new ConfigError("pipe-server", [{ path: "actionSpace", expected: "a Box or a Discrete (what the Python client sends)", received: space.kind }]);
}

/** Reads one parallel env's actions: agent names, then each agent's action bytes in that order. */
function readParallelActions(c: Cursor, codecs: Map<string, ActionCodec>): Record<string, unknown> {
  const names = c.json();
  if (!Array.isArray(names)) throw new ConfigError("step", [{ path: "actions", expected: "a mapping of agent names to actions", received: describeValue(names) }]);
  const actions: Record<string, unknown> = {};
  for (const name of names as unknown[]) {
    const codec = codecs.get(String(name));
    if (codec === undefined) throw new ConfigError("step", [{ path: `actions.${String(name)}`, expected: "a possible agent of the env", received: describeValue(name) }]);
    const sub = new Cursor(c.buf.subarray(c.pos, c.pos + codec.bytes));
    actions[String(name)] = codec.read(sub);
    c.pos += codec.bytes;
  }
  return actions;
}

type Handle =
  | { kind: "env"; env: Env<unknown, unknown>; codec: ActionCodec }
  | { kind: "vec"; env: SyncVectorEnv; infos: boolean }
  | { kind: "parallel"; env: ParallelEnv<unknown, unknown>; codecs: Map<string, ActionCodec> };

function describeHandle(h: Handle, id: string): Record<string, unknown> {
  if (h.kind === "env") return { kind: "env", id, observationSpace: h.env.observationSpace.toJSON(), actionSpace: h.env.actionSpace.toJSON() };
  if (h.kind === "vec") {
    return { kind: "vec", id, numEnvs: h.env.numEnvs, observationSpace: h.env.singleObservationSpace.toJSON(), actionSpace: h.env.singleActionSpace.toJSON(), autoresetMode: h.env.autoresetMode };
  }
  const env = h.env;
  return {
    kind: "parallel",
    id,
    possibleAgents: env.possibleAgents,
    observationSpaces: Object.fromEntries(env.possibleAgents.map((a) => [a, env.observationSpace(a).toJSON()])),
    actionSpaces: Object.fromEntries(env.possibleAgents.map((a) => [a, env.actionSpace(a).toJSON()])),
  };
}

/** The JSON of an error reply: the class name, code, message and the fields it names. */
function errorPayload(err: unknown): Record<string, unknown> {
  if (err instanceof GymError) {
    const issues = err instanceof ConfigError ? err.issues : [];
    return {
      name: err.name,
      code: err.code,
      message: err.message,
      issues,
      field: issues[0]?.path ?? null,
      index: err instanceof InvalidActionError ? err.index : null,
    };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, code: "INTERNAL", message: e.message, issues: [], field: null, index: null };
}

function nonNegativeSeeds(value: unknown): number[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((s) => Number.isSafeInteger(s) && (s as number) >= 0)) {
    throw new ConfigError("evaluate", [{ path: "seeds", expected: "a non-empty list of integers >= 0", received: describeValue(value) }]);
  }
  return value as number[];
}

/** The server's state: open handles, the reader and the writer. */
export class PipeServer {
  readonly #handles = new Map<number, Handle>();
  readonly #ids = new Map<number, string>();
  #nextHandle = 1;

  constructor(readonly reader: FrameReader, readonly out: FrameWriter) {}

  /** Serves frames until end of input; closes every env on the way out. */
  async serve(): Promise<void> {
    try {
      for (;;) {
        const body = this.reader.next();
        if (body === null) return;
        try {
          // only evaluate is asynchronous (it loads the baselines); steps stay off the microtask queue
          const pending = this.handle(new Cursor(body));
          if (pending !== undefined) await pending;
        } catch (err) {
          this.out.begin(STATUS.error).text(toJson(errorPayload(err))).send();
        }
      }
    } finally {
      for (const h of this.#handles.values()) h.env.close();
      this.#handles.clear();
    }
  }

  #get(c: Cursor): Handle {
    const id = c.u32();
    const h = this.#handles.get(id);
    if (h === undefined) throw new GymError("ENV_CLOSED", `pipe-server: no open env with handle ${id} (closed, or never made)`);
    return h;
  }

  /** Answers one request; a promise only for evaluate. */
  handle(c: Cursor): Promise<void> | undefined {
    const op = c.u8();
    switch (op) {
      case OP.step:
        this.#step(c);
        return undefined;
      case OP.reset:
        this.#reset(c);
        return undefined;
      case OP.make:
        this.#make(c);
        return undefined;
      case OP.close: {
        const id = c.u32();
        this.#handles.get(id)?.env.close();
        this.#handles.delete(id);
        this.#ids.delete(id);
        this.out.begin(STATUS.ok).send();
        return undefined;
      }
      case OP.spaces: {
        const id = c.buf.readUInt32LE(c.pos);
        const h = this.#get(c);
        this.out.begin(STATUS.ok).text(toJson(describeHandle(h, this.#ids.get(id)!))).send();
        return undefined;
      }
      case OP.evaluate:
        return this.#evaluate(c);
      default:
        throw new GymError("PIPE_PROTOCOL", `pipe-server: unknown op ${op} (expected ${Object.entries(OP).map(([k, v]) => `${v} ${k}`).join(", ")})`);
    }
  }

  #make(c: Cursor): void {
    const req = c.jsonRest() as { id?: unknown; config?: unknown; kind?: unknown; numEnvs?: unknown; infos?: unknown };
    if (typeof req?.id !== "string") throw new ConfigError("make", [{ path: "id", expected: "an env id (a string)", received: describeValue(req?.id) }]);
    const id = req.id;
    const config = req.config ?? {};
    let h: Handle;
    if (req.kind === "env") {
      const env = make(id, config);
      h = { kind: "env", env, codec: actionCodec(env.actionSpace) };
    } else if (req.kind === "vec") {
      const n = req.numEnvs;
      if (!Number.isSafeInteger(n) || (n as number) < 1) throw new ConfigError("make_vec", [{ path: "num_envs", expected: "an integer >= 1", received: describeValue(n) }]);
      // validate once, so a bad config is reported before N envs are built
      make(id, config).close();
      const env = new SyncVectorEnv(Array.from({ length: n as number }, () => () => make(id, config) as Env<ArrayLike<number>, unknown>), { infos: req.infos === true });
      h = { kind: "vec", env, infos: req.infos === true };
    } else if (req.kind === "parallel") {
      const env = makeParallel(id, config);
      h = { kind: "parallel", env, codecs: new Map(env.possibleAgents.map((a) => [a, actionCodec(env.actionSpace(a))])) };
    } else {
      throw new ConfigError("make", [{ path: "kind", expected: '"env", "vec" or "parallel"', received: describeValue(req.kind) }]);
    }
    const handle = this.#nextHandle++;
    this.#handles.set(handle, h);
    this.#ids.set(handle, id);
    this.out.begin(STATUS.ok).u32(handle).text(toJson(describeHandle(h, id))).send();
  }

  #reset(c: Cursor): void {
    const h = this.#get(c);
    const flags = c.u8();
    const seed = c.f64();
    const options = (flags & FLAG_OPTIONS) !== 0 ? c.jsonRest() : undefined;
    const opts: { seed?: number; options?: Record<string, unknown> } = {};
    if ((flags & FLAG_SEED) !== 0) opts.seed = seed;
    if (options !== undefined) opts.options = options as Record<string, unknown>;
    const infos = (flags & FLAG_INFOS) !== 0;
    if (h.kind === "env") {
      const r = h.env.reset(opts);
      const w = this.out.begin(STATUS.ok).observation(r.observation);
      if (infos) w.text(toJson(r.info));
      w.send();
    } else if (h.kind === "vec") {
      const r = h.env.reset(opts);
      const w = this.out.begin(STATUS.ok).bytes(r.observations);
      if (r.infos !== null) w.text(toJson(r.infos));
      w.send();
    } else {
      const r = h.env.reset(opts);
      this.#parallelReply(r.observations, { agents: h.env.agents, infos: infos ? r.infos : null });
    }
  }

  #parallelReply(observations: Record<string, unknown>, head: Record<string, unknown>, status: number = STATUS.ok): void {
    const names = Object.keys(observations);
    const w = this.out.begin(status).json({ ...head, observationAgents: names });
    for (const a of names) w.observation(observations[a]);
    w.send();
  }

  #step(c: Cursor): void {
    const h = this.#get(c);
    const flags = c.u8();
    if (h.kind === "env") {
      const r = h.env.step(h.codec.read(c));
      const w = this.out.begin(STATUS.ok).f64(r.reward).u8(r.terminated ? 1 : 0).u8(r.truncated ? 1 : 0).observation(r.observation);
      if ((flags & FLAG_INFOS) !== 0) w.text(toJson(r.info));
      w.send();
    } else if (h.kind === "vec") {
      const width = h.env.singleActionSpace instanceof Box && h.env.singleActionSpace.dtype === "float32" ? 4 : 8;
      const actions = c.floats(width === 4 ? "float32" : "float64", Math.floor(c.remaining() / width));
      const r = h.env.step(actions);
      const w = this.out.begin(STATUS.ok).bytes(r.rewards).bytes(r.terminations).bytes(r.truncations).bytes(r.observations).bytes(r.finalObservations);
      if (r.infos !== null) w.text(toJson({ infos: r.infos, finalInfos: r.finalInfos }));
      w.send();
    } else {
      const r = h.env.step(readParallelActions(c, h.codecs));
      const head: Record<string, unknown> = { agents: h.env.agents, rewards: r.rewards, terminations: r.terminations, truncations: r.truncations };
      head.infos = (flags & FLAG_INFOS) !== 0 ? r.infos : null;
      this.#parallelReply(r.observations, head);
    }
  }

  /** Waits for the Python policy's answer to an act frame. */
  #answer(): Cursor {
    const body = this.reader.next();
    if (body === null) throw new GymError("PIPE_TRUNCATED", "pipe-server: input ended while the Python policy was asked for an action");
    const c = new Cursor(Buffer.from(body));
    const op = c.u8();
    if (op === OP.abort) throw new EvaluationAborted();
    if (op !== OP.action) throw new GymError("PIPE_PROTOCOL", `pipe-server: expected an action (op ${OP.action}) while evaluating, got op ${op}`);
    return c;
  }

  async #evaluate(c: Cursor): Promise<void> {
    const req = c.jsonRest() as { id?: unknown; config?: unknown; seeds?: unknown; policy?: unknown; policyName?: unknown; infos?: unknown; solver?: unknown };
    if (typeof req?.id !== "string") throw new ConfigError("evaluate", [{ path: "id", expected: "an env id (a string)", received: describeValue(req?.id) }]);
    const id = req.id;
    const config = req.config ?? {};
    const seeds = nonNegativeSeeds(req.seeds);
    const wantInfos = req.infos === true;
    const parallel = spec(id).kind === "parallel";
    const { evaluate } = await import("./evaluate.js");
    const { evaluateParallel } = await import("./evaluate-parallel.js");
    const { formatTable } = await import("./table.js");
    let result;
    if (typeof req.policy === "string") {
      const { baselineFactory, parallelBaselineFactory } = await import("./policies.js");
      const solver = (typeof req.solver === "string" ? req.solver : "auto") as "auto";
      result = parallel
        ? evaluateParallel(id, config, await parallelBaselineFactory(req.policy, { solver, envId: id }), seeds)
        : evaluate(id, config, await baselineFactory(req.policy, { solver, envId: id }), seeds);
    } else {
      const name = typeof req.policyName === "string" && req.policyName.length > 0 ? req.policyName : "python";
      if (parallel) {
        let codecs: Map<string, ActionCodec> | null = null;
        const factory = (env: ParallelEnv<unknown, unknown>, seed: number): JointPolicy<unknown, unknown> => {
          codecs = new Map(env.possibleAgents.map((a) => [a, actionCodec(env.actionSpace(a))]));
          this.out.begin(STATUS.episode).text(toJson({ seed, actionSpaces: Object.fromEntries(env.possibleAgents.map((a) => [a, env.actionSpace(a).toJSON()])) })).send();
          return {
            name,
            act: (observations, infos) => {
              this.#parallelReply(observations, { agents: env.agents, infos: wantInfos ? infos : null }, STATUS.act);
              return readParallelActions(this.#answer(), codecs!);
            },
          };
        };
        result = evaluateParallel(id, config, factory as never, seeds);
      } else {
        const factory = (env: Env<unknown, unknown>, ctx: { seed: number }): Policy<unknown, unknown> => {
          const codec = actionCodec(env.actionSpace);
          this.out.begin(STATUS.episode).text(toJson({ seed: ctx.seed, actionSpace: env.actionSpace.toJSON() })).send();
          return {
            name,
            act: (observation: unknown, info: Info) => {
              const w = this.out.begin(STATUS.act).observation(observation);
              if (wantInfos) w.text(toJson(info));
              w.send();
              return codec.read(this.#answer());
            },
          };
        };
        result = evaluate(id, config, factory, seeds);
      }
    }
    // what `gridgym evaluate --json` prints: one episode's KPIs, or each KPI's mean over the episodes
    const kpis = seeds.length === 1
      ? { ...result.episodes[0]!.kpis, return: result.episodes[0]!.return }
      : Object.fromEntries(Object.entries(result.summary).map(([k, s]) => [k, s.mean]));
    for (const ep of result.episodes) delete ep.trajectory;
    this.out.begin(STATUS.ok).text(toJson({ result, table: formatTable([result]), kpis })).send();
  }
}

/** Runs the server on stdin/stdout until its input ends. */
export async function servePipe(inFd = 0, outFd = 1): Promise<void> {
  // stdout carries frames only: whatever a module prints goes to stderr
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
  console.warn = console.error;
  const cwd = process.env.GRIDGYM_CWD;
  if (cwd !== undefined && cwd !== "") process.chdir(cwd);
  await new PipeServer(new FrameReader(inFd), new FrameWriter(outFd)).serve();
}

if (invokedDirectly(import.meta.url)) {
  servePipe().then(() => process.exit(0), (err: unknown) => {
    process.stderr.write(`gridgym pipe-server: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  });
}
