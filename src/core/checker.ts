/**
 * The env checker: `checkEnv` and `checkParallelEnv` run an environment through the
 * contract of env.ts, as Gymnasium's `check_env` (utils/env_checker.py with the passive
 * checker) and PettingZoo's `parallel_api_test`/`parallel_seed_test` do, so env authors
 * run the same checks we do.
 *
 * Checks, in order (the name in quotes appears in the error):
 * - "spaces": the spaces are Space objects; Box bounds are ordered and not NaN.
 * - "step-before-reset": step() on the fresh env throws ResetNeededError.
 * - "reset-result" / "step-result": results have the documented fields and types, the
 *   reward is a finite number, observations lie in the observation space.
 * - "reset-determinism" / "step-determinism": two runs with the same seed and the same
 *   actions give equal observations, rewards, flags and infos (typed arrays element-wise,
 *   infos deeply, NaN equal to NaN).
 * - "seed-sensitivity": a different seed changes the reset observation or the trajectory,
 *   unless `deterministicReset` declares that the env does not use its seed.
 * - "step-after-end" (checkEnv): once an episode ends, step() throws ResetNeededError.
 * - "invalid-action": NaN, a wrong length and an out-of-bounds value (Box), or an
 *   out-of-range and a non-integer value (Discrete, MultiDiscrete) throw InvalidActionError.
 * - "close": close() may be called twice.
 *
 * What a caller may rely on: pass a freshly built env (it is stepped, reset and finally
 * closed); a failure throws EnvCheckError (code "ENV_CHECK_FAILED") naming the check, the
 * env id and what was seen; otherwise the returned list holds warnings, possibly empty.
 * Actions come from `Rng(seed, "checker/actions")`, so a check run is itself reproducible.
 */
import type { Env, Info, ParallelEnv, ResetOptions } from "./env.js";
import { GymError, InvalidActionError, ResetNeededError, describeValue } from "./errors.js";
import { Rng } from "./rng.js";
import { Box, Dict, Discrete, MultiDiscrete, type Space } from "./spaces.js";
import { envIdOf } from "./wrappers/wrapper.js";

/** Options of checkEnv and checkParallelEnv. */
export interface CheckEnvOptions {
  /** Seed of the determinism runs and the action stream (default 0); `seed + 1` is the other seed. */
  seed?: number;
  /** Steps per run, across episode ends (default 50). */
  steps?: number;
  /** The env declares that neither its reset nor its dynamics depend on the seed: skip "seed-sensitivity". */
  deterministicReset?: boolean;
}

/** A failed check: `check` names it, `envId` the env. */
export class EnvCheckError extends GymError {
  constructor(readonly check: string, readonly envId: string, detail: string) {
    super("ENV_CHECK_FAILED", `${envId} failed check "${check}": ${detail}`);
  }
}

// ---------------------------------------------------------------- values

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === "object" && !Array.isArray(x) && !ArrayBuffer.isView(x);
}

/** A copy of the arrays and plain objects in `x`, so a run cannot be altered by an env reusing buffers. */
function snapshot(x: unknown): unknown {
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) return (x as unknown as Float64Array).slice();
  if (Array.isArray(x)) return x.map(snapshot);
  if (isPlainObject(x) && Object.getPrototypeOf(x) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) out[k] = snapshot(v);
    return out;
  }
  return x;
}

function sameNumber(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/** The first place where `a` and `b` differ, as `path: a vs b`, or null when they are equal. */
export function firstDifference(a: unknown, b: unknown, path = ""): string | null {
  const here = path === "" ? "(value)" : path;
  if (typeof a === "number" && typeof b === "number") return sameNumber(a, b) ? null : `${here}: ${a} vs ${b}`;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b) || Array.isArray(a) || Array.isArray(b)) {
    if (!(ArrayBuffer.isView(a) || Array.isArray(a)) || !(ArrayBuffer.isView(b) || Array.isArray(b))
      || (a as object).constructor !== (b as object).constructor) {
      return `${here}: ${describeValue(a)} vs ${describeValue(b)}`;
    }
    const xs = a as unknown as ArrayLike<unknown>;
    const ys = b as unknown as ArrayLike<unknown>;
    if (xs.length !== ys.length) return `${here}: length ${xs.length} vs ${ys.length}`;
    for (let i = 0; i < xs.length; i++) {
      const d = firstDifference(xs[i], ys[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    if (ka.join("\u0000") !== kb.join("\u0000")) return `${here}: keys [${ka.join(", ")}] vs [${kb.join(", ")}]`;
    for (const k of ka) {
      const d = firstDifference(a[k], b[k], path === "" ? k : `${path}.${k}`);
      if (d !== null) return d;
    }
    return null;
  }
  return Object.is(a, b) ? null : `${here}: ${describeValue(a)} vs ${describeValue(b)}`;
}

// ---------------------------------------------------------------- spaces

/** What is wrong with `space` as a space, or null. */
function spaceProblem(space: unknown, where: string): string | null {
  const s = space as Partial<Space<unknown>> | null;
  if (s === null || typeof s !== "object" || typeof s.sample !== "function" || typeof s.contains !== "function"
    || typeof s.equals !== "function" || typeof s.toJSON !== "function") {
    return `${where} is not a Space (needs sample, contains, equals, toJSON), got ${describeValue(space)}`;
  }
  if (space instanceof Box) {
    if (space.low.length !== space.size || space.high.length !== space.size) {
      return `${where} has ${space.low.length} low and ${space.high.length} high bounds for size ${space.size}`;
    }
    for (let i = 0; i < space.size; i++) {
      const lo = space.low[i]!;
      const hi = space.high[i]!;
      if (Number.isNaN(lo) || Number.isNaN(hi) || lo > hi || lo === Infinity || hi === -Infinity) {
        return `${where}.low[${i}] must be <= high[${i}] and not NaN, got low ${lo}, high ${hi}`;
      }
    }
  }
  if (space instanceof Dict) {
    for (const k of space.keys) {
      const p = spaceProblem(space.spaces[k], `${where}.spaces.${k}`);
      if (p !== null) return p;
    }
  }
  return null;
}

/** Why `x` is not in `space`, or null when it is. */
function membershipProblem(space: Space<unknown>, x: unknown, what: string): string | null {
  if (space instanceof Box) {
    const v = space.violation(x);
    if (v === null) return null;
    return `${what}${v.index === null ? "" : `[${v.index}]`} must be ${v.expected}, got ${v.received}`;
  }
  return space.contains(x) ? null : `${what} is not in ${JSON.stringify(space.toJSON())}, got ${describeValue(x)}`;
}

/** Actions that every env must reject with InvalidActionError, each with a label for messages. */
function invalidActions(space: Space<unknown>, rng: Rng): { label: string; action: unknown }[] {
  if (space instanceof Box) {
    const out: { label: string; action: unknown }[] = [];
    const nan = space.sample(rng);
    nan[0] = NaN;
    out.push({ label: "a Box action with NaN at [0]", action: nan });
    const long = space.dtype === "float32" ? new Float32Array(space.size + 1) : new Float64Array(space.size + 1);
    long.set(space.sample(rng));
    out.push({ label: `a Box action of length ${space.size + 1}`, action: long });
    const i = space.high.findIndex((h) => Number.isFinite(h));
    const j = space.low.findIndex((l) => Number.isFinite(l));
    if (i >= 0 || j >= 0) {
      const outside = space.sample(rng);
      const index = i >= 0 ? i : j;
      const value = i >= 0 ? space.high[i]! + Math.max(1, Math.abs(space.high[i]!)) : space.low[j]! - Math.max(1, Math.abs(space.low[j]!));
      outside[index] = value;
      out.push({ label: `a Box action with ${outside[index]} at [${index}] (out of bounds)`, action: outside });
    }
    return out;
  }
  if (space instanceof Discrete) {
    return [
      { label: `${space.start + space.n} (out of range)`, action: space.start + space.n },
      { label: `${space.start + 0.5} (not an integer)`, action: space.start + 0.5 },
    ];
  }
  if (space instanceof MultiDiscrete) {
    const high = space.sample(rng);
    high[0] = space.nvec[0]!;
    return [
      { label: `a MultiDiscrete action with ${space.nvec[0]} at [0] (out of range)`, action: high },
      { label: "a MultiDiscrete action with 0.5 at [0] (not an integer)", action: Float64Array.of(0.5, ...Array.from(space.sample(rng)).slice(1)) },
    ];
  }
  return [];
}

function errorName(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : describeValue(err);
}

function boxActionWarnings(space: Space<unknown>, where: string): string[] {
  if (!(space instanceof Box)) return [];
  const normalised = space.low.every((l) => l === -1) && space.high.every((h) => h === 1);
  return normalised ? [] : [`${where} is a Box not in [-1, 1]; learners with Gaussian or tanh heads work best on a symmetric, normalised Box (wrap with a rescaling wrapper)`];
}

// ---------------------------------------------------------------- checkEnv

interface Run {
  /** One label per event ("reset(seed=0)", "step 3", ...). */
  labels: string[];
  /** The snapshot of each event's result. */
  events: unknown[];
  /** Index of the first step that ended an episode, or -1. */
  firstEnd: number;
}

/** Compares two runs event by event; returns the first difference with its event label. */
function runDifference(a: Run, b: Run): string | null {
  const n = Math.min(a.events.length, b.events.length);
  for (let k = 0; k < n; k++) {
    const d = firstDifference(a.events[k], b.events[k]);
    if (d !== null) return `at ${a.labels[k]}, ${d}`;
  }
  return a.events.length === b.events.length ? null : `${a.events.length} vs ${b.events.length} events`;
}

/**
 * Equal seeds must give equal resets and equal trajectories; a different seed must change
 * something, unless the env declares a seed-independent reset.
 */
function checkDeterminism(
  first: Run,
  second: Run,
  runOtherSeed: () => Run,
  seed: number,
  steps: number,
  opts: CheckEnvOptions,
  fail: (check: string, detail: string) => never,
): void {
  const resetDiff = firstDifference(first.events[0], second.events[0]);
  if (resetDiff !== null) {
    fail("reset-determinism", `reset({ seed: ${seed} }) twice gave different results: ${resetDiff} (is every random stream re-seeded from the reset seed?)`);
  }
  const stepDiff = runDifference(first, second);
  if (stepDiff !== null) {
    fail("step-determinism", `two runs with seed ${seed} and the same actions differ ${stepDiff} (does some state or generator survive reset?)`);
  }
  if (!opts.deterministicReset && runDifference(first, runOtherSeed()) === null) {
    fail("seed-sensitivity", `seeds ${seed} and ${seed + 1} gave identical reset observations and ${steps}-step trajectories: reset ignores its seed (pass deterministicReset: true if the env really has no randomness)`);
  }
}

/**
 * Runs Gymnasium's env checks on a single-agent env; see the file header for the list.
 * @param env a freshly built env; it is closed at the end
 * @returns warnings (problems that break no rule of the contract)
 * @throws EnvCheckError at the first failed check
 */
export function checkEnv<Obs, Act>(env: Env<Obs, Act>, opts: CheckEnvOptions = {}): string[] {
  const seed = opts.seed ?? 0;
  const steps = opts.steps ?? 50;
  const id = envIdOf(env);
  const fail = (check: string, detail: string): never => {
    throw new EnvCheckError(check, id, detail);
  };
  const warnings: string[] = [];

  // spaces
  const obsSpace = env.observationSpace as Space<unknown>;
  const actSpace = env.actionSpace as Space<unknown>;
  for (const [space, where] of [[obsSpace, "observationSpace"], [actSpace, "actionSpace"]] as const) {
    const p = spaceProblem(space, where);
    if (p !== null) fail("spaces", p);
  }
  warnings.push(...boxActionWarnings(actSpace, "actionSpace"));

  // step before reset
  {
    let returned = false;
    try {
      env.step(actSpace.sample(new Rng(seed, "checker/actions")) as Act);
      returned = true;
    } catch (err) {
      if (!(err instanceof ResetNeededError)) fail("step-before-reset", `step() before reset() must throw ResetNeededError, threw ${errorName(err)}`);
    }
    if (returned) fail("step-before-reset", "step() before reset() returned instead of throwing ResetNeededError");
  }

  const reset = (resetOpts: ResetOptions, label: string): unknown => {
    const r = env.reset(resetOpts) as unknown;
    if (!isPlainObject(r) || !("observation" in r) || !isPlainObject(r["info"])) {
      fail("reset-result", `${label} must return { observation, info } with a plain-object info, got ${describeValue(r)}`);
    }
    const rr = r as { observation: unknown; info: Info };
    const p = membershipProblem(obsSpace, rr.observation, "observation");
    if (p !== null) fail("reset-result", `${label}: ${p}`);
    return snapshot({ observation: rr.observation, info: rr.info });
  };

  const step = (action: Act, label: string): { event: unknown; ended: boolean } => {
    const r = env.step(action) as unknown;
    if (!isPlainObject(r)) fail("step-result", `${label} must return an object, got ${describeValue(r)}`);
    const sr = r as Record<string, unknown>;
    if (typeof sr["reward"] !== "number" || !Number.isFinite(sr["reward"])) {
      fail("step-result", `${label}: reward must be a finite number, got ${describeValue(sr["reward"])}`);
    }
    for (const flag of ["terminated", "truncated"]) {
      if (typeof sr[flag] !== "boolean") fail("step-result", `${label}: ${flag} must be a boolean, got ${describeValue(sr[flag])}`);
    }
    if (!isPlainObject(sr["info"])) fail("step-result", `${label}: info must be a plain object, got ${describeValue(sr["info"])}`);
    const p = membershipProblem(obsSpace, sr["observation"], "observation");
    if (p !== null) fail("step-result", `${label}: ${p}`);
    const event = snapshot({ observation: sr["observation"], reward: sr["reward"], terminated: sr["terminated"], truncated: sr["truncated"], info: sr["info"] });
    return { event, ended: sr["terminated"] === true || sr["truncated"] === true };
  };

  /** Resets with `runSeed`, then steps `steps` times (resetting without a seed at each episode end). */
  const run = (runSeed: number, probeEnd: boolean): Run => {
    const actions = new Rng(seed, "checker/actions");
    const out: Run = { labels: [`reset({ seed: ${runSeed} })`], events: [reset({ seed: runSeed }, `reset({ seed: ${runSeed} })`)], firstEnd: -1 };
    for (let t = 1; t <= steps; t++) {
      const action = actSpace.sample(actions) as Act;
      const { event, ended } = step(action, `step ${t}`);
      out.labels.push(`step ${t}`);
      out.events.push(event);
      if (!ended) continue;
      if (out.firstEnd < 0) {
        out.firstEnd = t;
        if (probeEnd) probeStepAfterEnd(action, t);
      }
      const label = `reset() after step ${t}`;
      out.labels.push(label);
      out.events.push(reset({}, label));
    }
    return out;
  };

  const probeStepAfterEnd = (action: Act, t: number): void => {
    let returned = false;
    try {
      env.step(action);
      returned = true;
    } catch (err) {
      if (!(err instanceof ResetNeededError)) fail("step-after-end", `step() after the episode ended at step ${t} must throw ResetNeededError, threw ${errorName(err)}`);
    }
    if (returned) fail("step-after-end", `step() after the episode ended at step ${t} returned instead of throwing ResetNeededError`);
  };

  const first = run(seed, true);
  if (first.firstEnd < 0) warnings.push(`no episode ended within ${steps} steps: "step-after-end" was not checked`);
  const second = run(seed, false);
  checkDeterminism(first, second, () => run(seed + 1, false), seed, steps, opts, fail);

  // invalid actions
  const candidates = invalidActions(actSpace, new Rng(seed, "checker/invalid-actions"));
  if (candidates.length === 0) warnings.push(`actionSpace is a ${actSpace.kind}: "invalid-action" was not checked`);
  for (const { label, action } of candidates) {
    env.reset({ seed });
    let returned = false;
    try {
      env.step(action as Act);
      returned = true;
    } catch (err) {
      if (!(err instanceof InvalidActionError)) fail("invalid-action", `step(${label}) must throw InvalidActionError, threw ${errorName(err)}`);
    }
    if (returned) fail("invalid-action", `step(${label}) returned instead of throwing InvalidActionError`);
  }

  try {
    env.close();
    env.close();
  } catch (err) {
    fail("close", `close() twice must be safe, threw ${errorName(err)}`);
  }
  return warnings;
}

// ---------------------------------------------------------------- checkParallelEnv

function sameKeys(rec: unknown, agents: readonly string[]): boolean {
  if (!isPlainObject(rec)) return false;
  const keys = Object.keys(rec).sort();
  const want = [...agents].sort();
  return keys.length === want.length && keys.every((k, i) => k === want[i]);
}

/**
 * Runs PettingZoo's parallel API and seed tests on a ParallelEnv; see the file header.
 * @param env a freshly built env; it is closed at the end
 * @returns warnings (problems that break no rule of the contract)
 * @throws EnvCheckError at the first failed check
 */
export function checkParallelEnv<Obs, Act>(env: ParallelEnv<Obs, Act>, opts: CheckEnvOptions = {}): string[] {
  const seed = opts.seed ?? 0;
  const steps = opts.steps ?? 50;
  const id = env.spec?.id ?? env.constructor.name;
  const fail = (check: string, detail: string): never => {
    throw new EnvCheckError(check, id, detail);
  };
  const warnings: string[] = [];

  const possible = env.possibleAgents as unknown;
  if (!Array.isArray(possible) || possible.length === 0 || possible.some((a) => typeof a !== "string")
    || new Set(possible).size !== possible.length) {
    fail("agents", `possibleAgents must be a non-empty array of distinct strings, got ${describeValue(possible)}`);
  }
  for (const agent of env.possibleAgents) {
    for (const kind of ["observationSpace", "actionSpace"] as const) {
      const where = `${kind}("${agent}")`;
      const a = env[kind](agent) as Space<unknown>;
      const p = spaceProblem(a, where);
      if (p !== null) fail("spaces", p);
      const b = env[kind](agent) as Space<unknown>;
      if (!a.equals(b)) fail("spaces", `${where} returned unequal spaces on two calls`);
      if (a !== b) warnings.push(`${where} builds a new space on every call; return the same object`);
    }
    warnings.push(...boxActionWarnings(env.actionSpace(agent), `actionSpace("${agent}")`));
  }

  const sampleActions = (rng: Rng, agents: readonly string[]): Record<string, Act> => {
    const out: Record<string, Act> = {};
    for (const agent of agents) out[agent] = env.actionSpace(agent).sample(rng);
    return out;
  };

  {
    let returned = false;
    try {
      env.step(sampleActions(new Rng(seed, "checker/actions"), env.possibleAgents));
      returned = true;
    } catch (err) {
      if (!(err instanceof ResetNeededError)) fail("step-before-reset", `step() before reset() must throw ResetNeededError, threw ${errorName(err)}`);
    }
    if (returned) fail("step-before-reset", "step() before reset() returned instead of throwing ResetNeededError");
  }

  const liveAgents = (label: string): readonly string[] => {
    const agents = env.agents;
    const stray = agents.find((a) => !env.possibleAgents.includes(a));
    if (stray !== undefined) fail("step-result", `after ${label}, agents holds "${stray}", which is not in possibleAgents`);
    return [...agents];
  };

  const reset = (resetOpts: ResetOptions, label: string): unknown => {
    const r = env.reset(resetOpts) as unknown;
    const agents = liveAgents(label);
    if (!isPlainObject(r)) fail("reset-result", `${label} must return { observations, infos }, got ${describeValue(r)}`);
    const rr = r as Record<string, unknown>;
    for (const field of ["observations", "infos"]) {
      if (!sameKeys(rr[field], agents)) {
        fail("reset-result", `${label}: ${field} must have one entry per agent in agents [${agents.join(", ")}], got ${describeValue(rr[field])}`);
      }
    }
    const observations = rr["observations"] as Record<string, unknown>;
    const infos = rr["infos"] as Record<string, unknown>;
    for (const agent of agents) {
      const p = membershipProblem(env.observationSpace(agent), observations[agent], `observations.${agent}`);
      if (p !== null) fail("reset-result", `${label}: ${p}`);
      if (!isPlainObject(infos[agent])) fail("reset-result", `${label}: infos.${agent} must be a plain object, got ${describeValue(infos[agent])}`);
    }
    return snapshot({ agents, observations, infos });
  };

  const step = (actions: Record<string, Act>, acting: readonly string[], label: string): { event: unknown; ended: boolean } => {
    const r = env.step(actions) as unknown;
    if (!isPlainObject(r)) fail("step-result", `${label} must return an object, got ${describeValue(r)}`);
    const sr = r as Record<string, Record<string, unknown>>;
    for (const field of ["observations", "rewards", "terminations", "truncations", "infos"]) {
      if (!sameKeys(sr[field], acting)) {
        fail("step-result", `${label}: ${field} must have one entry per agent that acted [${acting.join(", ")}], got ${describeValue(sr[field])}`);
      }
    }
    for (const agent of acting) {
      const reward = sr["rewards"]![agent];
      if (typeof reward !== "number" || !Number.isFinite(reward)) fail("step-result", `${label}: rewards.${agent} must be a finite number, got ${describeValue(reward)}`);
      for (const flag of ["terminations", "truncations"]) {
        if (typeof sr[flag]![agent] !== "boolean") fail("step-result", `${label}: ${flag}.${agent} must be a boolean, got ${describeValue(sr[flag]![agent])}`);
      }
      if (!isPlainObject(sr["infos"]![agent])) fail("step-result", `${label}: infos.${agent} must be a plain object, got ${describeValue(sr["infos"]![agent])}`);
      const p = membershipProblem(env.observationSpace(agent), sr["observations"]![agent], `observations.${agent}`);
      if (p !== null) fail("step-result", `${label}: ${p}`);
    }
    const agents = liveAgents(label);
    const finished = acting.filter((a) => sr["terminations"]![a] === true || sr["truncations"]![a] === true);
    const lingering = finished.find((a) => agents.includes(a));
    if (lingering !== undefined) fail("step-result", `${label}: agent "${lingering}" terminated or truncated but is still in agents`);
    return { event: snapshot({ agents, ...sr }), ended: agents.length === 0 };
  };

  const run = (runSeed: number): Run => {
    const actions = new Rng(seed, "checker/actions");
    const first = `reset({ seed: ${runSeed} })`;
    const out: Run = { labels: [first], events: [reset({ seed: runSeed }, first)], firstEnd: -1 };
    for (let t = 1; t <= steps; t++) {
      const acting = [...env.agents];
      const { event, ended } = step(sampleActions(actions, acting), acting, `step ${t}`);
      out.labels.push(`step ${t}`);
      out.events.push(event);
      if (!ended) continue;
      if (out.firstEnd < 0) out.firstEnd = t;
      const label = `reset() after step ${t}`;
      out.labels.push(label);
      out.events.push(reset({}, label));
    }
    return out;
  };

  const first = run(seed);
  const second = run(seed);
  checkDeterminism(first, second, () => run(seed + 1), seed, steps, opts, fail);

  const invalidRng = new Rng(seed, "checker/invalid-actions");
  for (const agent of env.possibleAgents) {
    const candidates = invalidActions(env.actionSpace(agent), invalidRng);
    if (candidates.length === 0) warnings.push(`actionSpace("${agent}") is a ${env.actionSpace(agent).kind}: "invalid-action" was not checked`);
    for (const { label, action } of candidates) {
      env.reset({ seed });
      if (!env.agents.includes(agent)) continue;
      const actions = sampleActions(invalidRng, env.agents);
      actions[agent] = action as Act;
      let returned = false;
      try {
        env.step(actions);
        returned = true;
      } catch (err) {
        if (!(err instanceof InvalidActionError)) fail("invalid-action", `step() with ${label} for "${agent}" must throw InvalidActionError, threw ${errorName(err)}`);
      }
      if (returned) fail("invalid-action", `step() with ${label} for "${agent}" returned instead of throwing InvalidActionError`);
    }
  }

  try {
    env.close();
    env.close();
  } catch (err) {
    fail("close", `close() twice must be safe, threw ${errorName(err)}`);
  }
  return warnings;
}
