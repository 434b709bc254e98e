/**
 * Fingerprints of every env id under every baseline it offers and under seeded random actions:
 * one SHA-256 per (env, config, policy, seed) over every observation, reward, flag and info of
 * the episode, the recorded trajectory (CSV) and the KPIs. A refactor that must not change
 * behaviour is checked by writing the hashes before and comparing after:
 *
 *   npx tsx bench/trajectory-hashes.ts --write bench/trajectory-hashes.json
 *   npx tsx bench/trajectory-hashes.ts --check bench/trajectory-hashes.json
 *   npx tsx bench/trajectory-hashes.ts --check bench/trajectory-hashes.json --only Microgrid   (ids starting so)
 *
 * Not a test: the full set takes about a minute (the community planners solve LPs every hour).
 */
import { createHash, type Hash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { make, makeParallel, Rng, baselineFactory, type Env, type ParallelEnv, type Policy } from "../index.js";
import { baselinesFor, parallelBaselineFactory } from "../training/policies.js";
import { runParallelEpisode } from "../training/evaluate-parallel.js";

interface Case {
  id: string;
  label: string;
  config: Record<string, unknown>;
  parallel: boolean;
}

const SEEDS = [3, 1001];

const CASES: Case[] = [
  { id: "CommunityBattery-v0", label: "default", config: { days: 2 }, parallel: false },
  { id: "CommunityBattery-v0", label: "self-consumption-idle", config: { days: 2, reward: "self-consumption", rewardBaseline: "idle", forecast: "persistence" }, parallel: false },
  { id: "Microgrid-v0", label: "default", config: { episodeTicks: 48, activationTick: 24 }, parallel: false },
  { id: "Microgrid-v0", label: "transcript-stress", config: { episodeTicks: 40, activationTick: 8, scenario: "load-spike", transcript: true, batteries: [{}, { capacityKwh: 50 }] }, parallel: false },
  { id: "Microgrid-v0", label: "forest", config: { episodeTicks: 30, activationTick: 24, forecast: { model: "quantile-forest", refitEveryTicks: 12 } }, parallel: false },
  { id: "MicrogridDiscrete-v0", label: "default", config: { microgrid: { episodeTicks: 48, activationTick: 24 } }, parallel: false },
  { id: "EnergyHub-v0", label: "default", config: {}, parallel: false },
  { id: "EnergyHub-v0", label: "transcript", config: { transcript: true, hubs: 3 }, parallel: false },
  { id: "EnergyHubParallel-v0", label: "default", config: { transcript: true }, parallel: true },
  { id: "Community-v0", label: "small", config: { community: { households: 4 }, days: 1 }, parallel: true },
  { id: "Community-v0", label: "battery-agent", config: { community: { households: 5 }, days: 2, communityBatteryAgent: true }, parallel: true },
  { id: "CommunityBatteryGrid-v0", label: "small", config: { community: { households: 6 }, days: 2 }, parallel: false },
];

/** JSON with typed arrays as arrays and keys in insertion order (the env's own order). */
function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return { typed: v.constructor.name, values: Array.from(v as unknown as ArrayLike<number>) };
    if (v instanceof Map) return { map: [...v.entries()] };
    if (typeof v === "number" && !Number.isFinite(v)) return String(v);
    if (typeof v === "bigint") return String(v);
    return v;
  });
}

function feed(h: Hash, value: unknown): void {
  if (ArrayBuffer.isView(value)) h.update(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  else h.update(stable(value));
  h.update("|");
}

function feedTrajectory(h: Hash, env: unknown): void {
  const inner = env as { trajectory?: () => { toCSV(): string }; kpis?: () => Record<string, number> };
  if (typeof inner.trajectory === "function") {
    try { feed(h, inner.trajectory().toCSV()); } catch { feed(h, "no single trajectory"); }
  }
  if (typeof inner.kpis === "function") feed(h, inner.kpis());
}

function randomPolicy(env: Env, seed: number): Policy {
  const rng = new Rng(seed, "hash-random");
  return { name: "random-actions", act: () => env.actionSpace.sample(rng) };
}

function runSingle(env: Env, policy: Policy, seed: number): string {
  const h = createHash("sha256");
  const r0 = env.reset({ seed });
  policy.reset?.(r0.info);
  feed(h, r0.observation);
  feed(h, r0.info);
  let obs = r0.observation;
  let info = r0.info;
  for (let t = 0; t < 100_000; t++) {
    const action = policy.act(obs, info);
    feed(h, action);
    const r = env.step(action);
    feed(h, r.observation);
    feed(h, [r.reward, r.terminated, r.truncated]);
    feed(h, r.info);
    obs = r.observation;
    info = r.info;
    if (r.terminated || r.truncated) break;
  }
  feedTrajectory(h, env.unwrapped);
  return h.digest("hex");
}

/** A parallel episode hashed step by step: the policy's actions, then everything step returns. */
function runParallel(env: ParallelEnv, policy: Parameters<typeof runParallelEpisode>[1], seed: number): string {
  const h = createHash("sha256");
  const recording: ParallelEnv = {
    get possibleAgents() { return env.possibleAgents; },
    get agents() { return env.agents; },
    observationSpace: (a) => env.observationSpace(a),
    actionSpace: (a) => env.actionSpace(a),
    reset: (opts) => { const r = env.reset(opts); feed(h, r.observations); feed(h, r.infos); return r; },
    step: (actions) => { feed(h, actions); const r = env.step(actions); feed(h, r); return r; },
    close: () => env.close(),
  };
  Object.assign(recording, { kpis: () => (env as unknown as { kpis(): Record<string, number> }).kpis() });
  const ep = runParallelEpisode(recording, policy, seed);
  feed(h, ep.kpis);
  feedTrajectory(h, env);
  return h.digest("hex");
}

async function hashes(only: string | undefined): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const c of CASES) {
    if (only !== undefined && !c.id.startsWith(only)) continue;
    const names = baselinesFor(c.id);
    for (const name of [...names, "random-actions"]) {
      for (const seed of SEEDS) {
        const key = `${c.id}/${c.label}/${name}/${seed}`;
        const t0 = performance.now();
        try {
        if (c.parallel) {
          const env = makeParallel(c.id, c.config);
          const policy = name === "random-actions"
            ? Object.fromEntries(env.possibleAgents.map((a) => {
              const rng = new Rng(seed, `hash-random/${a}`);
              return [a, { name, act: () => env.actionSpace(a).sample(rng) } satisfies Policy];
            }))
            : (await parallelBaselineFactory(name, { envId: c.id, solver: "highs" }))(env, seed);
          out[key] = runParallel(env, policy, seed);
          env.close();
        } else {
          const env = make(c.id, c.config);
          const policy = name === "random-actions" ? randomPolicy(env, seed) : (await baselineFactory(name, { envId: c.id, solver: "highs" }))(env, { seed });
          out[key] = runSingle(env, policy, seed);
          env.close();
        }
        } catch (err) {
          // a pair that fails is recorded as its error, so a fix shows up as a change
          out[key] = `error: ${(err as Error).message}`;
        }
        process.stderr.write(`${key} ${(performance.now() - t0).toFixed(0)} ms\n`);
      }
    }
  }
  return out;
}

const [mode, file, onlyFlag, only] = process.argv.slice(2);
const got = await hashes(onlyFlag === "--only" ? only : undefined);
if (mode === "--write" && file !== undefined) {
  writeFileSync(file, JSON.stringify(got, null, 1) + "\n");
  console.log(`${Object.keys(got).length} hashes written to ${file}`);
} else if (mode === "--check" && file !== undefined) {
  const want = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
  let differ = 0;
  const keys = new Set([...Object.keys(want).filter((k) => onlyFlag !== "--only" || k.startsWith(only ?? "")), ...Object.keys(got)]);
  for (const key of keys) {
    if (want[key] !== got[key]) {
      differ++;
      const what = want[key] === undefined ? "new" : got[key] === undefined ? "missing"
        : want[key]!.startsWith("error:") && !got[key]!.startsWith("error:") ? "runs now (was an error)" : "DIFFERS";
      console.log(`${what}: ${key}`);
    }
  }
  console.log(`${Object.keys(got).length} hashes, ${differ} differ from ${file}`);
  process.exitCode = differ === 0 ? 0 : 1;
} else {
  for (const [k, v] of Object.entries(got)) console.log(`${v}  ${k}`);
}
