/**
 * NanGuard: stops an episode at the first non-finite number crossing the env boundary, so
 * a diverging policy or a broken model fails at the step that caused it rather than
 * poisoning a replay buffer many steps later.
 *
 * What a caller may rely on:
 * - A NaN or ±Infinity anywhere in an action throws InvalidActionError before the wrapped
 *   env sees it (even where the action space is unbounded).
 * - A non-finite number in an observation (of reset or step) or in the reward throws a
 *   GymError with code "OBSERVATION_NAN" whose message names the env id, where the value
 *   sits (e.g. `observation[3]`, `observation.soc[0]`, `reward`) and the value.
 * - Numbers are searched in numbers, arrays, typed arrays and plain objects (Dict elements).
 */
import type { ResetOptions, ResetResult, StepResult } from "../env.js";
import { GymError, InvalidActionError } from "../errors.js";
import { Wrapper, envIdOf } from "./wrapper.js";

/** The first non-finite number in `x` as `{ path, value }` (path relative to `x`), or null. */
export function findNonFinite(x: unknown, path = ""): { path: string; value: number } | null {
  if (typeof x === "number") return Number.isFinite(x) ? null : { path, value: x };
  if (ArrayBuffer.isView(x) || Array.isArray(x)) {
    const arr = x as ArrayLike<unknown>;
    for (let i = 0; i < arr.length; i++) {
      const found = findNonFinite(arr[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (x !== null && typeof x === "object") {
    for (const [k, v] of Object.entries(x)) {
      const found = findNonFinite(v, `${path}.${k}`);
      if (found) return found;
    }
  }
  return null;
}

/** Throws at the first NaN or ±Infinity in an action, observation or reward. */
export class NanGuard<Obs, Act> extends Wrapper<Obs, Act> {
  /**
   * Resets the wrapped env; throws GymError "OBSERVATION_NAN" when the first observation holds a NaN or
   * ±Infinity.
   */
  override reset(opts?: ResetOptions): ResetResult<Obs> {
    const r = this.env.reset(opts);
    this.#checkObservation(r.observation, "reset");
    return r;
  }

  /**
   * Throws InvalidActionError for a non-finite action before stepping, and GymError "OBSERVATION_NAN" for a
   * non-finite observation or reward after.
   */
  override step(action: Act): StepResult<Obs> {
    const bad = findNonFinite(action);
    if (bad) {
      const top = /^\[(\d+)\]$/.exec(bad.path);
      if (top) throw new InvalidActionError(envIdOf(this), Number(top[1]), "a finite number", String(bad.value));
      throw new InvalidActionError(envIdOf(this), null, `finite everywhere (action${bad.path} is not)`, String(bad.value));
    }
    const r = this.env.step(action);
    this.#checkObservation(r.observation, "step");
    if (!Number.isFinite(r.reward)) {
      throw new GymError("OBSERVATION_NAN", `${envIdOf(this)}: reward must be a finite number, got ${String(r.reward)} (from step)`);
    }
    return r;
  }

  #checkObservation(observation: Obs, from: "reset" | "step"): void {
    const bad = findNonFinite(observation);
    if (bad) {
      throw new GymError(
        "OBSERVATION_NAN",
        `${envIdOf(this)}: observation${bad.path} must be a finite number, got ${String(bad.value)} (from ${from})`,
      );
    }
  }
}
