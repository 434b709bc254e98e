/**
 * Seeded random streams. Every random number in gridgym comes from an Rng derived
 * from the episode seed, one named sub-stream per component, never from Math.random.
 *
 * The generator is seedrandom's Alea: fast, 32-bit state, identical on every platform
 * and thread, so the same seed gives bit-identical trajectories anywhere.
 */
import seedrandom from "seedrandom";
import { ConfigError, describeValue } from "./errors.js";

/**
 * A seeded generator (Alea): the same seed and stream give the same numbers on every platform; `child`
 * derives independent named sub-streams.
 */
export class Rng {
  readonly #next: () => number;
  #spareNormal: number | null = null;

  /** `seed` is a number or string; `stream` names a sub-stream (e.g. "load-noise"). */
  constructor(readonly seed: number | string, readonly stream = "") {
    this.#next = seedrandom.alea(stream === "" ? `gridgym:${seed}` : `gridgym:${seed}:${stream}`);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.#next();
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.#next();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.#next() * n);
  }

  /** Standard normal (Box-Muller, both draws used). */
  normal(): number {
    if (this.#spareNormal !== null) {
      const z = this.#spareNormal;
      this.#spareNormal = null;
      return z;
    }
    let u = 0;
    while (u === 0) u = this.#next();
    const v = this.#next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A child stream, independent of this one's position: same seed and name give the same child. */
  child(name: string): Rng {
    return new Rng(this.seed, this.stream === "" ? name : `${this.stream}/${name}`);
  }
}

/** Checks a user-supplied seed: a safe non-negative integer. */
export function isValidSeed(seed: unknown): seed is number {
  return typeof seed === "number" && Number.isSafeInteger(seed) && seed >= 0;
}

/** A fresh seed when the caller gave none, drawn from the OS entropy pool (not Math.random). */
export function entropySeed(): number {
  const buf = new Uint32Array(1);
  globalThis.crypto.getRandomValues(buf);
  return buf[0]!;
}

/**
 * The generator an env uses after `reset({ seed })`: a fresh one from `seed` when given
 * (validated: a ConfigError names `seed`), else the current one, so episodes continue its stream.
 */
export function rngForReset(envId: string, current: Rng, seed: unknown): Rng {
  if (seed === undefined) return current;
  if (!isValidSeed(seed)) {
    throw new ConfigError(`${envId} reset`, [{ path: "seed", expected: "a non-negative safe integer", received: describeValue(seed) }]);
  }
  return new Rng(seed);
}
