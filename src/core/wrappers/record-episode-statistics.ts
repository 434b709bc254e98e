/**
 * RecordEpisodeStatistics: sums rewards and counts steps per episode, and reports them in
 * the info of the step that ends the episode.
 *
 * What a caller may rely on:
 * - On the step where `terminated || truncated`, `info.episode` is `{ return, length }`
 *   (undiscounted sum of rewards, number of steps); on other steps `info` is the wrapped
 *   env's, untouched. There are no wall-clock fields: infos stay bit-identical across runs.
 * - `returnQueue` and `lengthQueue` hold the last `bufferLength` finished episodes, oldest first.
 */
import type { Env, ResetOptions, ResetResult, StepResult } from "../env.js";
import { ConfigError } from "../errors.js";
import { Wrapper } from "./wrapper.js";

/** What `info.episode` holds at the end of an episode. */
export interface EpisodeStatistics {
  /** Undiscounted sum of the episode's rewards. */
  return: number;
  /** Number of steps in the episode. */
  length: number;
}

/** Adds `info.episode` at every episode end. */
export class RecordEpisodeStatistics<Obs, Act> extends Wrapper<Obs, Act> {
  #return = 0;
  #length = 0;
  readonly #returns: number[] = [];
  readonly #lengths: number[] = [];

  /**
   * @param env the env to record
   * @param bufferLength how many finished episodes `returnQueue`/`lengthQueue` keep
   */
  constructor(env: Env<Obs, Act>, readonly bufferLength = 100) {
    super(env);
    if (!Number.isInteger(bufferLength) || bufferLength < 1) {
      throw new ConfigError("RecordEpisodeStatistics", [{ path: "bufferLength", expected: "a positive integer", received: String(bufferLength) }]);
    }
  }

  /** Returns of the last finished episodes, oldest first. */
  get returnQueue(): readonly number[] {
    return this.#returns;
  }

  /** Lengths of the last finished episodes, oldest first. */
  get lengthQueue(): readonly number[] {
    return this.#lengths;
  }

  /** Resets the wrapped env and the running return and length. */
  override reset(opts?: ResetOptions): ResetResult<Obs> {
    const r = this.env.reset(opts);
    this.#return = 0;
    this.#length = 0;
    return r;
  }

  /**
   * Steps the wrapped env; when the step terminates or truncates, adds `info.episode` and records the
   * episode in `returns` and `lengths`.
   */
  override step(action: Act): StepResult<Obs> {
    const r = this.env.step(action);
    this.#return += r.reward;
    this.#length += 1;
    if (!r.terminated && !r.truncated) return r;
    const episode: EpisodeStatistics = { return: this.#return, length: this.#length };
    this.#returns.push(episode.return);
    this.#lengths.push(episode.length);
    if (this.#returns.length > this.bufferLength) {
      this.#returns.shift();
      this.#lengths.shift();
    }
    return { ...r, info: { ...r.info, episode } };
  }
}
