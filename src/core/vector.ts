/**
 * SyncVectorEnv: n copies of an environment stepped one after another in this thread,
 * presented as one batched env (Gymnasium's SyncVectorEnv, same-step autoreset).
 *
 * Semantics a caller may rely on:
 * - Layout: `observations[i]` is sub-env i's own observation object, for every space kind.
 *   When the single observation space is a Box, `batch` also holds all of them in one
 *   typed array of the Box's dtype, env-major: env i at `[i * size, (i + 1) * size)`,
 *   ready to feed a network; otherwise `batch` is null. `rewards` is a Float64Array,
 *   `terminated`/`truncated` are Uint8Array of 0/1, `infos[i]` is env i's info.
 * - Every result holds new arrays: a caller may keep them (e.g. in a replay buffer).
 * - Seeding: `reset({ seed })` resets env i with `seed + i`; without a seed each env keeps
 *   its own generator, so one root seed fixes all n streams.
 * - Same-step autoreset: when env i terminates or truncates in `step`, it is reset (without
 *   a seed, continuing its generator) within the same call. `observations[i]` and
 *   `infos[i]` are then the first observation and info of the next episode, while
 *   `finalObservation[i]` and `finalInfo[i]` hold the last observation and info of the
 *   ended one; `rewards[i]`, `terminated[i]` and `truncated[i]` are those of the ending
 *   step. For envs that did not end, `finalObservation[i]` and `finalInfo[i]` are null.
 * - `step` before `reset` throws ResetNeededError; after `close`, `reset` and `step` throw a
 *   GymError with code "ENV_CLOSED"; `close` may be called any number of times.
 */
import type { Env, Info, ResetOptions } from "./env.js";
import { ConfigError, GymError, InvalidActionError, ResetNeededError } from "./errors.js";
import { isValidSeed } from "./rng.js";
import { Box, type BoxElement, type Space } from "./spaces.js";

/** What `SyncVectorEnv.reset` returns. */
export interface VectorResetResult<Obs> {
  /** One observation per sub-env. */
  observations: Obs[];
  /** The observations in one env-major typed array when the observation space is a Box, else null. */
  batch: BoxElement | null;
  infos: Info[];
}

/** What `SyncVectorEnv.step` returns. */
export interface VectorStepResult<Obs> extends VectorResetResult<Obs> {
  rewards: Float64Array;
  /** 1 where the sub-env reached a terminal state this step. */
  terminated: Uint8Array;
  /** 1 where the sub-env was cut by a time limit this step. */
  truncated: Uint8Array;
  /** The last observation of an episode that ended this step, else null. */
  finalObservation: (Obs | null)[];
  /** The last info of an episode that ended this step, else null. */
  finalInfo: (Info | null)[];
}

/** Steps n sub-envs in sequence with same-step autoreset. */
export class SyncVectorEnv<Obs = unknown, Act = unknown> {
  /** The sub-envs, in batch order. */
  readonly envs: readonly Env<Obs, Act>[];
  /** The observation space of one sub-env (all are equal). */
  readonly singleObservationSpace: Space<Obs>;
  /** The action space of one sub-env (all are equal). */
  readonly singleActionSpace: Space<Act>;
  #needsReset = true;
  #closed = false;

  /**
   * @param envFns one factory per sub-env; each must build a fresh env
   * @throws ConfigError when there are no factories or the sub-envs' spaces differ
   */
  constructor(envFns: readonly (() => Env<Obs, Act>)[]) {
    if (envFns.length === 0) {
      throw new ConfigError("SyncVectorEnv", [{ path: "envFns", expected: "at least one env factory", received: "[]" }]);
    }
    this.envs = envFns.map((fn) => fn());
    const first = this.envs[0]!;
    this.singleObservationSpace = first.observationSpace;
    this.singleActionSpace = first.actionSpace;
    const issues = [];
    for (let i = 1; i < this.envs.length; i++) {
      if (!this.envs[i]!.observationSpace.equals(first.observationSpace)) {
        issues.push({ path: `envFns[${i}].observationSpace`, expected: "equal to envFns[0]'s", received: JSON.stringify(this.envs[i]!.observationSpace.toJSON()) });
      }
      if (!this.envs[i]!.actionSpace.equals(first.actionSpace)) {
        issues.push({ path: `envFns[${i}].actionSpace`, expected: "equal to envFns[0]'s", received: JSON.stringify(this.envs[i]!.actionSpace.toJSON()) });
      }
    }
    if (issues.length > 0) {
      this.close();
      throw new ConfigError("SyncVectorEnv", issues);
    }
  }

  /** Number of sub-envs. */
  get numEnvs(): number {
    return this.envs.length;
  }

  /**
   * Resets every sub-env; with a seed, env i gets `seed + i`.
   * @throws ConfigError when the seed is not a safe non-negative integer
   */
  reset(opts: ResetOptions = {}): VectorResetResult<Obs> {
    this.#assertOpen();
    const { seed } = opts;
    if (seed !== undefined && !(isValidSeed(seed) && isValidSeed(seed + this.envs.length - 1))) {
      throw new ConfigError("SyncVectorEnv.reset", [{ path: "seed", expected: `a safe integer in [0, ${Number.MAX_SAFE_INTEGER - this.envs.length + 1}]`, received: String(seed) }]);
    }
    const observations: Obs[] = [];
    const infos: Info[] = [];
    this.envs.forEach((env, i) => {
      const sub: ResetOptions = seed === undefined ? {} : { seed: seed + i };
      if (opts.options !== undefined) sub.options = opts.options;
      const r = env.reset(sub);
      observations.push(r.observation);
      infos.push(r.info);
    });
    this.#needsReset = false;
    return { observations, batch: this.#batch(observations), infos };
  }

  /**
   * Steps every sub-env with its action, resetting those whose episode ended.
   * @param actions one action per sub-env
   * @throws InvalidActionError when the number of actions is not `numEnvs` (or from a sub-env)
   */
  step(actions: readonly Act[]): VectorStepResult<Obs> {
    this.#assertOpen();
    if (this.#needsReset) throw new ResetNeededError("SyncVectorEnv", "step() called before reset()");
    const n = this.envs.length;
    if (!Array.isArray(actions) || actions.length !== n) {
      throw new InvalidActionError("SyncVectorEnv", null, `an array of ${n} actions`, Array.isArray(actions) ? `length ${actions.length}` : typeof actions);
    }
    const observations: Obs[] = [];
    const infos: Info[] = [];
    const rewards = new Float64Array(n);
    const terminated = new Uint8Array(n);
    const truncated = new Uint8Array(n);
    const finalObservation: (Obs | null)[] = new Array<Obs | null>(n).fill(null);
    const finalInfo: (Info | null)[] = new Array<Info | null>(n).fill(null);
    for (let i = 0; i < n; i++) {
      const env = this.envs[i]!;
      const r = env.step(actions[i]!);
      rewards[i] = r.reward;
      terminated[i] = r.terminated ? 1 : 0;
      truncated[i] = r.truncated ? 1 : 0;
      if (r.terminated || r.truncated) {
        finalObservation[i] = r.observation;
        finalInfo[i] = r.info;
        const next = env.reset();
        observations.push(next.observation);
        infos.push(next.info);
      } else {
        observations.push(r.observation);
        infos.push(r.info);
      }
    }
    return { observations, batch: this.#batch(observations), infos, rewards, terminated, truncated, finalObservation, finalInfo };
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

  #batch(observations: Obs[]): BoxElement | null {
    const space = this.singleObservationSpace;
    if (!(space instanceof Box)) return null;
    const out = space.dtype === "float32" ? new Float32Array(observations.length * space.size) : new Float64Array(observations.length * space.size);
    observations.forEach((obs, i) => out.set(obs as ArrayLike<number>, i * space.size));
    return out;
  }
}
