/**
 * Community-v0 benchmark (issue 6): env steps/s at 20, 100 and 1,000 households, with random
 * actions (a pool of 16 pre-sampled joint actions, cycled, so the sampler is not timed) and with
 * the myopic policy (its time included), without and with the radial LV feeder (one bus per
 * household); and the time per decision of the centralised MPC (one 24 h LP over every asset,
 * re-planned every hour) at 20 and 50 households.
 * Run: npx tsx bench/community-env.ts (`--mpc-only`: the MPC part alone). Prints numbers, never pass/fail.
 */
import "../envs/index.js";
import { CommunityMyopicPolicy, CommunityPlanningPolicy } from "../baselines/community/policies.js";
import type { CommunityEnv } from "../envs/community/community-env.js";
import { makeParallel } from "../src/core/registry.js";
import { Rng } from "../src/core/rng.js";
import { createSolver } from "../src/solvers/index.js";

function makeEnv(n: number, lv: boolean, extra: object = {}): CommunityEnv {
  return makeParallel("Community-v0", {
    days: 7, startDay: 150, community: { households: n },
    // the transformer sized to the community, about 25 households per LV line
    feeder: { transformer: { ratingKva: Math.max(630, 2.5 * n) } },
    lvFeeder: lv ? { feeders: Math.max(2, Math.ceil(n / 25)) } : null,
    ...extra,
  }) as unknown as CommunityEnv;
}

function stepsPerSecond(env: CommunityEnv, act: () => Record<string, ArrayLike<number>>, minMs: number): number {
  let steps = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    env.reset({ seed: steps });
    while (env.agents.length > 0) {
      env.step(act());
      steps++;
    }
  }
  return (steps * 1000) / (performance.now() - start);
}

console.log(`Community-v0 benchmark, Node ${process.version}`);
console.log("households  feeder  policy   steps/s   us/step  us/household-step");
for (const n of (process.argv.includes("--mpc-only") ? [] : [20, 100, 1000])) {
  for (const lv of [false, true]) {
    const env = makeEnv(n, lv);
    env.reset({ seed: 0 });
    const rng = new Rng(1, "bench-actions");
    const pool = Array.from({ length: 16 }, () => {
      const a: Record<string, ArrayLike<number>> = {};
      for (const agent of env.possibleAgents) a[agent] = env.actionSpace(agent).sample(rng);
      return a;
    });
    let k = 0;
    const minMs = n >= 1000 ? 4000 : 2000;
    stepsPerSecond(env, () => pool[k++ % pool.length]!, 300);
    const random = stepsPerSecond(env, () => pool[k++ % pool.length]!, minMs);
    const myopic = new CommunityMyopicPolicy(env);
    let obs: Record<string, Float32Array> = {};
    const origReset = env.reset.bind(env);
    const origStep = env.step.bind(env);
    env.reset = (o) => { const r = origReset(o); obs = r.observations; return r; };
    env.step = (a) => { const r = origStep(a); obs = r.observations; return r; };
    const rule = stepsPerSecond(env, () => myopic.act(obs), minMs);
    for (const [name, sps] of [["random", random], ["myopic", rule]] as const) {
      console.log(`${String(n).padStart(10)}  ${(lv ? "LV" : "PCC").padStart(6)}  ${name.padEnd(6)} ${sps.toFixed(0).padStart(9)} ${(1e6 / sps).toFixed(0).padStart(9)} ${(1e6 / sps / n).toFixed(2).padStart(18)}`);
    }
  }
}

const solver = await createSolver({ backend: "highs" });
console.log(`\ncentralised MPC (HiGHS), 24 h horizon, re-planned every hour: median of 20 decisions after 4 warm-up decisions`);
for (const n of [20, 50]) {
  const env = makeEnv(n, false, { communityBatteryAgent: true, days: 2 });
  const policy = new CommunityPlanningPolicy(env, solver, { replanEveryHours: 1 });
  env.reset({ seed: 0 });
  const ms: number[] = [];
  for (let t = 0; t < 24; t++) {
    const before = policy.planMs;
    env.step(policy.act());
    if (t >= 4) ms.push(policy.planMs - before);
  }
  ms.sort((a, b) => a - b);
  console.log(`${String(n).padStart(4)} households: ${ms[Math.floor(ms.length / 2)]!.toFixed(1)} ms per decision (LP build + solve + decode; min ${ms[0]!.toFixed(1)}, max ${ms[ms.length - 1]!.toFixed(1)})`);
}
