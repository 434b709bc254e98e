/**
 * The evaluation harness: runs a policy on fresh env instances, one episode per seed,
 * and returns one KPI table computed from each episode's recorded trajectory. Baselines
 * and trained learners go through the same function, so their KPIs are comparable.
 */
import type { Env, Info, Policy, PolicyFactory } from "../src/core/env.js";
import { ConfigError } from "../src/core/errors.js";
import { make } from "../src/core/registry.js";
import { recordsTrajectory, type Trajectory } from "../src/core/trajectory.js";
import { summarize, type Summary } from "../src/kpi/summary.js";

export interface EpisodeResult {
  seed: number;
  return: number;
  steps: number;
  kpis: Record<string, number>;
  /** Present when evaluate() was asked to keep trajectories. */
  trajectory?: Trajectory;
}

export interface EvaluationResult {
  envId: string;
  policy: string;
  episodes: EpisodeResult[];
  /** Per KPI (and `return`): mean, std and 95 % CI over the episodes. */
  summary: Record<string, Summary>;
}

export interface EvaluateOptions {
  keepTrajectories?: boolean;
  /** Safety stop for envs that never end (default 1,000,000 steps). */
  maxSteps?: number;
}

function isPolicy(p: Policy | PolicyFactory): p is Policy {
  return typeof (p as Policy).act === "function";
}

/** Runs one episode of `policy` on `env` from `seed`; the env must record its trajectory. */
export function runEpisode(env: Env, policy: Policy, seed: number, maxSteps = 1_000_000): EpisodeResult {
  const { observation, info } = env.reset({ seed });
  policy.reset?.(info);
  let obs = observation;
  let lastInfo: Info = info;
  let ret = 0;
  let steps = 0;
  for (; steps < maxSteps; ) {
    const r = env.step(policy.act(obs, lastInfo));
    ret += r.reward;
    steps++;
    obs = r.observation;
    lastInfo = r.info;
    if (r.terminated || r.truncated) break;
  }
  const inner = env.unwrapped;
  if (!recordsTrajectory(inner)) {
    throw new ConfigError("evaluate", [{ path: "env", expected: "an env that records its trajectory (trajectory() and kpis())", received: env.spec?.id ?? "an env without them" }]);
  }
  if (inner.trajectory().length !== steps) {
    throw new ConfigError("evaluate", [{ path: "env config.record", expected: "true (KPIs come from the recorded trajectory)", received: `${inner.trajectory().length} of ${steps} steps recorded` }]);
  }
  return { seed, return: ret, steps, kpis: inner.kpis(), trajectory: inner.trajectory() };
}

/** Per KPI (keys of the first episode) and `return`: mean, std and 95 % CI over the episodes. */
export function summarizeEpisodes(episodes: readonly EpisodeResult[]): Record<string, Summary> {
  const summary: Record<string, Summary> = { return: summarize(episodes.map((e) => e.return)) };
  for (const key of Object.keys(episodes[0]!.kpis)) summary[key] = summarize(episodes.map((e) => e.kpis[key]!));
  return summary;
}

/**
 * Evaluates `policy` (an instance shared by all episodes, or a factory called per episode)
 * on `envId` with `config`, one fresh env and episode per seed.
 */
export function evaluate(
  envId: string,
  config: unknown,
  policy: Policy | PolicyFactory,
  seeds: readonly number[],
  opts: EvaluateOptions = {},
): EvaluationResult {
  if (seeds.length === 0) {
    throw new ConfigError("evaluate", [{ path: "seeds", expected: "at least one seed", received: "[]" }]);
  }
  const episodes: EpisodeResult[] = [];
  let name = "";
  for (const seed of seeds) {
    const env = make(envId, config);
    try {
      const p = isPolicy(policy) ? policy : policy(env, { seed });
      name = p.name;
      const ep = runEpisode(env, p, seed, opts.maxSteps);
      if (!opts.keepTrajectories) delete ep.trajectory;
      episodes.push(ep);
    } finally {
      env.close();
    }
  }
  return { envId, policy: name, episodes, summary: summarizeEpisodes(episodes) };
}
