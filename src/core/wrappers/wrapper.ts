/**
 * The wrapper base classes: a Wrapper is an Env that holds another Env and forwards
 * everything to it, so each concern (time limit, normalisation, checks) is one small
 * class stacked on top of an environment, as in Gymnasium.
 *
 * What a caller may rely on:
 * - Every member not overridden is forwarded unchanged: `reset`, `step`, `close`, the
 *   spaces and `unwrapped` (always the innermost env).
 * - `spec` reads through to the wrapped env until someone assigns one to the wrapper.
 * - A wrapper never mutates the result objects of the env it wraps; it returns new ones.
 */
import type { Env, EnvSpecRef, ResetOptions, ResetResult, StepResult } from "../env.js";
import type { Space } from "../spaces.js";

/**
 * The name used for an env in error messages: its registered id when make() built it,
 * else the class name of the innermost env.
 */
export function envIdOf(env: Pick<Env, "spec" | "unwrapped">): string {
  return env.spec?.id ?? env.unwrapped.constructor.name;
}

/**
 * Forwards every member to `env`. Subclasses that change the observation or action type
 * (`WObs`, `WAct`) must override the matching space getter and `reset`/`step`: the
 * defaults only cast.
 */
export abstract class Wrapper<Obs, Act, WObs = Obs, WAct = Act> implements Env<WObs, WAct> {
  #spec: EnvSpecRef | undefined;

  /** @param env the env to wrap; it stays owned by this wrapper (closed by `close`). */
  constructor(readonly env: Env<Obs, Act>) {}

  /**
   * The wrapped env's observation space (cast to `WObs`; override it when the wrapper changes observations).
   */
  get observationSpace(): Space<WObs> {
    return this.env.observationSpace as unknown as Space<WObs>;
  }

  /** The wrapped env's action space (cast to `WAct`; override it when the wrapper changes actions). */
  get actionSpace(): Space<WAct> {
    return this.env.actionSpace as unknown as Space<WAct>;
  }

  /** The spec assigned to this wrapper, else the wrapped env's. */
  get spec(): EnvSpecRef | undefined {
    return this.#spec ?? this.env.spec;
  }

  /** Gives this wrapper its own spec; undefined reads through to the wrapped env's again. */
  set spec(value: EnvSpecRef | undefined) {
    this.#spec = value;
  }

  /** The innermost env below every wrapper. */
  get unwrapped(): Env<unknown, unknown> {
    return this.env.unwrapped;
  }

  /** Forwards to the wrapped env's `reset`. */
  reset(opts?: ResetOptions): ResetResult<WObs> {
    return this.env.reset(opts) as unknown as ResetResult<WObs>;
  }

  /** Forwards to the wrapped env's `step`. */
  step(action: WAct): StepResult<WObs> {
    return this.env.step(action as unknown as Act) as unknown as StepResult<WObs>;
  }

  /** Closes the wrapped env. */
  close(): void {
    this.env.close();
  }
}

/** A wrapper that transforms only observations: implement `observation` (and the space getter). */
export abstract class ObservationWrapper<Obs, Act, WObs> extends Wrapper<Obs, Act, WObs, Act> {
  /** Maps one observation of the wrapped env to this wrapper's observation. */
  abstract observation(observation: Obs): WObs;

  abstract override get observationSpace(): Space<WObs>;

  /** Resets the wrapped env and maps its first observation with `observation`. */
  override reset(opts?: ResetOptions): ResetResult<WObs> {
    const r = this.env.reset(opts);
    return { observation: this.observation(r.observation), info: r.info };
  }

  /**
   * Steps the wrapped env and maps its observation with `observation`; reward, flags and info pass through.
   */
  override step(action: Act): StepResult<WObs> {
    const r = this.env.step(action);
    return { ...r, observation: this.observation(r.observation) };
  }
}

/** A wrapper that transforms only actions: implement `action` (and the space getter). */
export abstract class ActionWrapper<Obs, Act, WAct> extends Wrapper<Obs, Act, Obs, WAct> {
  /** Maps an action of this wrapper's action space to one the wrapped env accepts; throws on invalid input. */
  abstract action(action: WAct): Act;

  abstract override get actionSpace(): Space<WAct>;

  /** Maps the action with `action`, then steps the wrapped env with the result. */
  override step(action: WAct): StepResult<Obs> {
    return this.env.step(this.action(action));
  }
}
