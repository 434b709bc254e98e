/**
 * n-step returns for replay (Sutton 1988; Hessel et al. 2018's Rainbow uses n = 3): each env keeps
 * its last n transitions and hands the oldest on as one transition from s_t to s_{t+k} with the
 * reward r_t + gamma r_{t+1} + ... + gamma^(k-1) r_{t+k-1}, where k = n, or fewer when the episode
 * ended first. The learner then bootstraps with gamma^k: a charge whose gain arrives hours later
 * reaches the value of the hour it was made in n times fewer updates.
 *
 * What a caller may rely on:
 * - With n = 1 every transition is handed on as it arrives, unchanged (steps 1).
 * - When an episode ends (terminated or truncated) every queued transition is handed on at once,
 *   each bootstrapping from the episode's final observation with its own, shorter span; a
 *   terminated episode's transitions all carry `terminated`, a truncated one's do not.
 * - Nothing crosses from one episode, or one env, into another.
 */
import { ConfigError } from "../src/core/errors.js";

/** Where a folded transition goes (the replay buffer's `add`). */
export type NStepSink = (observation: Float32Array, action: number, reward: number, nextObservation: Float32Array, terminated: boolean, steps: number) => void;

/** Per-env queues of the last n transitions, folded into n-step transitions. */
export class NStepQueue {
  readonly #obs: Float32Array;
  readonly #actions: Int32Array;
  readonly #rewards: Float64Array;
  readonly #start: Int32Array;
  readonly #count: Int32Array;

  /**
   * @param n steps a folded reward spans at most, >= 1
   * @param numEnvs envs, each with its own queue
   * @param obsDim floats per observation
   * @param gamma the discount the rewards are folded with
   * @param sink receives each folded transition
   */
  constructor(readonly n: number, readonly numEnvs: number, readonly obsDim: number, readonly gamma: number, readonly sink: NStepSink) {
    if (!Number.isInteger(n) || n < 1) throw new ConfigError("NStepQueue", [{ path: "n", expected: "an integer >= 1", received: String(n) }]);
    this.#obs = new Float32Array(numEnvs * n * obsDim);
    this.#actions = new Int32Array(numEnvs * n);
    this.#rewards = new Float64Array(numEnvs * n);
    this.#start = new Int32Array(numEnvs);
    this.#count = new Int32Array(numEnvs);
  }

  /** Transitions env `env` holds back (fewer than n). */
  pending(env: number): number {
    return this.#count[env]!;
  }

  /**
   * Queues env `env`'s transition and hands on what is complete.
   * @param ended the episode ended here (terminated or truncated): flush the whole queue
   */
  push(env: number, observation: Float32Array, action: number, reward: number, nextObservation: Float32Array, terminated: boolean, ended: boolean): void {
    const { n, obsDim: d } = this;
    const base = env * n;
    const slot = base + ((this.#start[env]! + this.#count[env]!) % n);
    this.#obs.set(observation.subarray(0, d), slot * d);
    this.#actions[slot] = action;
    this.#rewards[slot] = reward;
    this.#count[env]!++;
    if (ended) {
      while (this.#count[env]! > 0) this.#emitOldest(env, nextObservation, terminated);
      this.#start[env] = 0;
    } else if (this.#count[env] === n) {
      this.#emitOldest(env, nextObservation, false);
    }
  }

  /** Hands on env `env`'s oldest queued transition with the rewards of all queued after it. */
  #emitOldest(env: number, nextObservation: Float32Array, terminated: boolean): void {
    const { n, obsDim: d } = this;
    const base = env * n;
    const start = this.#start[env]!;
    const count = this.#count[env]!;
    let reward = 0;
    let discount = 1;
    for (let k = 0; k < count; k++) {
      reward += discount * this.#rewards[base + ((start + k) % n)]!;
      discount *= this.gamma;
    }
    const slot = base + start;
    this.sink(this.#obs.subarray(slot * d, (slot + 1) * d), this.#actions[slot]!, reward, nextObservation, terminated, count);
    this.#start[env] = (start + 1) % n;
    this.#count[env] = count - 1;
  }
}
