import { strict as assert } from "node:assert";
import fc from "fast-check";
import "../../envs/microgrid/index.js";
import { MicrogridEnv, batteryColumns } from "../../envs/microgrid/index.js";
import { MicrogridMyopicPolicy } from "../../baselines/microgrid/myopic.js";
import { checkEnv } from "../../src/core/checker.js";
import { ConfigError, InvalidActionError } from "../../src/core/errors.js";
import { make } from "../../src/core/registry.js";
import { Rng } from "../../src/core/rng.js";

const ID = "Microgrid-v0";
const TWO_BATTERIES = [{}, { capacityKwh: 60, cRatePerHour: 0.5, chargeEfficiency: 0.9, minSoc: 0.1, maxSoc: 0.9, initialSoc: 0.3 }];

function makeEnv(config: object = {}): MicrogridEnv {
  return make(ID, config).unwrapped as unknown as MicrogridEnv;
}

function randomEpisode(env: MicrogridEnv, seed: number, actionSeed: number): { csv: string; transcript: string } {
  env.reset({ seed });
  const rng = new Rng(actionSeed, "test-actions");
  const transcript: unknown[] = [];
  for (;;) {
    const r = env.step(env.actionSpace.sample(rng));
    if (r.info["transcript"]) transcript.push(r.info["transcript"]);
    if (r.terminated) break;
  }
  return { csv: env.trajectory().toCSV(), transcript: JSON.stringify(transcript) };
}

describe("Microgrid-v0", () => {
  const variants: [string, object][] = [
    ["default", {}],
    ["two batteries, two PV arrays, transcript on", { batteries: TWO_BATTERIES, pvArrays: [{}, { panels: 50 }], transcript: true }],
    ...(["pv-outage", "load-spike", "blackout", "component-break"] as const).map((s): [string, object] => [`scenario ${s}`, { scenario: s, events: [{ kind: s, startTick: 2 }] }]),
    ["forecast off", { forecast: { model: "off" } }],
    ["seasonal-naive forecast, self-sufficiency reward with reserve", { forecast: { model: "seasonal-naive" }, reward: { kind: "self-sufficiency", reserveSoc: 0.3, reservePenaltyPerKwh: 0.1 } }],
  ];
  for (const [label, config] of variants) {
    it(`passes checkEnv: ${label}`, () => {
      checkEnv(make(ID, { episodeTicks: 30, ...config }));
    });
  }

  it("passes checkEnv as MicrogridDiscrete-v0", () => {
    checkEnv(make("MicrogridDiscrete-v0", { levels: 11, microgrid: { episodeTicks: 30 } }));
  });

  it("balances energy every tick, keeps SoC in bounds and power within the C-rate, for random actions and seeds", () => {
    const env = makeEnv({ episodeTicks: 72, batteries: TWO_BATTERIES, pvArrays: [{}, { panels: 80 }], events: [{ kind: "blackout", startTick: 10, lengthTicks: 12 }, { kind: "component-break", startTick: 30, component: "battery", index: 1 }] });
    fc.assert(fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), (seed, actionSeed) => {
      randomEpisode(env, seed, actionSeed);
      const tr = env.trajectory();
      const c = tr.columns;
      for (let t = 0; t < tr.length; t++) {
        // PV + discharge + import = served load + charge + export + curtailment (served = load - unserved)
        const residual = c.pvKw![t]! + c.dischargeKw![t]! + c.importKw![t]!
          - (c.servedLoadKw![t]! + c.chargeKw![t]! + c.exportKw![t]! + c.curtailmentKw![t]!);
        assert.ok(Math.abs(residual) < 1e-9, `residual ${residual} kWh at tick ${t}`);
        assert.ok(c.importKw![t]! <= c.gridAvailableKw![t]! + 1e-9 && c.exportKw![t]! <= c.gridAvailableKw![t]! + 1e-9);
        assert.ok(c.unservedKw![t]! >= 0 && c.curtailmentKw![t]! >= -1e-9);
        env.batteryInfo.forEach((b, i) => {
          const n = batteryColumns(i);
          const ch = c[n.chargeKw]![t]!;
          const dis = c[n.dischargeKw]![t]!;
          assert.ok(ch >= 0 && ch <= b.maxPowerKw + 1e-9, `battery ${i} charge ${ch} beyond C-rate`);
          assert.ok(dis >= 0 && dis <= b.maxPowerKw + 1e-9, `battery ${i} discharge ${dis} beyond C-rate`);
          assert.ok(ch === 0 || dis === 0);
          const soc = c[n.soc]![t]!;
          const prev = t === 0 ? b.initialEnergyKwh : c[n.energyKwh]![t - 1]!;
          const floor = Math.min(b.minSoc, (prev * (1 - b.selfDischargePerHour)) / b.capacityKwh);
          assert.ok(soc <= b.maxSoc + 1e-12 && soc >= floor - 1e-12, `battery ${i} SoC ${soc} out of bounds`);
          const stored = c[n.energyKwh]![t]! - (prev - b.selfDischargePerHour * prev + b.chargeEfficiency * ch - dis / b.dischargeEfficiency);
          assert.ok(Math.abs(stored) < 1e-9, `battery ${i} storage residual ${stored}`);
        });
      }
    }), { numRuns: 25 });
  });

  it("gives an identical trajectory CSV and negotiation transcript for the same seed, and different ones for another", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), (seed, actionSeed) => {
      const cfg = { episodeTicks: 48, transcript: true, batteries: TWO_BATTERIES };
      const a = randomEpisode(makeEnv(cfg), seed, actionSeed);
      const b = randomEpisode(makeEnv(cfg), seed, actionSeed);
      assert.equal(a.csv, b.csv);
      assert.equal(a.transcript, b.transcript);
      assert.notEqual(randomEpisode(makeEnv(cfg), seed + 1, actionSeed).csv, a.csv);
    }), { numRuns: 8 });
  });

  it("applies an infeasible set-point as far as it can and reports the shortfall", () => {
    const env = makeEnv({ episodeTicks: 5, batteries: [{ initialSoc: 0.95 }] });
    env.reset({ seed: 3 });
    const r = env.step(Float32Array.of(100));
    const b = (r.info["batteries"] as { chargeKw: number; shortfallKw: number; energyKwh: number }[])[0]!;
    const headroomKw = (100 - 95 * 0.999) / 0.95;
    assert.ok(Math.abs(b.chargeKw - headroomKw) < 1e-9);
    assert.ok(Math.abs(b.shortfallKw - (100 - headroomKw)) < 1e-9);
    assert.equal(b.energyKwh, 100);
  });

  it("serves no load in a blackout beyond PV and discharge, and reports the unserved energy", () => {
    const env = makeEnv({ episodeTicks: 12, events: [{ kind: "blackout", startTick: 0, lengthTicks: 12 }], batteries: [{ initialSoc: 0 }] });
    env.reset({ seed: 1 });
    const r = env.step(Float32Array.of(50));
    assert.equal(r.info["importKw"], 0);
    assert.ok((r.info["unservedKw"] as number) > 0);
    assert.equal(r.info["unservedKw"], r.info["loadKw"]);
    assert.equal((r.info["batteries"] as { chargeKw: number }[])[0]!.chargeKw, 0);
  });

  it("rejects out-of-space actions naming the battery index and its bound", () => {
    const env = make(ID, { batteries: TWO_BATTERIES });
    env.reset({ seed: 0 });
    assert.throws(() => env.step(Float32Array.of(0, 31)), (e: unknown) =>
      e instanceof InvalidActionError && e.message === "Microgrid-v0: action[1] must be in [-30, 30] kW (power limit of batteries[1]), got 31");
    assert.throws(() => env.step(Float32Array.of(NaN, 0)), (e: unknown) =>
      e instanceof InvalidActionError && e.message === "Microgrid-v0: action[0] must be a number, got NaN");
    assert.throws(() => env.step(Float32Array.of(1)), (e: unknown) =>
      e instanceof InvalidActionError && e.message === "Microgrid-v0: action must be an array of length 2, got length 1");
  });

  it("rejects actions that are not a float array or plain array of numbers, and keeps the episode running", () => {
    const env = make<Float32Array, unknown>(ID);
    env.reset({ seed: 0 });
    const notNumbers: unknown[] = [["-599"], [null], [true], [[0]], { length: 1, 0: 0 }, "0", new BigInt64Array(1)];
    for (const bad of notNumbers) {
      assert.throws(() => env.step(bad), InvalidActionError, `accepted ${String(bad)}`);
    }
    assert.equal(env.step([0]).terminated, false);
  });

  it("names every bad config field by its path", () => {
    assert.throws(() => make(ID, { batteries: [{}, { capacityKwh: -5 }], scenario: "meteor", events: [{ kind: "component-break", index: 4 }] }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.message, [
        "invalid Microgrid-v0 config:",
        "  batteries[1].capacityKwh: expected a number > 0, got -5",
        '  scenario: expected one of "nominal", "pv-outage", "load-spike", "blackout", "component-break", got "meteor"',
      ].join("\n"));
      return true;
    });
    assert.throws(() => make(ID, { batteries: [{ minSoc: 0.5, maxSoc: 0.4 }], events: [{ kind: "component-break", index: 4 }] }), {
      message: [
        "invalid Microgrid-v0 config:",
        "  batteries[0].minSoc: expected a number < maxSoc (0.4), got 0.5",
        "  events[0].index: expected an integer < 1 (number of batteries), got 4",
      ].join("\n"),
    });
  });

  it("publishes what a planner needs in the reset info and foresight", () => {
    const env = makeEnv({ episodeTicks: 24 });
    const { info, observation } = env.reset({ seed: 5 });
    const idx = info["observationIndex"] as { loadKw: number; pvKw: number; size: number };
    assert.equal(observation.length, idx.size);
    const f = env.foresight();
    assert.equal(f.loadKw.length, 24);
    assert.equal(observation[idx.loadKw], Math.fround(f.loadKw[0]!));
    assert.equal(observation[idx.pvKw], Math.fround(f.pvKw[0]!));
    assert.deepEqual((info["batteries"] as { maxPowerKw: number }[])[0]!.maxPowerKw, 100);
  });

  it("myopic baseline through Contract Net never imports while a battery could cover the deficit", () => {
    const env = makeEnv({ episodeTicks: 96 });
    const policy = new MicrogridMyopicPolicy();
    let { observation, info } = env.reset({ seed: 2 });
    policy.reset(info);
    for (;;) {
      const r = env.step(policy.act(observation, info));
      const b = (r.info["batteries"] as { shortfallKw: number }[])[0]!;
      assert.ok(Math.abs(b.shortfallKw) < 1e-6, `shortfall ${b.shortfallKw}`);
      // float32 set-points leave at most a rounding step (~1e-6 kW) to import
      if ((r.info["importKw"] as number) > 1e-4) assert.ok((r.info["soc"] as number) < 0.01, "imported with energy left");
      ({ observation, info } = r);
      if (r.terminated) break;
    }
    const k = env.kpis();
    assert.ok(k.cebrSeedPct > k.cebrLocalPct);
  });
});

describe("Microgrid-v0 learner interface", () => {
  const run = (config: object, act: (t: number) => Float32Array, seed = 5): { rewards: number[]; kpis: Record<string, number>; shortfall: number } => {
    const env = make("Microgrid-v0", config);
    env.reset({ seed });
    const rewards: number[] = [];
    let shortfall = 0;
    for (let t = 0; ; t++) {
      const r = env.step(act(t));
      rewards.push(r.reward);
      for (const b of (r.info["batteries"] as { shortfallKw: number }[])) shortfall += Math.abs(b.shortfallKw);
      if (r.terminated) break;
    }
    const kpis = (env.unwrapped as unknown as MicrogridEnv).kpis() as unknown as Record<string, number>;
    return { rewards, kpis, shortfall };
  };

  it("action 'balance' [1, 0] is the myopic rule, and every balance action is feasible", () => {
    const myopic = make("Microgrid-v0", {});
    const policy = new MicrogridMyopicPolicy();
    let { observation, info } = myopic.reset({ seed: 5 });
    policy.reset?.(info);
    for (;;) {
      const r = myopic.step(policy.act(observation as Float32Array, info));
      observation = r.observation;
      info = r.info;
      if (r.terminated) break;
    }
    const rule = (myopic.unwrapped as unknown as MicrogridEnv).kpis() as unknown as Record<string, number>;
    const balance = run({ action: "balance" }, () => Float32Array.of(1, 0));
    assert.ok(Math.abs(balance.kpis["importCost"]! - rule["importCost"]!) < 1e-6 * rule["importCost"]!, `${balance.kpis["importCost"]} vs ${rule["importCost"]}`);
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e6 }), (seed) => {
      const rng = new Rng(seed, "balance-actions");
      const r = run({ action: "balance", episodeTicks: 72 }, () => Float32Array.of(rng.uniform(0, 1), rng.uniform(-1, 1)), seed);
      assert.ok(r.shortfall < 1e-6, `shortfall ${r.shortfall}`);
    }), { numRuns: 10 });
    const env = make("Microgrid-v0", { action: "balance" });
    env.reset({ seed: 1 });
    assert.throws(() => env.step(Float32Array.of(1)), InvalidActionError);
    assert.throws(() => env.step(Float32Array.of(1.5, 0)), InvalidActionError);
  });

  it("rewardBaseline 'idle' pays an idle battery 0 and shifts every reward by an action-independent term", () => {
    const idle = run({ rewardBaseline: "idle", scenario: "blackout", reward: { valueOfLostLoadPerKwh: 20 } }, () => Float32Array.of(0));
    assert.ok(idle.rewards.every((r) => r === 0));
    const plainIdle = run({ scenario: "blackout", reward: { valueOfLostLoadPerKwh: 20 } }, () => Float32Array.of(0));
    const a = (t: number): Float32Array => Float32Array.of(t % 24 < 12 ? 60 : -60);
    const relative = run({ rewardBaseline: "idle", scenario: "blackout", reward: { valueOfLostLoadPerKwh: 20 } }, a);
    const plain = run({ scenario: "blackout", reward: { valueOfLostLoadPerKwh: 20 } }, a);
    relative.rewards.forEach((r, t) => assert.ok(Math.abs(r - (plain.rewards[t]! - plainIdle.rewards[t]!)) < 1e-9, `tick ${t}`));
    assert.deepEqual(relative.kpis, plain.kpis);
  });
});
