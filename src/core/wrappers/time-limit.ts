/**
 * TimeLimit: ends an episode after a fixed number of steps by setting `truncated`.
 *
 * What a caller may rely on:
 * - On step number `maxEpisodeSteps` after a reset, `truncated` is true; `terminated` is
 *   passed through unchanged (a limit is not a terminal state of the system, so a value
 *   bootstrap must still happen), and both may be true on the same step.
 * - Stepping again after the limit, without a reset, throws ResetNeededError, as stepping
 *   an ended episode does for any env.
 */
import type { Env, ResetOptions, ResetResult, StepResult } from "../env.js";
import { ConfigError, ResetNeededError } from "../errors.js";
import { Wrapper, envIdOf } from "./wrapper.js";

/** Truncates episodes after `maxEpisodeSteps` steps. */
export class TimeLimit<Obs, Act> extends Wrapper<Obs, Act> {
  #elapsedSteps = 0;
  #limitReached = false;

  /**
   * @param env the env to limit
   * @param maxEpisodeSteps steps per episode, a positive integer
   * @throws ConfigError naming `maxEpisodeSteps` when it is not a positive integer
   */
  constructor(env: Env<Obs, Act>, readonly maxEpisodeSteps: number) {
    super(env);
    if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps < 1) {
      throw new ConfigError("TimeLimit", [{ path: "maxEpisodeSteps", expected: "a positive integer", received: String(maxEpisodeSteps) }]);
    }
  }

  /** Steps taken since the last reset. */
  get elapsedSteps(): number {
    return this.#elapsedSteps;
  }

  /** Resets the wrapped env and the step count. */
  override reset(opts?: ResetOptions): ResetResult<Obs> {
    const r = this.env.reset(opts);
    this.#elapsedSteps = 0;
    this.#limitReached = false;
    return r;
  }

  /**
   * Steps the wrapped env; the step that reaches `maxEpisodeSteps` comes back with `truncated: true`. Throws
   * ResetNeededError when stepped again before a reset.
   */
  override step(action: Act): StepResult<Obs> {
    if (this.#limitReached) {
      throw new ResetNeededError(envIdOf(this), `the time limit of ${this.maxEpisodeSteps} steps was reached`);
    }
    const r = this.env.step(action);
    this.#elapsedSteps += 1;
    if (this.#elapsedSteps < this.maxEpisodeSteps) return r;
    this.#limitReached = true;
    return { ...r, truncated: true };
  }
}
