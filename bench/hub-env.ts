/**
 * Energy-hub env benchmark (SPEC section 2): env steps per second of EnergyHub-v0 (one agent)
 * and EnergyHubParallel-v0 (one step = every hub acts), on the default config (2 hubs, random
 * forecast errors every half hour, requests answered by the Methods' cascade) with random
 * actions, and with each hub's LP optimum (requests then come from the forecast errors only);
 * reset time is reported apart, with the whole episode's time (reset + steps) and the reset's
 * share of it. The hubs' 48 half-hour optimum LPs are solved as each step is first read
 * (system.ts), so they count in the steps: compare episode ms, not steps/s alone, with runs from
 * before that change (which solved them all in reset). Each scenario first runs
 * WARMUP_EPISODES untimed: the JIT needs ~80 episodes (~4,000 steps) of random actions before
 * the step rate settles (it is 5-10x lower in the first few), and training runs far longer, so the
 * numbers are the settled code's.
 * Run: npx tsx bench/hub-env.ts. Prints numbers, never pass/fail.
 */
import "../envs/index.js";
import { EnergyHubEnv, EnergyHubParallelEnv, energyHubConfigSchema } from "../envs/energy-hub/index.js";
import { Rng } from "../src/core/rng.js";
import { hubSetPoints } from "../baselines/hub/policies.js";

const EPISODES = 40;
const WARMUP_EPISODES = 100;

/** Steps per second of step time, and per episode: reset ms and episode ms (reset + steps). */
interface Rates {
  stepsPerS: number;
  resetMs: number;
  episodeMs: number;
}

function single(config: object, optimum: boolean, episodes = EPISODES): Rates {
  const env = new EnergyHubEnv(energyHubConfigSchema.parse(config));
  const rng = new Rng(0, "bench-actions");
  let steps = 0;
  let stepMs = 0;
  let resetMs = 0;
  for (let e = 0; e < episodes; e++) {
    const t0 = performance.now();
    env.reset({ seed: e });
    const t1 = performance.now();
    resetMs += t1 - t0;
    const ctrl = env.system.controllable;
    for (let t = 0; t < env.episodeSteps; t++) {
      const h = env.config.controlledHub;
      const a = optimum
        ? hubSetPoints(env.system.hub, env.system.stepOf(h), env.system.optimumOf(h), ctrl)
        : env.actionSpace.sample(rng);
      const s0 = performance.now();
      env.step(a);
      stepMs += performance.now() - s0;
      steps++;
    }
  }
  return { stepsPerS: steps / (stepMs / 1000), resetMs: resetMs / episodes, episodeMs: (resetMs + stepMs) / episodes };
}

function parallel(config: object, episodes = EPISODES): Rates & { hubs: number } {
  const env = new EnergyHubParallelEnv(energyHubConfigSchema.parse(config));
  const rng = new Rng(0, "bench-actions");
  let steps = 0;
  let stepMs = 0;
  let resetMs = 0;
  for (let e = 0; e < episodes; e++) {
    const t0 = performance.now();
    env.reset({ seed: e });
    resetMs += performance.now() - t0;
    while (env.agents.length > 0) {
      const actions: Record<string, Float64Array> = {};
      for (const a of env.agents) actions[a] = env.actionSpace(a).sample(rng);
      const s0 = performance.now();
      env.step(actions);
      stepMs += performance.now() - s0;
      steps++;
    }
  }
  return { stepsPerS: steps / (stepMs / 1000), resetMs: resetMs / episodes, episodeMs: (resetMs + stepMs) / episodes, hubs: env.possibleAgents.length };
}

/** "reset 0.1 ms of 5.6 ms per episode (2 %)". */
function resetShare(r: Rates): string {
  return `reset ${r.resetMs.toFixed(2)} ms of ${r.episodeMs.toFixed(2)} ms per episode (${((100 * r.resetMs) / r.episodeMs).toFixed(1)} %)`;
}

console.log(`energy-hub envs, Node ${process.version}, ${EPISODES} episodes of 48 half hours each after ${WARMUP_EPISODES} untimed (LPs on syncSolver: our simplex, jsls as fallback)`);
const fmt = (x: number) => Math.round(x).toLocaleString("en-US").padStart(8);
for (const [label, cfg, opt] of [
  ["EnergyHub-v0, random actions", {}, false],
  ["EnergyHub-v0, LP-optimal set-points", {}, true],
  ["EnergyHub-v0, random actions, no deviations", { deviation: { mode: "none" } }, false],
  ["EnergyHub-v0, random actions, requests refused", { response: "refuse", otherHubs: { response: "refuse" } }, false],
] as const) {
  single(cfg, opt, WARMUP_EPISODES);
  const r = single(cfg, opt);
  console.log(`${label.padEnd(50)} ${fmt(r.stepsPerS)} steps/s   ${resetShare(r)}`);
}
for (const hubs of [2, 10]) {
  parallel({ hubs }, WARMUP_EPISODES);
  const r = parallel({ hubs });
  console.log(`${`EnergyHubParallel-v0, ${hubs} hubs, random actions`.padEnd(50)} ${fmt(r.stepsPerS)} steps/s   (${fmt(r.stepsPerS * r.hubs)} hub-steps/s)   ${resetShare(r)}`);
}
