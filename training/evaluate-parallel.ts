/**
 * The evaluation harness of parallel envs (Community-v0): runs a joint policy, or one Policy per
 * agent, through one episode per seed and returns the env's KPIs (from its recorded trajectory),
 * in the same EvaluationResult shape as evaluate() so the KPI tables print the same way.
 */
import type { Info, JointPolicy, ParallelEnv, ParallelPolicy } from "../src/core/env.js";
import { ConfigError } from "../src/core/errors.js";
import { makeParallel } from "../src/core/registry.js";
import { recordsTrajectory, type RecordsTrajectory } from "../src/core/trajectory.js";
import { summarizeEpisodes, type EpisodeResult, type EvaluationResult } from "./evaluate.js";

export type { ParallelPolicy };

function isJoint(p: ParallelPolicy): p is JointPolicy {
  return typeof (p as JointPolicy).act === "function";
}

/** One episode of `policy` on `env` from `seed`; `return` is the sum of every agent's rewards. */
export function runParallelEpisode(env: ParallelEnv<unknown, unknown>, policy: ParallelPolicy, seed: number, maxSteps = 1_000_000, keepTrajectory = false): EpisodeResult & { returns: Record<string, number> } {
  let { observations, infos } = env.reset({ seed });
  if (isJoint(policy)) policy.reset?.(infos);
  else for (const a of env.possibleAgents) policy[a]?.reset?.(infos[a]!);
  const returns: Record<string, number> = {};
  for (const a of env.possibleAgents) returns[a] = 0;
  let steps = 0;
  while (env.agents.length > 0 && steps < maxSteps) {
    let actions: Record<string, unknown>;
    if (isJoint(policy)) actions = policy.act(observations as Record<string, Float32Array>, infos);
    else {
      actions = {};
      for (const a of env.agents) {
        const p = policy[a];
        if (p === undefined) throw new ConfigError("runParallelEpisode", [{ path: `policy.${a}`, expected: "a Policy for every agent", received: "undefined" }]);
        actions[a] = p.act(observations[a], infos[a] as Info);
      }
    }
    const r = env.step(actions);
    for (const a of Object.keys(r.rewards)) returns[a] = returns[a]! + r.rewards[a]!;
    observations = r.observations;
    infos = r.infos;
    steps++;
  }
  const kpiSource = env as Partial<RecordsTrajectory>;
  if (typeof kpiSource.kpis !== "function") {
    throw new ConfigError("runParallelEpisode", [{ path: "env", expected: "an env that computes its KPIs from its recorded trajectory (kpis())", received: env.spec?.id ?? "an env without them" }]);
  }
  let total = 0;
  for (const a of Object.keys(returns)) total += returns[a]!;
  // a joint policy's own figures (a planner's plans, ADMM iterations) join the env's KPIs
  const policyKpis = isJoint(policy) ? policy.kpis?.() ?? {} : {};
  const ep = { seed, return: total, returns, steps, kpis: { ...kpiSource.kpis(), ...policyKpis } };
  if (!keepTrajectory) return ep;
  if (!recordsTrajectory(env)) {
    throw new ConfigError("runParallelEpisode", [{ path: "keepTrajectory", expected: "an env with one trajectory() (EnergyHubParallel-v0 records one per hub)", received: env.spec?.id ?? "an env without it" }]);
  }
  return { ...ep, trajectory: env.trajectory() };
}

/** Evaluates a policy (or a factory per env instance) on a registered parallel env, one fresh env per seed. */
export function evaluateParallel(
  envId: string, config: unknown, policy: ParallelPolicy | ((env: ParallelEnv<unknown, unknown>, seed: number) => ParallelPolicy), seeds: readonly number[],
  opts: { keepTrajectories?: boolean } = {},
): EvaluationResult {
  if (seeds.length === 0) throw new ConfigError("evaluateParallel", [{ path: "seeds", expected: "at least one seed", received: "[]" }]);
  const episodes: EpisodeResult[] = [];
  let name = "";
  for (const seed of seeds) {
    const env = makeParallel(envId, config);
    try {
      const p = typeof policy === "function" ? policy(env, seed) : policy;
      name = isJoint(p) ? p.name : Object.values(p)[0]?.name ?? "per-agent";
      const { returns: _returns, ...ep } = runParallelEpisode(env, p, seed, 1_000_000, opts.keepTrajectories ?? false);
      episodes.push(ep);
    } finally {
      env.close();
    }
  }
  return { envId, policy: name, episodes, summary: summarizeEpisodes(episodes) };
}
