/**
 * ClipAction: clips Box actions into the wrapped env's bounds, for policies (e.g. Gaussian
 * actor-critic heads) whose raw output is unbounded.
 *
 * gridgym never clips silently: an env rejects out-of-bounds actions. This wrapper is the
 * explicit opt-in for callers who want clipping; it exposes an unbounded Box of the same
 * shape and dtype, so `actionSpace.contains` tells the truth about what it accepts.
 *
 * What a caller may rely on:
 * - Each finite element (and ±Infinity) is clipped to [low, high]; the action passed on is
 *   a new typed array of the wrapped Box's dtype.
 * - NaN, a wrong length or a non-array still throws InvalidActionError.
 */
import type { Env } from "../env.js";
import { ConfigError } from "../errors.js";
import { Box, type BoxElement, type Space } from "../spaces.js";
import { ActionWrapper, envIdOf } from "./wrapper.js";

/** Clips actions into the bounds of the wrapped Box action space. */
export class ClipAction<Obs, Act extends BoxElement> extends ActionWrapper<Obs, Act, ArrayLike<number>> {
  readonly #inner: Box;
  readonly #space: Box;

  /** @throws ConfigError when the action space is not a Box */
  constructor(env: Env<Obs, Act>) {
    super(env);
    const box = env.actionSpace;
    if (!(box instanceof Box)) {
      throw new ConfigError("ClipAction", [{ path: "env.actionSpace", expected: "a Box", received: box.kind }]);
    }
    this.#inner = box;
    this.#space = new Box({ low: -Infinity, high: Infinity, shape: box.shape, dtype: box.dtype });
  }

  /** An unbounded Box of the wrapped action space's shape and dtype; `action` clips into the wrapped bounds. */
  override get actionSpace(): Space<ArrayLike<number>> {
    return this.#space;
  }

  action(action: ArrayLike<number>): Act {
    this.#space.assertAction(envIdOf(this), action);
    const out = this.#inner.zeros() as Act;
    for (let i = 0; i < out.length; i++) {
      out[i] = Math.min(this.#inner.high[i]!, Math.max(this.#inner.low[i]!, action[i]!));
    }
    return out;
  }
}
