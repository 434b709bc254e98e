/**
 * Base classes of every gridgym environment: they own the lifecycle, so an env writes only
 * its model (as Gymnasium's `Env` owns `np_random` and PettingZoo's `ParallelEnv` owns `agents`).
 *
 * What a subclass gets:
 * - `id`: the registered id the env was made under (its own default when built by hand);
 * - `rng`: the env's one generator, replaced only when `reset` is given a seed (validated),
 *   otherwise continued, so consecutive episodes differ;
 * - reset-needed errors: `step` before the first `reset`, after the episode ended or after
 *   `close` throws ResetNeededError, and `reset` after `close` too; `close` is idempotent;
 * - `unwrapped`: the env itself.
 * What a subclass writes: `resetEpisode` (the episode's first observation and info, drawing
 * from `this.rng`) and `stepEpisode` (one tick of a running episode with the action as given).
 */
import type {
  Env, EnvSpecRef, ParallelEnv, ParallelResetResult, ParallelStepResult, ResetOptions, ResetResult, StepResult,
} from "./env.js";
import { ConfigError, InvalidActionError, ResetNeededError, describeValue } from "./errors.js";
import { Rng, entropySeed, rngForReset } from "./rng.js";
import type { Space } from "./spaces.js";

/** The reset-needed error of a stepped env that is not running. */
function notRunning(id: string, closed: boolean): ResetNeededError {
  return new ResetNeededError(id, closed ? "the env is closed" : "the episode has not started or has ended");
}

/** A single-agent env with Gymnasium semantics; see the file header for the split of work. */
export abstract class BaseEnv<Obs, Act> implements Env<Obs, Act> {
  abstract readonly observationSpace: Space<Obs>;
  abstract readonly actionSpace: Space<Act>;
  spec?: EnvSpecRef;
  /** The env's generator: from the last reset seed, or from OS entropy before any. */
  protected rng: Rng = new Rng(entropySeed());
  readonly #defaultId: string;
  #running = false;
  #closed = false;

  /** `defaultId`: the id to name in errors when the env was not built by make(). */
  constructor(defaultId: string) {
    this.#defaultId = defaultId;
  }

  /** The id the env was made under, for error messages. */
  get id(): string {
    return this.spec?.id ?? this.#defaultId;
  }

  /** The env itself: a BaseEnv has no wrapper below it. */
  get unwrapped(): Env<unknown, unknown> {
    return this as unknown as Env<unknown, unknown>;
  }

  /** True from a reset until the episode terminates, is truncated or the env is closed. */
  get running(): boolean {
    return this.#running;
  }

  /**
   * Starts an episode: replaces `rng` when `opts.seed` is given (else continues it), then runs
   * `resetEpisode`. Throws ResetNeededError after `close`.
   */
  reset(opts: ResetOptions = {}): ResetResult<Obs> {
    if (this.#closed) throw notRunning(this.id, true);
    this.rng = rngForReset(this.id, this.rng, opts.seed);
    const result = this.resetEpisode(opts.options ?? {});
    this.#running = true;
    return result;
  }

  /**
   * Runs `stepEpisode`; the episode stops running when the result is terminated or truncated. Throws
   * ResetNeededError when not running.
   */
  step(action: Act): StepResult<Obs> {
    if (!this.#running) throw notRunning(this.id, this.#closed);
    const result = this.stepEpisode(action);
    if (result.terminated || result.truncated) this.#running = false;
    return result;
  }

  /** Ends any episode; every later `reset` or `step` throws ResetNeededError. Safe to call twice. */
  close(): void {
    this.#closed = true;
    this.#running = false;
  }

  /** Starts an episode from `this.rng` (already re-seeded); returns its first observation and info. */
  protected abstract resetEpisode(options: Record<string, unknown>): ResetResult<Obs>;

  /** One tick of the running episode; validates `action` itself (with a BoxActionCheck for Boxes). */
  protected abstract stepEpisode(action: Act): StepResult<Obs>;
}

/**
 * A PettingZoo-style parallel env. `agents` is every possible agent from a reset until the
 * step that ends them (all at once or one by one), then shrinks; the episode runs while any
 * agent is live.
 */
export abstract class BaseParallelEnv<Obs, Act> implements ParallelEnv<Obs, Act> {
  abstract readonly possibleAgents: readonly string[];
  spec?: EnvSpecRef;
  /** The env's generator: from the last reset seed, or from OS entropy before any. */
  protected rng: Rng = new Rng(entropySeed());
  readonly #defaultId: string;
  #agents: readonly string[] = [];
  #closed = false;
  /** `possibleAgents` as a set, built at the first step (subclasses set the list in their constructor). */
  #known: Set<string> | null = null;

  /** `defaultId`: the id to name in errors when the env was not built by make(). */
  constructor(defaultId: string) {
    this.#defaultId = defaultId;
  }

  /** The id the env was made under, for error messages. */
  get id(): string {
    return this.spec?.id ?? this.#defaultId;
  }

  /**
   * The agents still live in this episode: every possible agent after `reset`, shrinking as agents terminate
   * or are truncated; empty after `close`.
   */
  get agents(): readonly string[] {
    return this.#agents;
  }

  /** True while any agent is live. */
  get running(): boolean {
    return this.#agents.length > 0;
  }

  /** The space of `agent`'s observations. */
  abstract observationSpace(agent: string): Space<Obs>;
  /** The space `agent`'s actions must lie in. */
  abstract actionSpace(agent: string): Space<Act>;

  /**
   * Starts an episode for every possible agent: replaces `rng` when `opts.seed` is given (else continues
   * it), then runs `resetEpisode`. Throws ResetNeededError after `close`.
   */
  reset(opts: ResetOptions = {}): ParallelResetResult<Obs> {
    if (this.#closed) throw notRunning(this.id, true);
    this.rng = rngForReset(this.id, this.rng, opts.seed);
    const result = this.resetEpisode(opts.options ?? {});
    this.#agents = this.possibleAgents;
    return result;
  }

  /**
   * Runs `stepEpisode`, then drops every agent the result terminates or truncates. Throws ResetNeededError
   * when no agent is live, and InvalidActionError when `actions` is not an object of actions by agent or
   * names an agent the env does not have (an action for an agent that already finished is ignored).
   */
  step(actions: Record<string, Act>): ParallelStepResult<Obs> {
    if (this.#agents.length === 0) throw notRunning(this.id, this.#closed);
    this.#checkAgents(actions);
    const result = this.stepEpisode(actions);
    const { terminations, truncations } = result;
    for (const a of this.#agents) {
      if (terminations[a] === true || truncations[a] === true) {
        this.#agents = this.#agents.filter((b) => terminations[b] !== true && truncations[b] !== true);
        break;
      }
    }
    return result;
  }

  /**
   * Ends any episode (no agent stays live); every later `reset` or `step` throws ResetNeededError. Safe to
   * call twice.
   */
  close(): void {
    this.#closed = true;
    this.#agents = [];
  }

  #checkAgents(actions: unknown): void {
    if (actions === null || typeof actions !== "object" || Array.isArray(actions) || ArrayBuffer.isView(actions)) {
      throw new InvalidActionError(this.id, null, "an object of actions by agent name", describeValue(actions));
    }
    const known = (this.#known ??= new Set(this.possibleAgents));
    let unknown: string[] | null = null;
    for (const name in actions) if (!known.has(name)) (unknown ??= []).push(name);
    if (unknown !== null) {
      const names = this.possibleAgents.length <= 4 ? this.possibleAgents.join(", ") : `${this.possibleAgents.slice(0, 3).join(", ")} .. ${this.possibleAgents.at(-1)!}`;
      throw new InvalidActionError(this.id, null, `actions for this env's agents only (${names})`, `actions for ${unknown.slice(0, 5).map((u) => JSON.stringify(u.length > 40 ? `${u.slice(0, 37)}...` : u)).join(", ")}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ""}, which do not exist`);
    }
  }

  /** The action of a live agent, or a ConfigError naming the agent whose action is missing. */
  protected actionOf(actions: Record<string, Act>, agent: string): Act {
    const a = actions[agent];
    if (a === undefined) {
      throw new ConfigError(`${this.id} step`, [{ path: `actions.${agent}`, expected: "an action for every live agent", received: "undefined" }]);
    }
    return a;
  }

  /**
   * Starts an episode from `this.rng` (already re-seeded); returns each agent's first observation and info.
   */
  protected abstract resetEpisode(options: Record<string, unknown>): ParallelResetResult<Obs>;
  /** One tick of the running episode; validates each agent's action itself (see `actionOf`). */
  protected abstract stepEpisode(actions: Record<string, Act>): ParallelStepResult<Obs>;
}
