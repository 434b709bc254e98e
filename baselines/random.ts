/**
 * Uniformly random actions from the env's action space, seeded from the episode seed:
 * the floor of floors, and the action stream of the property tests.
 */
import type { Env, Policy } from "../src/core/env.js";
import { Rng } from "../src/core/rng.js";
import type { Space } from "../src/core/spaces.js";

export class RandomPolicy<Act> implements Policy<unknown, Act> {
  readonly name = "random";
  readonly #space: Space<Act>;
  readonly #rng: Rng;

  constructor(env: Env<unknown, Act>, seed: number) {
    this.#space = env.actionSpace;
    this.#rng = new Rng(seed, "random-policy");
  }

  act(): Act {
    return this.#space.sample(this.#rng);
  }
}
