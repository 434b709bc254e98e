import { strict as assert } from "node:assert";
import "../../envs/index.js";
import { MpcPolicy } from "../../baselines/storage/mpc.js";
import type { Env, Info, Policy } from "../../src/core/env.js";
import { make } from "../../src/core/registry.js";
import { simplexStats } from "../../src/solvers/backends/simplex.js";
import { createSolver, syncSolver, type Solver } from "../../src/solvers/index.js";

/** The episode's actions and rewards as bytes (last-bit differences and -0 count). */
function episode(env: Env, policy: Policy<Float32Array, Float32Array>, seed: number): { actions: string; rewards: string } {
  const { observation, info } = env.reset({ seed });
  policy.reset?.(info);
  let obs = observation as Float32Array;
  let lastInfo: Info = info;
  const actions: string[] = [];
  const rewards: number[] = [];
  for (;;) {
    const a = policy.act(obs, lastInfo);
    actions.push(Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("hex"));
    const r = env.step(a);
    rewards.push(r.reward);
    obs = r.observation as Float32Array;
    lastInfo = r.info;
    if (r.terminated || r.truncated) break;
  }
  return { actions: actions.join(","), rewards: Buffer.from(Float64Array.from(rewards).buffer).toString("hex") };
}

interface Record {
  warm: number;
  simplex: number;
  /** Every LP solution, as bytes (the plans behind the float32 actions). */
  xs: string[];
  /** Whether each solve restarted from the handle (the first of an episode must not). */
  warmFlags: boolean[];
}

/** Records every LP solution and counts the solves that restarted from the policy's warm-start handle. */
function recording(solver: Solver, counter: Record): Solver {
  return {
    choice: solver.choice,
    pick: solver.pick,
    solve(model, opts) {
      const sol = solver.solve(model, opts);
      counter.xs.push(Buffer.from(sol.x.buffer, sol.x.byteOffset, sol.x.byteLength).toString("hex"));
      counter.warmFlags.push(sol.backend === "simplex" && simplexStats.warmStarted);
      if (sol.backend === "simplex") {
        counter.simplex++;
        if (simplexStats.warmStarted) counter.warm++;
      }
      return sol;
    },
  };
}

describe("MPC determinism: an episode's actions are a function of the episode alone", () => {
  for (const [label, config] of [["arbitrage, 24 h re-planned hourly", {}], ["self-consumption, 25 h, every 3 h", { horizonHours: 25, replanEvery: 3 }], ["arbitrage, 4 h (few sizes: seed 1 leaves its bases in the handle)", { horizonHours: 4 }]] as const) {
    it(`seed 2 gives bit-identical actions whether or not seed 1 ran before on the same policy and solver (${label})`, async () => {
      const envConfig = label.startsWith("self") ? { days: 7, reward: "self-consumption" } : { days: 7 };
      const solver = await createSolver();
      const env = make("CommunityBattery-v0", envConfig) as unknown as Env;
      const rec = (): Record => ({ warm: 0, simplex: 0, xs: [], warmFlags: [] });

      // Fresh: a new policy, a new solver, seed 2 first.
      const freshRec = rec();
      const fresh = episode(env, new MpcPolicy(recording(await createSolver(), freshRec), config), 2);
      // Seed 1 then seed 2 on one policy object and solver.
      const sharedRec = rec();
      const shared = new MpcPolicy(recording(solver, sharedRec), config);
      episode(env, shared, 1);
      sharedRec.xs = [];
      sharedRec.warmFlags = [];
      const after = episode(env, shared, 2);
      // Another policy on the same solver, after the shared one ran.
      const otherRec = rec();
      const other = episode(env, new MpcPolicy(recording(solver, otherRec), config), 2);
      // The synchronous front end (simplex with jsls as its fallback) gives the same episode.
      const syncRec = rec();
      const sync = episode(env, new MpcPolicy(recording(syncSolver(), syncRec), config), 2);

      assert.equal(after.actions, fresh.actions);
      assert.equal(after.rewards, fresh.rewards);
      assert.equal(other.actions, fresh.actions);
      assert.equal(sync.actions, fresh.actions);
      // The plans themselves, to the last bit (float32 actions would hide last-bit differences).
      assert.ok(freshRec.xs.length > 0);
      assert.deepEqual(sharedRec.xs, freshRec.xs);
      assert.deepEqual(otherRec.xs, freshRec.xs);
      assert.deepEqual(syncRec.xs, freshRec.xs);
      // The same solves started warm: the episode's first cold, though seed 1 left a basis of that size.
      assert.equal(freshRec.warmFlags[0], false);
      assert.deepEqual(sharedRec.warmFlags, freshRec.warmFlags);
      assert.deepEqual(otherRec.warmFlags, freshRec.warmFlags);
      // The policy does use its warm start within an episode (each episode's first solve is cold).
      assert.ok(freshRec.simplex > 0 && freshRec.warm > freshRec.simplex / 2, `warm starts ${freshRec.warm} of ${freshRec.simplex} simplex solves`);
    });
  }
});

describe("MPC on the env's price observations", () => {
  it("plans the same episode from relative prices ahead as from absolute ones", async () => {
    const solver = await createSolver();
    const run = (pricesAhead: string): { actions: string; rewards: string } => {
      const env = make("CommunityBattery-v0", { days: 3, pricesAhead }) as unknown as Env;
      const out = episode(env, new MpcPolicy(solver), 4);
      env.close();
      return out;
    };
    const absolute = run("absolute");
    const relative = run("relative");
    // float32 differences p_k - p_0 added back to p_0 may move the last bit of a price: compare the rewards' sums
    const sum = (hex: string): number => Array.from(new Float64Array(Uint8Array.from(Buffer.from(hex, "hex")).buffer)).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum(relative.rewards) - sum(absolute.rewards)) <= 1e-6 * Math.abs(sum(absolute.rewards)) + 1e-6, `${sum(relative.rewards)} vs ${sum(absolute.rewards)}`);
  });
});
