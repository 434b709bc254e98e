/**
 * DiscretizeAction: lets a discrete-action learner (DQN) drive an env whose action is a small
 * bounded continuous vector, such as one battery power set-point or a hub's device set-points.
 *
 * Each of the Box's k elements gets n evenly spaced levels, `low + j * (high - low) / (n - 1)`
 * (level 0 is `low`, level n-1 is exactly `high`); an element of zero width (low = high) gets its
 * one value. The wrapper exposes Discrete(n^m), m the elements of non-zero width: action a picks
 * the levels as the digits of a mixed-radix number (element 0 varies fastest), so a 1-D Box
 * gets Discrete(n) with action j = level j. The joint grid grows as n^m, so it is capped at
 * MAX_JOINT_ACTIONS; `maxLevelsFor(m)` is the most levels per element that fit.
 *
 * What a caller may rely on:
 * - The action passed on is a new typed array of the Box's dtype holding the chosen levels.
 * - An action outside Discrete(n^k) throws InvalidActionError; nothing is rounded or clipped.
 */
import { DiscreteActionCheck } from "../action-check.js";
import type { Env } from "../env.js";
import { ConfigError } from "../errors.js";
import { Box, Discrete, type BoxElement, type Space } from "../spaces.js";
import { ActionWrapper, envIdOf } from "./wrapper.js";

/** Largest joint action count the wrapper builds (a Q-network head of this many outputs). */
export const MAX_JOINT_ACTIONS = 1024;

/** The most levels per element for a k-element Box within MAX_JOINT_ACTIONS (at least 2 while 2^k fits). */
export function maxLevelsFor(k: number): number {
  let n = 2;
  while ((n + 1) ** k <= MAX_JOINT_ACTIONS) n++;
  return n;
}

/** Evenly spaced levels of [low, high], the last one exactly high. */
function levelsOf(low: number, high: number, n: number): number[] {
  // the last level is set to high itself: low + (n-1) * step can round past it
  return Array.from({ length: n }, (_, j) => (j === n - 1 ? high : low + (j * (high - low)) / (n - 1)));
}

/** Elements of `box` of non-zero width: those a grid gives levels to. */
export function movableElements(box: Box): number {
  let m = 0;
  for (let i = 0; i < box.size; i++) if (box.high[i]! > box.low[i]!) m++;
  return m;
}

/**
 * The joint grid of `n` evenly spaced levels per element of a finite Box (one level for an
 * element of zero width): Discrete(n^m) and each element's levels (what DiscretizeAction
 * exposes, for a training loop that maps indices itself).
 * @throws ConfigError naming `env.actionSpace` or `n`
 */
export function levelGrid(box: Space<unknown>, n: number): { space: Discrete; levelsPerElement: number[][] } {
  const finite = box instanceof Box && box.size >= 1 && Array.from(box.low).every(Number.isFinite) && Array.from(box.high).every(Number.isFinite);
  if (!finite) {
    const received = box instanceof Box
      ? `Box of shape [${box.shape.join(", ")}] in [${Array.from(box.low).join(", ")}] .. [${Array.from(box.high).join(", ")}]`
      : box.kind;
    throw new ConfigError("DiscretizeAction", [{ path: "env.actionSpace", expected: "a Box with finite bounds", received }]);
  }
  if (!Number.isInteger(n) || n < 2) {
    throw new ConfigError("DiscretizeAction", [{ path: "n", expected: "an integer >= 2", received: String(n) }]);
  }
  const m = movableElements(box);
  if (n ** m > MAX_JOINT_ACTIONS) {
    throw new ConfigError("DiscretizeAction", [{ path: "n", expected: `at most ${maxLevelsFor(m)} levels for an action of ${m} elements that move (n^${m} <= ${MAX_JOINT_ACTIONS} joint actions)`, received: String(n) }]);
  }
  return { space: new Discrete(n ** m), levelsPerElement: Array.from({ length: box.size }, (_, i) => (box.high[i]! > box.low[i]! ? levelsOf(box.low[i]!, box.high[i]!, n) : [box.low[i]!])) };
}

/** Exposes Discrete(n^k) over n evenly spaced levels of each element of a finite k-element Box. */
export class DiscretizeAction<Obs, Act extends BoxElement> extends ActionWrapper<Obs, Act, number> {
  readonly #space: Discrete;
  readonly #check: DiscreteActionCheck;
  readonly #box: Box;
  /** The n levels of each element, in float64 before the cast to the Box's dtype. */
  readonly levelsPerElement: readonly (readonly number[])[];

  /**
   * @param env an env whose action space is a Box with finite bounds and n^k <= MAX_JOINT_ACTIONS
   * @param n number of levels per element, an integer >= 2
   * @throws ConfigError naming `env.actionSpace` or `n`
   */
  constructor(env: Env<Obs, Act>, readonly n: number) {
    super(env);
    const grid = levelGrid(env.actionSpace, n);
    this.#box = env.actionSpace as unknown as Box;
    this.#space = grid.space;
    this.#check = new DiscreteActionCheck(grid.space);
    this.levelsPerElement = grid.levelsPerElement;
  }

  /** The levels of a one-element Box (element 0's levels otherwise). */
  get levels(): readonly number[] {
    return this.levelsPerElement[0]!;
  }

  /** Discrete(n^m): one joint action per combination of levels (element 0 varies fastest). */
  override get actionSpace(): Space<number> {
    return this.#space;
  }

  /**
   * The joint action whose levels lie nearest to a continuous action of the inner Box (per
   * element, the nearest level; the lower one on a tie), so that a controller written for the
   * continuous env (a baseline, an MPC) can drive the discretised one.
   */
  nearestAction(continuous: ArrayLike<number>): number {
    let joint = 0;
    let weight = 1;
    for (let i = 0; i < this.levelsPerElement.length; i++) {
      const levels = this.levelsPerElement[i]!;
      const x = continuous[i]!;
      let best = 0;
      for (let j = 1; j < levels.length; j++) {
        if (Math.abs(levels[j]! - x) < Math.abs(levels[best]! - x)) best = j;
      }
      joint += best * weight;
      weight *= levels.length;
    }
    return joint;
  }

  action(action: number): Act {
    this.#check.read(envIdOf(this), action);
    const out = this.#box.zeros() as Act;
    writeLevels(this.levelsPerElement, action, out);
    return out;
  }
}

/** Writes the levels that joint action `a` picks into `out`: its digits, each element's radix its number of levels (element 0 varies fastest). */
export function writeLevels(levelsPerElement: readonly (readonly number[])[], a: number, out: BoxElement): void {
  let rest = a;
  for (let i = 0; i < levelsPerElement.length; i++) {
    const levels = levelsPerElement[i]!;
    out[i] = levels[rest % levels.length]!;
    rest = Math.floor(rest / levels.length);
  }
}
