/**
 * FlattenObservation: turns a structured observation (Box, Dict, Discrete, MultiDiscrete)
 * into one flat float32 vector, for learners whose networks take a vector.
 *
 * Layout follows `flattenInto` of spaces.ts: Box elements in order, Discrete and
 * MultiDiscrete one-hot, Dict sub-spaces in sorted key order. The flat Box's bounds are
 * the Box bounds and [0, 1] for one-hot entries.
 *
 * What a caller may rely on: each observation is a new Float32Array of length
 * `flatDim(inner space)` that lies in `observationSpace`.
 */
import type { Env } from "../env.js";
import { Box, Dict, flatDim, flattenInto, type Space } from "../spaces.js";
import { ObservationWrapper } from "./wrapper.js";

/** Writes the flat lower and upper bounds of `space` at `offset`; returns the next offset. */
function flatBoundsInto(space: Space<unknown>, low: Float64Array, high: Float64Array, offset: number): number {
  if (space instanceof Box) {
    low.set(space.low, offset);
    high.set(space.high, offset);
    return offset + space.size;
  }
  if (space instanceof Dict) {
    let o = offset;
    for (const k of space.keys) o = flatBoundsInto(space.spaces[k]!, low, high, o);
    return o;
  }
  // one-hot entries of Discrete and MultiDiscrete (low is already 0)
  const size = flatDim(space);
  high.fill(1, offset, offset + size);
  return offset + size;
}

/** The flat float32 Box that `flattenInto` maps elements of `space` into. */
export function flattenSpace(space: Space<unknown>): Box {
  const size = flatDim(space);
  const low = new Float64Array(size);
  const high = new Float64Array(size);
  flatBoundsInto(space, low, high, 0);
  return new Box({ low, high, shape: [size], dtype: "float32" });
}

/** Flattens observations into a Float32Array. */
export class FlattenObservation<Obs, Act> extends ObservationWrapper<Obs, Act, Float32Array> {
  readonly #space: Box;

  /** @throws ConfigError when the observation space is not a Box, Dict, Discrete or MultiDiscrete */
  constructor(env: Env<Obs, Act>) {
    super(env);
    this.#space = flattenSpace(env.observationSpace);
  }

  /** The flat float32 Box of flattenSpace() over the wrapped observation space. */
  override get observationSpace(): Space<Float32Array> {
    return this.#space as unknown as Space<Float32Array>;
  }

  observation(observation: Obs): Float32Array {
    const out = new Float32Array(this.#space.size);
    flattenInto(this.env.observationSpace, observation, out);
    return out;
  }
}
