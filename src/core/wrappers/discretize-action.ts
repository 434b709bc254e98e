/**
 * DiscretizeAction: lets a discrete-action learner (DQN) drive an env whose action is one
 * bounded continuous value, such as a battery power setpoint.
 *
 * Action k of Discrete(n) maps to level `low + k * (high - low) / (n - 1)` of the wrapped
 * 1-D Box: level 0 is `low`, level n-1 is exactly `high`.
 *
 * What a caller may rely on:
 * - The action passed on is a new typed array of the Box's dtype holding that level.
 * - An action outside Discrete(n) throws InvalidActionError; nothing is rounded or clipped.
 */
import type { Env } from "../env.js";
import { ConfigError } from "../errors.js";
import { Box, Discrete, type BoxElement, type Space } from "../spaces.js";
import { ActionWrapper, envIdOf } from "./wrapper.js";

/** Exposes Discrete(n) over n evenly spaced levels of a 1-D finite Box action. */
export class DiscretizeAction<Obs, Act extends BoxElement> extends ActionWrapper<Obs, Act, number> {
  readonly #space: Discrete;
  readonly #box: Box;
  /** The n levels, in float64 before the cast to the Box's dtype. */
  readonly levels: readonly number[];

  /**
   * @param env an env whose action space is a Box of one element with finite bounds
   * @param n number of levels, an integer >= 2
   * @throws ConfigError naming `env.actionSpace` or `n`
   */
  constructor(env: Env<Obs, Act>, readonly n: number) {
    super(env);
    const box = env.actionSpace;
    if (!(box instanceof Box) || box.size !== 1 || !Number.isFinite(box.low[0]) || !Number.isFinite(box.high[0])) {
      const received = box instanceof Box
        ? `Box of shape [${box.shape.join(", ")}] in [${Array.from(box.low).join(", ")}] .. [${Array.from(box.high).join(", ")}]`
        : box.kind;
      throw new ConfigError("DiscretizeAction", [{ path: "env.actionSpace", expected: "a Box of one element with finite bounds", received }]);
    }
    if (!Number.isInteger(n) || n < 2) {
      throw new ConfigError("DiscretizeAction", [{ path: "n", expected: "an integer >= 2", received: String(n) }]);
    }
    this.#box = box;
    this.#space = new Discrete(n);
    const low = box.low[0]!;
    const high = box.high[0]!;
    // the last level is set to high itself: low + (n-1) * step can round past it
    this.levels = Array.from({ length: n }, (_, k) => (k === n - 1 ? high : low + (k * (high - low)) / (n - 1)));
  }

  override get actionSpace(): Space<number> {
    return this.#space;
  }

  action(action: number): Act {
    this.#space.assertAction(envIdOf(this), action);
    const out = this.#box.zeros() as Act;
    out[0] = this.levels[action]!;
    return out;
  }
}
