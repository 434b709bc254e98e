/**
 * Uniformly random actions from the env's action space, seeded from the episode seed:
 * the floor of floors, and the action stream of the property tests.
 */
import type { Env, ParallelPolicyFactory, Policy } from "../src/core/env.js";
import { Rng } from "../src/core/rng.js";
import type { Space } from "../src/core/spaces.js";
import type { BaselineBuilder, ParallelBaselineBuilder } from "./builders.js";

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

/** Random actions for every agent of a parallel env, each from its own seeded stream. */
export const parallelRandom: ParallelPolicyFactory = (env, seed) => Object.fromEntries(env.possibleAgents.map((agent) => {
  const space = env.actionSpace(agent);
  const rng = new Rng(seed, `random-policy/${agent}`);
  return [agent, { name: "random", act: () => space.sample(rng) } satisfies Policy];
}));

export const randomBuilder: BaselineBuilder = async () => (env: Env, ctx) => new RandomPolicy(env, ctx.seed);
export const parallelRandomBuilder: ParallelBaselineBuilder = async () => parallelRandom;
