/**
 * Vector envs: N copies of one environment presented as one batched env, for learners that act
 * for all N with one forward pass (Gymnasium 1.x's VectorEnv, with typed-array batches).
 *
 * The contract (`VectorEnv`), which SyncVectorEnv (this file) and AsyncVectorEnv
 * (async-vector.ts) both keep, so that a learner cannot tell them apart:
 * - Spaces: the single observation space is a Box (a learner's input is a float vector); the
 *   single action space is a Box or a Discrete. `observationSize` floats per observation,
 *   `actionSize` numbers per action (the Box's size, or 1 for a Discrete).
 * - Batches: `observations` is one Float32Array of `numEnvs * observationSize`, env-major (env i
 *   at `[i * observationSize, (i + 1) * observationSize)`); a float64 observation space is
 *   stored rounded to float32. `rewards` is a Float64Array, `terminations` and `truncations`
 *   Uint8Arrays of 0/1, one entry per env.
 * - Buffers are reused: every array a `reset` or `step` returns is overwritten by the next
 *   call. Copy what you keep (a replay buffer copies on `add`). AsyncVectorEnv's arrays are
 *   views of a SharedArrayBuffer: `.slice()` gives an owned copy.
 * - Actions: `step(actions)` takes `numEnvs * actionSize` numbers, env-major, in the env's own
 *   units (a Discrete action is its index, `start` included, and must be a number). Sub-env i receives a fresh typed
 *   array of the Box's dtype (or a number), so an env may keep what it was given.
 * - Seeding: `reset({ seed })` resets env i with `seed + i`; without a seed every env continues
 *   its own generator, so one root seed fixes all N streams, in any thread.
 * - Autoreset ("same-step", the mode SB3 uses and Gymnasium 1.x offers as SAME_STEP): when env
 *   i terminates or truncates in `step`, it is reset (without a seed) within the same call.
 *   `observations` row i is then the first observation of the next episode, while row i of
 *   `finalObservations` holds the last observation of the ended one, for bootstrapping a
 *   truncated return; `rewards[i]`, `terminations[i]` and `truncations[i]` are those of the
 *   ending step. Rows of `finalObservations` for envs that did not end are stale: read a row
 *   only where its env ended.
 * - Infos cost a copy per step (a structured clone in AsyncVectorEnv), so they are collected
 *   only when the vector env is built with `infos: true`; otherwise `infos` is null. With
 *   infos on, `finalInfos[i]` is the last info of an episode that ended (else null).
 * - `step` before `reset` throws ResetNeededError; after `close`, `reset` and `step` throw a
 *   GymError with code "ENV_CLOSED"; `close` may be called any number of times. An error in a
 *   sub-env (an invalid action) is thrown from `step` or `reset` with the sub-env's message,
 *   and the vector env then needs a `reset`; which other envs had already stepped is
 *   unspecified (Sync stops at the failing env, Async's other workers have stepped), so only a
 *   seeded `reset` restores a known state. Infos, configs and reset options must be plain data
 *   (structured-cloneable) for AsyncVectorEnv.
 */
import type { Env, Info, ResetOptions } from "./env.js";
import { ConfigError, GymError, InvalidActionError, ResetNeededError } from "./errors.js";
import { isValidSeed } from "./rng.js";
import { Box, Discrete, type Space } from "./spaces.js";

/** When a sub-env whose episode ended is reset: within the same `step` call. */
export type AutoresetMode = "same-step";

/** What `VectorEnv.reset` returns (arrays reused by the next call). */
export interface VectorReset {
  /** `numEnvs * observationSize` floats, env-major. */
  observations: Float32Array;
  /** Each env's reset info, when built with `infos: true`; else null. */
  infos: Info[] | null;
}

/** What `VectorEnv.step` returns (arrays reused by the next call). */
export interface VectorStep extends VectorReset {
  rewards: Float64Array;
  /** 1 where the env reached a terminal state this step. */
  terminations: Uint8Array;
  /** 1 where a time limit cut the env's episode this step. */
  truncations: Uint8Array;
  /** Row i: the last observation of env i's episode when it ended this step (stale otherwise). */
  finalObservations: Float32Array;
  /** With infos on: the last info of an episode that ended this step, else null; null when infos are off. */
  finalInfos: (Info | null)[] | null;
}

/** N envs stepped as one (see this file's header for the guarantees). */
export interface VectorEnv {
  /** Envs stepped together. */
  readonly numEnvs: number;
  readonly singleObservationSpace: Box;
  readonly singleActionSpace: Box | Discrete;
  /** Floats per observation. */
  readonly observationSize: number;
  /** Numbers per action: the Box's size, or 1 for a Discrete. */
  readonly actionSize: number;
  readonly autoresetMode: AutoresetMode;
  /** Resets every env (env i with `seed + i` when a seed is given). */
  reset(opts?: ResetOptions): VectorReset;
  /** Steps every env with its slice of `actions` (numEnvs x actionSize), autoresetting those that ended. */
  step(actions: ArrayLike<number>): VectorStep;
  /** Releases every env (and, for AsyncVectorEnv, its workers); idempotent. */
  close(): void;
}

/** Options shared by SyncVectorEnv and AsyncVectorEnv. */
export interface VectorEnvOptions {
  /** Collect each env's info every step (a copy per step; default false). */
  infos?: boolean;
}

/**
 * Checks that every env has the same Box observation space and Box or Discrete action space
 * as env 0; returns env 0's spaces.
 * @throws ConfigError naming the env and space that differ or are unsupported
 */
export function vectorSpaces(owner: string, spaces: readonly { observationSpace: Space<unknown>; actionSpace: Space<unknown> }[]): { observation: Box; action: Box | Discrete } {
  if (spaces.length === 0) throw new ConfigError(owner, [{ path: "envFns", expected: "at least one env factory", received: "[]" }]);
  const first = spaces[0]!;
  const issues = [];
  if (!(first.observationSpace instanceof Box)) {
    issues.push({ path: "envFns[0].observationSpace", expected: "a Box (a vector env batches float observations)", received: first.observationSpace.kind });
  }
  if (!(first.actionSpace instanceof Box || first.actionSpace instanceof Discrete)) {
    issues.push({ path: "envFns[0].actionSpace", expected: "a Box or a Discrete", received: first.actionSpace.kind });
  }
  for (let i = 1; i < spaces.length; i++) {
    if (!spaces[i]!.observationSpace.equals(first.observationSpace)) {
      issues.push({ path: `envFns[${i}].observationSpace`, expected: "equal to envFns[0]'s", received: JSON.stringify(spaces[i]!.observationSpace.toJSON()) });
    }
    if (!spaces[i]!.actionSpace.equals(first.actionSpace)) {
      issues.push({ path: `envFns[${i}].actionSpace`, expected: "equal to envFns[0]'s", received: JSON.stringify(spaces[i]!.actionSpace.toJSON()) });
    }
  }
  if (issues.length > 0) throw new ConfigError(owner, issues);
  return { observation: first.observationSpace as Box, action: first.actionSpace as Box | Discrete };
}

/** Numbers per action of a Box or Discrete space. */
export function actionSizeOf(space: Box | Discrete): number {
  return space instanceof Box ? space.size : 1;
}

/**
 * Builds sub-env i's action from the flat batch: a fresh typed array of the Box's dtype, or the
 * Discrete index as a number (validated by the env's own action check).
 */
export function subAction(space: Box | Discrete, actions: ArrayLike<number>, i: number): unknown {
  if (space instanceof Discrete) return actions[i];
  const k = space.size;
  const a = space.zeros() as Float32Array | Float64Array;
  for (let j = 0; j < k; j++) a[j] = actions[i * k + j]!;
  return a;
}

/**
 * Checks the reset seed of a vector env of `n` envs (env i gets `seed + i`).
 * @throws ConfigError when the seed or `seed + n - 1` is not a safe non-negative integer
 */
export function checkVectorSeed(owner: string, seed: number | undefined, n: number): void {
  if (seed !== undefined && !(isValidSeed(seed) && isValidSeed(seed + n - 1))) {
    throw new ConfigError(`${owner}.reset`, [{ path: "seed", expected: `a safe integer in [0, ${Number.MAX_SAFE_INTEGER - n + 1}]`, received: String(seed) }]);
  }
}

/**
 * Checks the length of a batch of actions.
 * @throws InvalidActionError when it is not `numEnvs * actionSize` numbers
 */
export function checkActionBatch(owner: string, actions: ArrayLike<number>, numEnvs: number, actionSize: number): void {
  const want = numEnvs * actionSize;
  const ok = actions !== null && typeof actions === "object" && typeof actions.length === "number";
  if (!ok || actions.length !== want) {
    throw new InvalidActionError(owner, null, `${want} numbers (${numEnvs} envs x ${actionSize})`, ok ? `length ${actions.length}` : typeof actions);
  }
}

/** Steps N sub-envs one after another in this thread, into reused batch buffers. */
export class SyncVectorEnv implements VectorEnv {
  /** The sub-envs, in batch order. */
  readonly envs: readonly Env<ArrayLike<number>, unknown>[];
  readonly singleObservationSpace: Box;
  readonly singleActionSpace: Box | Discrete;
  readonly observationSize: number;
  readonly actionSize: number;
  readonly autoresetMode = "same-step" as const;
  readonly #infos: boolean;
  readonly #observations: Float32Array;
  readonly #finalObservations: Float32Array;
  readonly #rewards: Float64Array;
  readonly #terminations: Uint8Array;
  readonly #truncations: Uint8Array;
  #needsReset = true;
  #closed = false;

  /**
   * @param envFns one factory per sub-env; each must build a fresh env
   * @throws ConfigError when there are no factories or the sub-envs' spaces differ or are unsupported
   */
  constructor(envFns: readonly (() => Env<ArrayLike<number>, unknown>)[], options: VectorEnvOptions = {}) {
    this.envs = envFns.map((fn) => fn());
    try {
      const s = vectorSpaces("SyncVectorEnv", this.envs);
      this.singleObservationSpace = s.observation;
      this.singleActionSpace = s.action;
    } catch (err) {
      this.close();
      throw err;
    }
    this.#infos = options.infos ?? false;
    const n = this.envs.length;
    this.observationSize = this.singleObservationSpace.size;
    this.actionSize = actionSizeOf(this.singleActionSpace);
    this.#observations = new Float32Array(n * this.observationSize);
    this.#finalObservations = new Float32Array(n * this.observationSize);
    this.#rewards = new Float64Array(n);
    this.#terminations = new Uint8Array(n);
    this.#truncations = new Uint8Array(n);
  }

  /** Envs stepped together. */
  get numEnvs(): number {
    return this.envs.length;
  }

  /**
   * Resets every sub-env; with a seed, env i gets `seed + i`.
   * @throws ConfigError when the seed is not a safe non-negative integer
   */
  reset(opts: ResetOptions = {}): VectorReset {
    this.#assertOpen();
    const { seed } = opts;
    checkVectorSeed("SyncVectorEnv", seed, this.envs.length);
    const infos: Info[] | null = this.#infos ? [] : null;
    const d = this.observationSize;
    this.#needsReset = true;
    this.envs.forEach((env, i) => {
      const sub: ResetOptions = seed === undefined ? {} : { seed: seed + i };
      if (opts.options !== undefined) sub.options = opts.options;
      const r = env.reset(sub);
      this.#observations.set(r.observation, i * d);
      infos?.push(r.info);
    });
    this.#needsReset = false;
    return { observations: this.#observations, infos };
  }

  /**
   * Steps every sub-env with its action, resetting those whose episode ended.
   * @param actions `numEnvs * actionSize` numbers, env-major
   * @throws InvalidActionError when the batch has the wrong length (or from a sub-env)
   */
  step(actions: ArrayLike<number>): VectorStep {
    this.#assertOpen();
    if (this.#needsReset) throw new ResetNeededError("SyncVectorEnv", "step() called before reset()");
    const n = this.envs.length;
    checkActionBatch("SyncVectorEnv", actions, n, this.actionSize);
    const d = this.observationSize;
    const infos: Info[] | null = this.#infos ? [] : null;
    const finalInfos: (Info | null)[] | null = this.#infos ? [] : null;
    const obs = this.#observations;
    for (let i = 0; i < n; i++) {
      const env = this.envs[i]!;
      let r;
      try {
        r = env.step(subAction(this.singleActionSpace, actions, i));
      } catch (err) {
        this.#needsReset = true;
        throw err;
      }
      this.#rewards[i] = r.reward;
      this.#terminations[i] = r.terminated ? 1 : 0;
      this.#truncations[i] = r.truncated ? 1 : 0;
      if (r.terminated || r.truncated) {
        this.#finalObservations.set(r.observation, i * d);
        const next = env.reset();
        obs.set(next.observation, i * d);
        infos?.push(next.info);
        finalInfos?.push(r.info);
      } else {
        obs.set(r.observation, i * d);
        infos?.push(r.info);
        finalInfos?.push(null);
      }
    }
    return {
      observations: obs,
      infos,
      rewards: this.#rewards,
      terminations: this.#terminations,
      truncations: this.#truncations,
      finalObservations: this.#finalObservations,
      finalInfos,
    };
  }

  /** Closes every sub-env once; later calls do nothing. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const env of this.envs) env.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new GymError("ENV_CLOSED", "SyncVectorEnv: the vector env is closed; build a new one");
  }
}
